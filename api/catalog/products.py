"""Products: create, read, merge-patch, delete, list.

Values are written to ``pim_attribute_values`` and the ``products.attributes``
projection is then rebuilt from those rows by one SQL statement, so the two
can never disagree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

import msgspec
from sqlalchemy import (
    Select,
    delete,
    func,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api import paging
from api.catalog.locks import PRODUCT_PARENTS, lock_tree
from api.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductCategory,
)
from api.catalog.schemas import (
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    ValueOut,
)
from api.catalog.structure import parent_chain
from api.catalog.values import CatalogRules, Value, check_values
from api.errors import ApiError, FieldError, InvalidInput, key_path, one_of, shown

# Control, format (e.g. bidi overrides), line and paragraph separators, surrogates.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_TEXT_TYPES = ("identifier", "text", "textarea")


def _check_product_fields(
    rules: CatalogRules,
    *,
    sku: str | None,
    family: str | None,
    categories: list[str] | None,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if sku is not None and (not sku.strip() or len(sku) > 255 or sku != sku.strip()):
        errors.append(
            FieldError(
                "$.sku",
                "invalid_sku",
                f"SKU {shown(sku)} is not valid.",
                "1 to 255 characters without leading or trailing spaces",
            )
        )
    elif sku is not None and (
        "/" in sku
        or sku in (".", "..")
        or any(unicodedata.category(c) in _INVISIBLE for c in sku)
    ):
        errors.append(
            FieldError(
                "$.sku",
                "invalid_sku",
                f"SKU {shown(sku)} contains '/', an invisible or control character, "
                "or is a dot path.",
                "printable characters other than '/'",
            )
        )
    if family is not None and family not in rules.family_attributes:
        errors.append(
            FieldError(
                "$.family",
                "unknown_family",
                f"Family {shown(family)} does not exist.",
                one_of(rules.family_attributes, "family"),
            )
        )
    for index, code in enumerate(categories or []):
        if code not in rules.categories:
            errors.append(
                FieldError(
                    f"$.categories[{index}]",
                    "unknown_category",
                    f"Category {shown(code)} does not exist.",
                )
            )
    return errors


def _check_parent(db: Session, names: set[str], parent: str | None) -> list[FieldError]:
    """Problems with making ``parent`` the parent of the product ``names``
    (its SKU, and the new SKU when it is renamed); call with the parent
    links locked."""
    if parent is None:
        return []
    expected = "the SKU of another product that is not below this one"
    if parent in names:
        return [
            FieldError(
                "$.parent",
                "parent_cycle",
                "A product cannot be its own parent.",
                expected,
            )
        ]
    if len(parent) > 255 or not _exists(db, parent):
        return [
            FieldError(
                "$.parent",
                "unknown_parent",
                f"Parent {shown(parent)} is not a product of this catalog.",
                expected,
            )
        ]
    chain = parent_chain(db, Product.sku, Product.parent_code, parent)
    below = next((i for i, sku in enumerate(chain) if sku in names), None)
    if below is None:
        return []
    loop = " → ".join(shown(sku) for sku in [chain[below], *chain[: below + 1]])
    return [
        FieldError(
            "$.parent",
            "parent_cycle",
            f"Product {shown(parent)} is already below this product, so the "
            f"parents would loop: {loop}.",
            expected,
        )
    ]


def _exists(db: Session, sku: str) -> bool:
    return db.scalar(select(Product.id).where(Product.sku == sku)) is not None


def create_product(
    db: Session, body: ProductIn, rules: CatalogRules | None = None
) -> Product:
    rules = rules or CatalogRules.load(db)
    errors = _check_product_fields(
        rules, sku=body.sku, family=body.family, categories=body.categories
    )
    values, value_errors = check_values(rules, body.family, body.values)
    errors.extend(value_errors)
    if body.parent is not None:
        lock_parent_links(db)
        errors.extend(_check_parent(db, {body.sku}, body.parent))
    if errors:
        raise InvalidInput(errors)
    product_id = db.scalar(
        insert(Product)
        .values(
            sku=body.sku,
            family_code=body.family,
            enabled=body.enabled,
            parent_code=body.parent,
        )
        .on_conflict_do_nothing(index_elements=["sku"])
        .returning(Product.id)
    )
    if product_id is None:
        raise ApiError(
            409, "sku_exists", f"A product with SKU {shown(body.sku)} already exists."
        )
    _set_categories(db, product_id, body.categories)
    _write_values(db, product_id, values)
    refresh_projection(db, [product_id], rules)
    product = db.get(Product, product_id)
    assert product is not None
    return product


def can_exist(key: str) -> bool:
    """Whether a key from a URL could name a stored row: none holds a NUL."""
    return "\x00" not in key


def get_product(db: Session, sku: str, *, lock: bool = False) -> Product:
    query = select(Product).where(Product.sku == sku)
    if lock:
        query = query.with_for_update()
    product = db.scalar(query) if can_exist(sku) else None
    if product is None:
        raise product_not_found(sku)
    return product


def product_not_found(sku: str) -> ApiError:
    return ApiError(
        404, "product_not_found", f"No product with SKU {shown(sku)} exists."
    )


def patch_product(
    db: Session, sku: str, body: ProductPatch, rules: CatalogRules | None = None
) -> Product:
    rules = rules or CatalogRules.load(db)
    if changes_parent_links(body):
        lock_parent_links(db)
    product = get_product(db, sku, lock=True)
    family = product.family_code if body.family is msgspec.UNSET else body.family
    new_sku = None if body.sku is msgspec.UNSET else body.sku
    categories = None if body.categories is msgspec.UNSET else body.categories
    errors = _check_product_fields(
        rules, sku=new_sku, family=family, categories=categories
    )
    values: list[Value] = []
    if body.values is not msgspec.UNSET:
        values, value_errors = check_values(rules, family, body.values, allow_null=True)
        errors.extend(value_errors)
    if family != product.family_code and family is not None:
        allowed = rules.family_attributes.get(family, set())
        stray = sorted(
            set(product.attributes) - allowed - {v.attribute for v in values}
        )
        errors.extend(
            FieldError(
                key_path("$.values", code),
                "attribute_not_in_family",
                f"The product has a value for {shown(code)}, which family "
                f"{shown(family)} lacks; clear it in the same request.",
            )
            for code in stray
            if rules.attributes.get(code) and not _cleared(values, code)
        )
    renamed = new_sku is not None and new_sku != product.sku
    if body.parent is not msgspec.UNSET:
        names = {product.sku} | ({new_sku} if new_sku else set())
        errors.extend(_check_parent(db, names, body.parent))
    if errors:
        raise InvalidInput(errors)
    if new_sku is not None and renamed:
        if _exists(db, new_sku):
            raise ApiError(
                409,
                "sku_exists",
                f"A product with SKU {shown(new_sku)} already exists.",
            )
        # The children follow their parent to its new SKU.
        db.execute(
            update(Product)
            .where(Product.parent_code == product.sku)
            .values(parent_code=new_sku)
        )
        product.sku = new_sku
    if body.family is not msgspec.UNSET:
        product.family_code = body.family
    if body.enabled is not msgspec.UNSET:
        product.enabled = body.enabled
    if body.parent is not msgspec.UNSET:
        product.parent_code = body.parent
    if categories is not None:
        _set_categories(db, product.id, categories)
    _write_values(db, product.id, values)
    product.updated_at = func.now()
    db.flush()
    refresh_projection(db, [product.id], rules)
    db.refresh(product)
    return product


def changes_parent_links(body: ProductPatch) -> bool:
    """Whether ``body`` sets a parent or renames (which moves the children)."""
    return body.sku is not msgspec.UNSET or body.parent not in (msgspec.UNSET, None)


def lock_parent_links(db: Session) -> None:
    """Hold the parent links of this catalog until commit.

    Parent checks read links other requests may be changing. Take it before
    locking any product row: a rename updates its children's rows while
    holding it, so a row lock taken first could wait in a circle.
    """
    lock_tree(db, PRODUCT_PARENTS)


def _cleared(values: list[Value], code: str) -> bool:
    return any(v.attribute == code and v.data is None for v in values)


def delete_product(db: Session, sku: str) -> None:
    """Delete a product that no other product names as its parent."""
    lock_parent_links(db)
    product = get_product(db, sku, lock=True)
    children = db.scalar(
        select(func.count()).select_from(Product).where(Product.parent_code == sku)
    )
    if children:
        raise ApiError(
            409,
            "has_children",
            f"Product {shown(sku)} is the parent of {children} product(s); "
            "give them another parent or delete them first.",
        )
    db.delete(product)
    db.flush()


def _set_categories(db: Session, product_id: int, categories: Sequence[str]) -> None:
    db.execute(delete(ProductCategory).where(ProductCategory.product_id == product_id))
    if categories:
        db.execute(
            insert(ProductCategory).on_conflict_do_nothing(),
            [
                {"product_id": product_id, "category_code": c}
                for c in dict.fromkeys(categories)
            ],
        )


def _write_values(db: Session, product_id: int, values: Iterable[Value]) -> None:
    cleared = [(v.attribute, v.locale, v.channel) for v in values if v.data is None]
    kept = [v for v in values if v.data is not None]
    if cleared:
        db.execute(
            delete(AttributeValue).where(
                AttributeValue.product_id == product_id,
                tuple_(
                    AttributeValue.attribute_code,
                    AttributeValue.locale,
                    AttributeValue.channel,
                ).in_(cleared),
            )
        )
    if kept:
        statement = insert(AttributeValue)
        db.execute(
            statement.on_conflict_do_update(
                index_elements=["product_id", "attribute_code", "locale", "channel"],
                set_={"value": statement.excluded.value},
            ),
            [
                {
                    "product_id": product_id,
                    "attribute_code": v.attribute,
                    "locale": v.locale,
                    "channel": v.channel,
                    "value": v.data,
                }
                for v in kept
            ],
        )


def write_values_bulk(db: Session, rows: list[tuple[int, list[Value]]]) -> None:
    """Values of many new products in one statement (imports)."""
    payload = [
        {
            "product_id": product_id,
            "attribute_code": v.attribute,
            "locale": v.locale,
            "channel": v.channel,
            "value": v.data,
        }
        for product_id, values in rows
        for v in values
        if v.data is not None
    ]
    if payload:
        statement = insert(AttributeValue)
        db.execute(
            statement.on_conflict_do_update(
                index_elements=["product_id", "attribute_code", "locale", "channel"],
                set_={"value": statement.excluded.value},
            ),
            payload,
        )


# Rebuilds the JSONB projection and the search vector from the value rows.
_PROJECTION = text(
    """
    UPDATE {products} AS p SET
      attributes = coalesce(agg.attributes, '{{}}'::jsonb),
      search = to_tsvector('simple', p.sku || ' ' || coalesce(agg.words, ''))
    FROM (
      SELECT ids.id,
             (SELECT jsonb_object_agg(v.attribute_code, v.entries)
                FROM (SELECT attribute_code,
                             jsonb_agg(jsonb_build_object(
                               'locale', nullif(locale, ''),
                               'scope', nullif(channel, ''),
                               'data', value) ORDER BY locale, channel) AS entries
                        FROM {values}
                       WHERE product_id = ids.id
                       GROUP BY attribute_code) AS v) AS attributes,
             (SELECT string_agg(value #>> '{{}}', ' ')
                FROM {values}
               WHERE product_id = ids.id
                 AND attribute_code = ANY(:text_attributes)) AS words
        FROM unnest(CAST(:ids AS bigint[])) AS ids(id)
    ) AS agg
    WHERE p.id = agg.id
    """
)


def refresh_projection(
    db: Session, product_ids: Sequence[int], rules: CatalogRules
) -> None:
    if not product_ids:
        return
    schema = db.connection().get_execution_options()["schema_translate_map"]["tenant"]
    statement = text(
        _PROJECTION.text.format(
            products=f'"{schema}".products', values=f'"{schema}".pim_attribute_values'
        )
    )
    text_attributes = [
        a.code for a in rules.attributes.values() if a.type in _TEXT_TYPES
    ]
    db.execute(
        statement, {"ids": list(product_ids), "text_attributes": text_attributes}
    )


def product_out(
    db: Session, product: Product, published: dict[str, datetime] | None = None
) -> ProductOut:
    return to_out(
        product, _categories_of(db, [product.id]).get(product.id, []), published or {}
    )


def to_out(
    product: Product, categories: list[str], published: dict[str, datetime]
) -> ProductOut:
    return ProductOut(
        sku=product.sku,
        family=product.family_code,
        parent=product.parent_code,
        categories=categories,
        enabled=product.enabled,
        values={
            code: [ValueOut(e["locale"], e["scope"], e["data"]) for e in entries]
            for code, entries in sorted((product.attributes or {}).items())
        },
        created=product.created_at,
        updated=product.updated_at,
        published=published,
    )


def _categories_of(db: Session, product_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for product_id, code in db.execute(
        select(ProductCategory.product_id, ProductCategory.category_code)
        .where(ProductCategory.product_id.in_(product_ids))
        .order_by(ProductCategory.category_code)
    ):
        out.setdefault(product_id, []).append(code)
    return out


def encode_cursor(last_id: int) -> str:
    return paging.encode_cursor("p", last_id)


def decode_cursor(cursor: str) -> int:
    return paging.decode_cursor("p", cursor)


def category_and_descendants(code: str) -> Select[tuple[str]]:
    """The codes of ``code`` and every category below it.

    UNION rather than UNION ALL: a code met twice adds no row, so a loop
    stored before moves were serialised ends the walk instead of running it
    forever.
    """
    tree = (
        select(Category.code).where(Category.code == code).cte("tree", recursive=True)
    )
    tree = tree.union(select(Category.code).where(Category.parent_code == tree.c.code))
    return select(tree.c.code)


def list_products(
    db: Session,
    *,
    q: str | None = None,
    family: str | None = None,
    category: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> ProductPage:
    paging.check_limit(limit)
    query = select(Product).order_by(Product.id).limit(limit + 1)
    if cursor:
        query = query.where(Product.id > decode_cursor(cursor))
    if q and q.strip():
        query = query.where(
            Product.search.op("@@")(
                func.websearch_to_tsquery(literal_column("'simple'"), q)
            )
        )
    if family:
        query = query.where(Product.family_code == family)
    if category:
        query = query.where(
            Product.id.in_(
                select(ProductCategory.product_id).where(
                    ProductCategory.category_code.in_(
                        category_and_descendants(category)
                    )
                )
            )
        )
    rows = list(db.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    categories = _categories_of(db, [p.id for p in rows]) if rows else {}
    from api.publishing.service import publications_of

    published = publications_of(db, [p.id for p in rows]) if rows else {}
    items = [to_out(p, categories.get(p.id, []), published.get(p.id, {})) for p in rows]
    next_cursor = encode_cursor(rows[-1].id) if more else None
    return ProductPage(items=items, next_cursor=next_cursor)


def attribute_types(db: Session) -> dict[str, str]:
    return dict(db.execute(select(Attribute.code, Attribute.type)).all())
