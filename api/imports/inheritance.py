"""Product model inheritance, flattened into plain products at import.

In Akeneo a variant shows the values of its product models: its sub-model's,
and the root model's above that. Until the catalog models variants itself,
the import copies those values into each product, so a variant page has the
name, description and pictures its models hold.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.catalog.models import AttributeValue, Product
from api.catalog.values import Value

ValueKey = tuple[str, str, str]


def inherit(
    own: Iterable[Value],
    parent: Iterable[Value],
    keep: Callable[[str], bool] = lambda _: True,
) -> list[Value]:
    """``own`` values over the parent's (already flattened) values.

    Values are matched by attribute, locale and channel; a parent value whose
    attribute ``keep`` refuses is not inherited.
    """
    merged: dict[ValueKey, Value] = {
        (value.attribute, value.locale, value.channel): value
        for value in parent
        if keep(value.attribute)
    }
    for value in own:
        merged[(value.attribute, value.locale, value.channel)] = value
    return list(merged.values())


def inheritable(
    family: str | None,
    family_attributes: Mapping[str, Collection[str]],
    unique: Collection[str],
) -> Callable[[str], bool]:
    """Which attributes a product of ``family`` may take from its parent.

    A unique attribute belongs to one product only, and an attribute outside
    the product's family would not be accepted from the product itself.
    """
    allowed = family_attributes.get(family) if family else None

    def keep(attribute: str) -> bool:
        if attribute in unique:
            return False
        return allowed is None or attribute in allowed

    return keep


def stored_values(db: Session, codes: Collection[str]) -> dict[str, list[Value]]:
    """The values of catalog products, by lowercased SKU (parents imported by
    an earlier run: their own values already include their parents')."""
    lowered = sorted({code.lower() for code in codes})
    if not lowered:
        return {}
    query = (
        select(
            Product.sku,
            AttributeValue.attribute_code,
            AttributeValue.locale,
            AttributeValue.channel,
            AttributeValue.value,
        )
        .join(Product, Product.id == AttributeValue.product_id)
        .where(func.lower(Product.sku).in_(lowered))
    )
    found: dict[str, list[Value]] = {}
    for sku, attribute, locale, channel, data in db.execute(query):
        found.setdefault(sku.lower(), []).append(
            Value(attribute, locale, channel, data)
        )
    return found
