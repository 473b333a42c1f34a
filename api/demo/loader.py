"""Loads a catalog file (structure and products) into one organisation.

The file is checked against the API's own request bodies before anything is
written, then applied in a single transaction through the catalog services, so
a bad file leaves the organisation untouched. Loading the same file again
updates in place: structure is upserted and existing products are patched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalog.models import Product
from api.catalog.products import (
    create_product,
    get_product,
    patch_product,
    product_out,
)
from api.catalog.schemas import (
    AttributeGroupIn,
    AttributeIn,
    CategoryIn,
    ChannelIn,
    FamilyIn,
    ProductIn,
    ProductOut,
    ProductPatch,
)
from api.catalog.structure import (
    ensure_currencies,
    ensure_locales,
    upsert_attribute,
    upsert_attribute_group,
    upsert_category,
    upsert_channel,
    upsert_family,
)
from api.catalog.values import CatalogRules
from api.database import tenant_session
from api.errors import InvalidInput, invalid

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class OrganizationIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: str
    name: str


class CatalogFile(msgspec.Struct, forbid_unknown_fields=True):
    locales: list[str]
    currencies: list[str]
    organization: OrganizationIn | None = None
    channels: list[ChannelIn] = []
    attribute_groups: list[AttributeGroupIn] = []
    attributes: list[AttributeIn] = []
    families: list[FamilyIn] = []
    categories: list[CategoryIn] = []
    products: list[ProductIn] = []


def demo_catalog() -> dict[str, Any]:
    """The Atelier Nord catalog shipped with the package, as plain JSON data."""
    raw = resources.files("api.demo").joinpath("catalog.json").read_bytes()
    data: dict[str, Any] = msgspec.json.decode(raw)
    return data


def load_catalog(org_slug: str, data: dict[str, Any]) -> dict[str, int]:
    """Write ``data`` into the organisation's catalog; counts of what was written.

    Raises ``InvalidInput`` naming the JSON path of the first bad entry.
    """
    started = time.perf_counter()
    catalog = parse_catalog(data)
    with tenant_session(org_slug) as db:
        counts = _apply(db, catalog)
    log.info(
        "Loaded catalog into %s: %d products (%d new, %d changed) in %.2f s",
        org_slug,
        counts["products"],
        counts["products_created"],
        counts["products_updated"],
        time.perf_counter() - started,
    )
    return counts


def parse_catalog(data: dict[str, Any]) -> CatalogFile:
    try:
        catalog = msgspec.convert(data, CatalogFile)
    except msgspec.ValidationError as exc:
        message, _, at = str(exc).partition(" - at `")
        raise invalid(at.rstrip("`") or "$", "invalid_catalog", message) from exc
    _refuse_duplicates("attribute_groups", [g.code for g in catalog.attribute_groups])
    _refuse_duplicates("attributes", [a.code for a in catalog.attributes])
    _refuse_duplicates("families", [f.code for f in catalog.families])
    _refuse_duplicates("categories", [c.code for c in catalog.categories])
    _refuse_duplicates("channels", [c.code for c in catalog.channels])
    _refuse_duplicates("products", [p.sku for p in catalog.products], key="sku")
    return catalog


def _refuse_duplicates(section: str, codes: list[str], key: str = "code") -> None:
    seen: dict[str, int] = {}
    for index, code in enumerate(codes):
        if code in seen:
            raise invalid(
                f"$.{section}[{index}].{key}",
                "duplicate_code",
                f"{code!r} appears twice in {section}, at {seen[code]} and {index}.",
                "each entry once",
            )
        seen[code] = index


def _apply(db: Session, catalog: CatalogFile) -> dict[str, int]:
    ensure_locales(db, catalog.locales)
    ensure_currencies(db, catalog.currencies)
    # A channel names its category tree, and a family its channels'
    # requirements: categories go first, families after channels.
    for index, category in _parents_first(catalog.categories):
        with _at(f"$.categories[{index}]"):
            upsert_category(db, category)
    for index, channel in enumerate(catalog.channels):
        with _at(f"$.channels[{index}]"):
            upsert_channel(db, channel)
    for index, group in enumerate(catalog.attribute_groups):
        with _at(f"$.attribute_groups[{index}]"):
            upsert_attribute_group(db, group)
    for index, attribute in enumerate(catalog.attributes):
        with _at(f"$.attributes[{index}]"):
            upsert_attribute(db, attribute)
    for index, family in enumerate(catalog.families):
        with _at(f"$.families[{index}]"):
            upsert_family(db, family)
    created, updated, unchanged = _load_products(db, catalog.products)
    return {
        "locales": len(catalog.locales),
        "currencies": len(catalog.currencies),
        "categories": len(catalog.categories),
        "channels": len(catalog.channels),
        "attribute_groups": len(catalog.attribute_groups),
        "attributes": len(catalog.attributes),
        "options": sum(len(a.options) for a in catalog.attributes),
        "families": len(catalog.families),
        "products": created + updated + unchanged,
        "products_created": created,
        "products_updated": updated,
        "products_unchanged": unchanged,
    }


@contextmanager
def _at(prefix: str) -> Iterator[None]:
    """Re-root the paths of a service's errors at this entry of the file."""
    try:
        yield
    except InvalidInput as exc:
        errors = [
            msgspec.structs.replace(error, path=prefix + error.path.removeprefix("$"))
            for error in exc.errors
        ]
        raise InvalidInput(errors) from exc


def _parents_first(
    categories: list[CategoryIn],
) -> list[tuple[int, CategoryIn]]:
    """The categories, with their index in the file, each after its parent."""
    parents = {c.code: c.parent for c in categories}

    def depth(code: str) -> int:
        seen: set[str] = set()
        parent = parents.get(code)
        # A cycle stops the walk; upsert_category then reports it.
        while parent is not None and parent not in seen:
            seen.add(parent)
            parent = parents.get(parent)
        return len(seen)

    return sorted(enumerate(categories), key=lambda item: depth(item[1].code))


def _load_products(db: Session, products: list[ProductIn]) -> tuple[int, int, int]:
    """Create or patch each product; how many were created, updated, unchanged."""
    rules = CatalogRules.load(db)
    skus = [p.sku for p in products]
    existing = set(db.scalars(select(Product.sku).where(Product.sku.in_(skus))))
    updated = 0
    for index, product in enumerate(products):
        with _at(f"$.products[{index}]"):
            if product.sku not in existing:
                create_product(db, product, rules)
                log.debug("created %s", product.sku)
            elif _patch_if_changed(db, product, rules):
                updated += 1
                log.debug("updated %s", product.sku)
    created = len(products) - len(existing)
    return created, updated, len(existing) - updated


def _patch_if_changed(db: Session, product: ProductIn, rules: CatalogRules) -> bool:
    """Patch an existing product; undo the patch when it changed nothing, so
    that the product does not look edited (its ``updated`` time stays)."""
    before = _comparable(db, get_product(db, product.sku))
    savepoint = db.begin_nested()
    after = _comparable(db, patch_product(db, product.sku, _as_patch(product), rules))
    if after == before:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _comparable(db: Session, product: Product) -> ProductOut:
    """What a client sees of the product, its timestamps left out."""
    out = product_out(db, product)
    return msgspec.structs.replace(out, created=_EPOCH, updated=_EPOCH)


def _as_patch(product: ProductIn) -> ProductPatch:
    return ProductPatch(
        family=product.family,
        categories=product.categories,
        enabled=product.enabled,
        parent=product.parent,
        values=product.values,
    )
