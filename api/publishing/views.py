"""Freezing a product into the view one channel publishes.

A view carries, per locale of the channel, the product's name, its
description rendered from markdown and sanitised, a plain-text summary and a
formatted specification table; prices are limited to the channel's
currencies. Resolution follows the usual PIM precedence: a value for the
exact locale and channel wins over a locale-only value, which wins over a
channel-only value, which wins over a global one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any

import markdown
import nh3
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalog.models import (
    AttributeOption,
    AttributeValue,
    Channel,
    Family,
    FamilyAttribute,
    Product,
    ProductCategory,
)
from api.catalog.values import CatalogRules
from sitegen.formatting import format_number
from sitegen.model import AttributeLine, LocalizedProduct, Price, ProductView

SUMMARY_LENGTH = 300
_BRAND_CODES = ("brand", "manufacturer")
_GTIN_CODES = ("gtin", "ean", "upc")
_NOT_IN_SPECS = {"identifier", "image", "file", "price_collection", "textarea"}
_YES_NO = {"fr": ("Oui", "Non"), "de": ("Ja", "Nein"), "en": ("Yes", "No")}
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")

# Raw HTML inside markdown is kept only as far as this allow-list lets it.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre",
    "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(source: str) -> str:
    """Markdown (with any embedded HTML) to HTML that can run no script."""
    html = markdown.markdown(source, extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(html: str, limit: int = SUMMARY_LENGTH) -> str:
    text = _SPACES.sub(" ", _TAGS.sub(" ", html)).strip()
    text = (
        text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
    )
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


class _Resolver:
    """Picks the value of an attribute for one locale of one channel."""

    def __init__(self, rows: list[AttributeValue], channel: str) -> None:
        self._values: dict[tuple[str, str, str], Any] = {
            (r.attribute_code, r.locale, r.channel): r.value for r in rows
        }
        self.codes = {r.attribute_code for r in rows}
        self.channel = channel

    def get(self, code: str, locale: str) -> Any:
        for key in (
            (code, locale, self.channel),
            (code, locale, ""),
            (code, "", self.channel),
            (code, "", ""),
        ):
            value = self._values.get(key)
            if value is not None and value != "" and value != []:
                return value
        return None


class ViewBuilder:
    """Builds views for many products of one tenant with few queries."""

    def __init__(self, db: Session, rules: CatalogRules) -> None:
        self.db = db
        self.rules = rules
        self.option_labels: dict[tuple[str, str], dict[str, str]] = {
            (o.attribute_code, o.code): o.labels or {}
            for o in db.scalars(select(AttributeOption))
        }
        self.families = {f.code: f for f in db.scalars(select(Family))}
        self.family_order: dict[str, list[str]] = defaultdict(list)
        for family_code, attribute_code in db.execute(
            select(FamilyAttribute.family_code, FamilyAttribute.attribute_code)
        ):
            self.family_order[family_code].append(attribute_code)

    def build(
        self, products: list[Product], channel: Channel, now: datetime
    ) -> dict[int, ProductView]:
        ids = [p.id for p in products]
        rows: dict[int, list[AttributeValue]] = defaultdict(list)
        for row in self.db.scalars(
            select(AttributeValue).where(AttributeValue.product_id.in_(ids))
        ):
            rows[row.product_id].append(row)
        categories: dict[int, list[str]] = defaultdict(list)
        for product_id, code in self.db.execute(
            select(ProductCategory.product_id, ProductCategory.category_code)
            .where(ProductCategory.product_id.in_(ids))
            .order_by(ProductCategory.category_code)
        ):
            categories[product_id].append(code)
        return {
            p.id: self._view(
                p, _Resolver(rows[p.id], channel.code), channel, categories[p.id], now
            )
            for p in products
        }

    def _view(
        self,
        product: Product,
        values: _Resolver,
        channel: Channel,
        categories: list[str],
        now: datetime,
    ) -> ProductView:
        attributes = self.rules.attributes
        family = self.families.get(product.family_code or "")
        label_code = family.attribute_as_label if family else None
        if not label_code and "name" in attributes:
            label_code = "name"
        description_code = _first_of_type(values.codes, attributes, "textarea")
        if "description" in values.codes:
            description_code = "description"
        summary_code = next(
            (c for c in ("short_description", "meta_description") if c in values.codes),
            None,
        )
        ordered = self._spec_codes(product, values.codes)
        locales: dict[str, LocalizedProduct] = {}
        default_locale = channel.locales[0] if channel.locales else "en_US"
        for locale in channel.locales:
            name = self._text(values.get(label_code, locale)) if label_code else ""
            if not name:
                name = (
                    self._text(values.get(label_code, default_locale))
                    or self._text(values.get("name", locale))
                    or product.sku
                )
            description = values.get(description_code, locale) or ""
            html = render_markdown(str(description)) if description else ""
            summary_source = values.get(summary_code, locale) if summary_code else None
            summary = plain_text(
                render_markdown(str(summary_source)) if summary_source else html
            )
            lines = []
            for code in ordered:
                if code in (label_code, description_code, summary_code):
                    continue
                formatted = self._format(code, values.get(code, locale), locale)
                if formatted:
                    label = attributes[code].labels.get(locale) or _humanize(code)
                    lines.append(AttributeLine(code=code, label=label, value=formatted))
            locales[locale] = LocalizedProduct(
                name=name, description_html=html, summary=summary, attributes=lines
            )
        price_code = _first_of_type(values.codes, attributes, "price_collection")
        prices = []
        if price_code:
            for entry in values.get(price_code, default_locale) or []:
                if entry.get("currency") in channel.currencies:
                    prices.append(
                        Price(amount=entry["amount"], currency=entry["currency"])
                    )
        image_code = family.attribute_as_image if family else None
        image = values.get(image_code, default_locale) if image_code else None
        if not (isinstance(image, str) and image.startswith(("https://", "http://"))):
            image = None
        brand = next(
            (
                self._format(c, values.get(c, default_locale), default_locale)
                for c in _BRAND_CODES
                if c in values.codes
            ),
            None,
        )
        gtin = next(
            (
                str(values.get(c, default_locale))
                for c in _GTIN_CODES
                if c in values.codes
            ),
            None,
        )
        return ProductView(
            product_id=product.id,
            sku=product.sku,
            family=product.family_code,
            categories=categories,
            locales=locales,
            prices=prices,
            published_at=now,
            updated_at=product.updated_at or now,
            image=image,
            gtin=gtin if gtin and gtin.isdigit() else None,
            brand=brand or None,
            availability="InStock",
        )

    def _spec_codes(self, product: Product, present: set[str]) -> list[str]:
        attributes = self.rules.attributes
        codes = self.family_order.get(product.family_code or "") or sorted(present)
        codes = [
            c
            for c in codes
            if c in present
            and c in attributes
            and attributes[c].type not in _NOT_IN_SPECS
            and c not in _BRAND_CODES
        ]
        return sorted(codes, key=lambda c: (attributes[c].sort_order, c))

    @staticmethod
    def _text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    def _format(self, code: str, value: Any, locale: str) -> str:
        if value is None:
            return ""
        kind = self.rules.attributes[code].type
        if kind == "boolean":
            yes, no = _YES_NO.get(locale[:2], _YES_NO["en"])
            return yes if value else no
        if kind == "simpleselect":
            return self._option(code, str(value), locale)
        if kind == "multiselect":
            return ", ".join(self._option(code, str(v), locale) for v in value)
        if kind == "number":
            return format_number(str(value), locale)
        if kind == "metric" and isinstance(value, dict):
            unit = str(value.get("unit", "")).lower().replace("_", " ")
            amount = format_number(str(value.get("amount", "")), locale)
            return f"{amount} {unit}".strip()
        if isinstance(value, list | dict):
            return ""
        return str(value)

    def _option(self, code: str, option: str, locale: str) -> str:
        labels = self.option_labels.get((code, option), {})
        return labels.get(locale) or labels.get("en_US") or option


def _first_of_type(
    present: set[str], attributes: dict[str, Any], kind: str
) -> str | None:
    matches = sorted(
        c for c in present if c in attributes and attributes[c].type == kind
    )
    return matches[0] if matches else None


def _humanize(code: str) -> str:
    return code.replace("_", " ").capitalize()
