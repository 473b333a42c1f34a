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


class LocalizedProduct(msgspec.Struct, frozen=True):
    name: str
    description_html: str = ""  # sanitised HTML rendered from markdown
    summary: str = ""  # plain text, for meta descriptions
    attributes: list[AttributeLine] = []


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
