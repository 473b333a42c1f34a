"""What the generator reads: frozen, already-resolved views of a channel.

These structs are the contract between publishing and rendering. The API
encodes a ``ProductView`` once, at publish time, with its markdown already
rendered and sanitised; the generator only decodes and renders.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class Price(msgspec.Struct, frozen=True):
    amount: str  # exact decimal as text, e.g. "1299.00"
    currency: str


class AttributeLine(msgspec.Struct, frozen=True):
    """One row of a product's specification table, already formatted."""

    code: str
    label: str
    value: str


class AxisValue(msgspec.Struct, frozen=True):
    """One variant axis of a product, formatted for one locale."""

    code: str  # attribute code, e.g. "color"
    label: str  # the attribute's label in the locale, e.g. "Colour"
    value: str  # the formatted value, e.g. "Oak" or "42 cm"


class LocalizedProduct(msgspec.Struct, frozen=True):
    name: str
    description_html: str = ""  # sanitised HTML rendered from markdown
    summary: str = ""  # plain text, for meta descriptions
    attributes: list[AttributeLine] = []
    axes: list[AxisValue] = []  # set on variants: what tells them apart
    # Texts shown in another locale because this one has no value: field
    # ("name", "description", "summary" or an attribute code) -> locale shown.
    fallbacks: dict[str, str] = {}


class ProductGroup(msgspec.Struct, frozen=True):
    """The root product model of a variant; a group's variants share a page."""

    code: str  # root product model code, schema.org productGroupID
    names: dict[str, str]  # locale -> the model's name
    descriptions_html: dict[str, str] = {}  # locale -> sanitised HTML
    varies_by: list[str] = []  # axis attribute codes, first level first


class RelatedProduct(msgspec.Struct, frozen=True):
    """An association of the product, shown as a related product."""

    association: str  # association type code, e.g. "cross_sell"
    sku: str  # the target product's SKU, or the product model's code
    kind: str = "product"  # "product" or "product_model"


class Rendition(msgspec.Struct, frozen=True):
    url: str  # root-relative or absolute URL of the file
    width: int
    height: int
    format: str  # "webp", "avif" or "jpeg"


class ImageRef(msgspec.Struct, frozen=True):
    """An image asset linked to the product, with its resized copies."""

    url: str  # the original file
    width: int
    height: int
    role: str = "main"  # "main", "gallery", ...
    alt: dict[str, str] = {}  # locale -> alt text
    renditions: list[Rendition] = []


class ProductView(msgspec.Struct, frozen=True):
    """A product as one channel publishes it, in every locale of the channel."""

    product_id: int
    sku: str
    family: str | None
    categories: list[str]
    locales: dict[str, LocalizedProduct]  # keyed by locale code, e.g. "en_US"
    prices: list[Price]
    published_at: datetime
    updated_at: datetime
    image: str | None = None
    gtin: str | None = None
    brand: str | None = None
    availability: str = "InStock"  # schema.org ItemAvailability name
    group: ProductGroup | None = None
    related: list[RelatedProduct] = []
    images: list[ImageRef] = []


class CategoryView(msgspec.Struct, frozen=True):
    code: str
    parent: str | None
    labels: dict[str, str]
    sort_order: int = 0


class SiteConfig(msgspec.Struct, frozen=True):
    """Everything about the organisation that shapes its site."""

    org_slug: str
    org_name: str
    base_url: str  # absolute origin, e.g. "https://shop.example" (no trailing /)
    channel: str
    locales: list[str]  # first is the default locale
    quote_url: str  # absolute or root-relative URL of the quote endpoint
    theme: str = "default"
    page_size: int = 24


view_encoder = msgspec.json.Encoder()
view_decoder = msgspec.json.Decoder(ProductView)
