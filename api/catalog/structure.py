"""Writes to the catalog's structure: attributes, families, categories, channels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
import regex
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.catalog.locks import CATEGORY_TREE, lock_tree
from api.catalog.models import (
    Attribute,
    AttributeGroup,
    AttributeOption,
    AttributeValue,
    Category,
    Channel,
    Currency,
    Family,
    FamilyAttribute,
    FamilyRequirement,
    Locale,
)
from api.catalog.schemas import (
    AttributeGroupIn,
    AttributeIn,
    AttributeOut,
    CategoryIn,
    CategoryOut,
    ChannelIn,
    ChannelOut,
    FamilyIn,
    FamilyOut,
    OptionIn,
)
from api.errors import ApiError, FieldError, InvalidInput, invalid, key_path, shown

T = TypeVar("T")

_CODE = re.compile(r"^[A-Za-z0-9_]{1,100}$")
_OPTION_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
# Language, then an optional script and region: en, en_US, zh_Hans_CN, es_419.
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?$")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What an upsert answers, and whether it created the row."""

    item: T
    created: bool


def _write(db: Session, model: Any, code: str, values: dict[str, Any]) -> bool:
    """Insert the row ``code``, or update it when it exists; True if created.

    Insert-or-nothing first: under concurrent requests for the same code,
    the loser waits for the winner and then updates, and each learns truly
    whether it was the one that created the row.
    """
    created = db.scalar(
        insert(model)
        .values(code=code, **values)
        .on_conflict_do_nothing(index_elements=["code"])
        .returning(model.code)
    )
    if created is None:
        db.execute(update(model).where(model.code == code).values(**values))
    return created is not None


def check_code(code: str, path: str = "$.code") -> None:
    if not _CODE.match(code):
        raise invalid(
            path,
            "invalid_code",
            f"Code {shown(code)} is not valid.",
            "letters, digits and underscores, 1 to 100 characters",
        )


def check_locales(codes: list[str], path: str = "$.locales") -> list[FieldError]:
    """Problems with locale codes: their shape, and twins that differ by case."""
    errors: list[FieldError] = []
    first: dict[str, int] = {}
    for index, code in enumerate(codes):
        twin = first.setdefault(code.lower(), index)
        if codes[twin] != code:
            errors.append(
                FieldError(
                    f"{path}[{index}]",
                    "duplicate_locale",
                    f"Locale {shown(code)} differs from {shown(codes[twin])} at "
                    f"{path}[{twin}] only by case.",
                    codes[twin],
                )
            )
        elif not _LOCALE.match(code):
            errors.append(
                FieldError(
                    f"{path}[{index}]",
                    "invalid_locale",
                    f"{shown(code)} is not a locale code.",
                    "language_Region such as en_US, or language_Script_Region "
                    "such as zh_Hans_CN",
                )
            )
    return errors


def ensure_locales(db: Session, codes: list[str], path: str = "$.locales") -> None:
    errors = check_locales(codes, path)
    if errors:
        raise InvalidInput(errors)
    for code in dict.fromkeys(codes):
        db.execute(insert(Locale).values(code=code).on_conflict_do_nothing())


def ensure_currencies(
    db: Session, codes: list[str], path: str = "$.currencies"
) -> None:
    for index, code in enumerate(codes):
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise invalid(
                f"{path}[{index}]",
                "invalid_currency",
                f"{shown(code)} is not an ISO 4217 code.",
                "e.g. EUR",
            )
        db.execute(insert(Currency).values(code=code).on_conflict_do_nothing())


def upsert_attribute_group(db: Session, body: AttributeGroupIn) -> None:
    check_code(body.code)
    values = {"labels": body.labels, "sort_order": body.sort_order}
    db.execute(
        insert(AttributeGroup)
        .values(code=body.code, **values)
        .on_conflict_do_update(index_elements=["code"], set_=values)
    )


def upsert_attribute(db: Session, body: AttributeIn) -> AttributeOut:
    return save_attribute(db, body).item


def save_attribute(db: Session, body: AttributeIn) -> Saved[AttributeOut]:
    """Create an attribute, or update it when its code exists."""
    check_code(body.code)
    existing = db.get(Attribute, body.code)
    if existing is not None and existing.type != body.type:
        raise invalid(
            "$.type",
            "type_change",
            f"Attribute {shown(body.code)} is a {existing.type}; "
            "its type cannot change.",
            existing.type,
        )
    if existing is not None:
        for flag in ("localizable", "scopable"):
            if getattr(existing, flag) != getattr(body, flag) and db.scalar(
                select(AttributeValue.product_id)
                .where(AttributeValue.attribute_code == body.code)
                .limit(1)
            ):
                raise invalid(
                    f"$.{flag}",
                    f"{flag}_change",
                    f"Attribute {shown(body.code)} has values; whether it is {flag} "
                    "cannot change any more.",
                    str(getattr(existing, flag)).lower(),
                )
    if body.type == "identifier" and db.scalar(
        select(Attribute.code).where(
            Attribute.type == "identifier", Attribute.code != body.code
        )
    ):
        raise invalid(
            "$.type",
            "identifier_exists",
            "The catalog already has its identifier attribute.",
            "another type",
        )
    if body.group is not None and db.get(AttributeGroup, body.group) is None:
        raise invalid(
            "$.group",
            "unknown_group",
            f"Attribute group {shown(body.group)} does not exist.",
        )
    limits = body.rules
    if limits.max_characters is not None and limits.max_characters < 1:
        raise invalid(
            "$.rules.max_characters",
            "invalid_rule",
            "max_characters must be at least 1.",
            "a positive whole number",
        )
    if limits.min is not None and limits.max is not None and limits.min > limits.max:
        raise invalid(
            "$.rules.min",
            "invalid_rule",
            f"min {limits.min} is above max {limits.max}.",
            "min ≤ max",
        )
    if body.rules.regex:
        try:
            regex.compile(body.rules.regex)
        except regex.error as exc:
            raise invalid(
                "$.rules.regex", "invalid_regex", f"Bad pattern: {exc}."
            ) from exc
    if body.type == "identifier" and (body.localizable or body.scopable):
        raise invalid(
            "$.localizable",
            "identifier_scoped",
            "The identifier cannot be localizable or scopable.",
        )
    rules = {
        k: v for k, v in msgspec.structs.asdict(body.rules).items() if v is not None
    }
    values = {
        "type": body.type,
        "labels": body.labels,
        "group_code": body.group,
        "sort_order": body.sort_order,
        "localizable": body.localizable,
        "scopable": body.scopable,
        "unique": body.unique,
        "rules": rules,
    }
    created = _write(db, Attribute, body.code, values)
    if body.options:
        if body.type not in ("simpleselect", "multiselect"):
            raise invalid(
                "$.options",
                "options_not_allowed",
                f"A {body.type} attribute has no options.",
            )
        upsert_options(db, body.code, body.options)
    return Saved(attribute_out(db, body.code), created)


def upsert_options(db: Session, attribute: str, options: list[OptionIn]) -> None:
    stored = {
        code.lower(): code
        for code in db.scalars(
            select(AttributeOption.code).where(
                AttributeOption.attribute_code == attribute
            )
        )
    }
    for index, option in enumerate(options):
        if not _OPTION_CODE.match(option.code):
            raise invalid(
                f"$.options[{index}].code",
                "invalid_code",
                f"Option code {shown(option.code)} is not valid.",
                "1 to 255 letters, digits, '_', '-' or '.'",
            )
        twin = stored.setdefault(option.code.lower(), option.code)
        if twin != option.code:
            raise invalid(
                f"$.options[{index}].code",
                "duplicate_option",
                f"Option {shown(option.code)} differs from {shown(twin)} only by case.",
            )
        values = {"labels": option.labels, "sort_order": option.sort_order}
        db.execute(
            insert(AttributeOption)
            .values(attribute_code=attribute, code=option.code, **values)
            .on_conflict_do_update(
                index_elements=["attribute_code", "code"], set_=values
            )
        )


def attribute_out(db: Session, code: str) -> AttributeOut:
    attribute = db.get(Attribute, code, populate_existing=True)
    if attribute is None:
        raise ApiError(
            404, "attribute_not_found", f"No attribute {shown(code)} exists."
        )
    options = db.scalars(
        select(AttributeOption)
        .where(AttributeOption.attribute_code == code)
        .order_by(AttributeOption.sort_order, AttributeOption.code)
    )
    return AttributeOut(
        code=attribute.code,
        type=attribute.type,
        labels=attribute.labels,
        group=attribute.group_code,
        sort_order=attribute.sort_order,
        localizable=attribute.localizable,
        scopable=attribute.scopable,
        unique=attribute.unique,
        rules=attribute.rules,
        options=[OptionIn(o.code, o.labels, o.sort_order) for o in options],
    )


def upsert_family(db: Session, body: FamilyIn) -> FamilyOut:
    return save_family(db, body).item


def save_family(db: Session, body: FamilyIn) -> Saved[FamilyOut]:
    """Create a family, or replace its definition when its code exists."""
    check_code(body.code)
    known = set(
        db.scalars(select(Attribute.code).where(Attribute.code.in_(body.attributes)))
    )
    errors = [
        FieldError(
            f"$.attributes[{i}]",
            "unknown_attribute",
            f"Attribute {shown(code)} does not exist.",
        )
        for i, code in enumerate(body.attributes)
        if code not in known
    ]
    members = set(body.attributes)
    for key in ("attribute_as_label", "attribute_as_image"):
        code = getattr(body, key)
        if code is not None and code not in members:
            errors.append(
                FieldError(
                    f"$.{key}",
                    "not_in_family",
                    f"{shown(code)} is not one of the family's attributes.",
                )
            )
    channels = set(db.scalars(select(Channel.code)))
    for channel, required in body.requirements.items():
        at = key_path("$.requirements", channel)
        if channel not in channels:
            errors.append(
                FieldError(
                    at,
                    "unknown_channel",
                    f"Channel {shown(channel)} does not exist.",
                )
            )
            continue
        errors.extend(
            FieldError(
                f"{at}[{i}]",
                "not_in_family",
                f"Required attribute {shown(code)} is not one of the family's "
                "attributes.",
            )
            for i, code in enumerate(required)
            if code not in members
        )
    if errors:
        raise InvalidInput(errors)
    values = {
        "labels": body.labels,
        "attribute_as_label": body.attribute_as_label,
        "attribute_as_image": body.attribute_as_image,
    }
    created = _write(db, Family, body.code, values)
    db.execute(delete(FamilyAttribute).where(FamilyAttribute.family_code == body.code))
    db.execute(
        delete(FamilyRequirement).where(FamilyRequirement.family_code == body.code)
    )
    if members:
        db.execute(
            insert(FamilyAttribute),
            [
                {"family_code": body.code, "attribute_code": code}
                for code in sorted(members)
            ],
        )
    rows = [
        {"family_code": body.code, "channel_code": channel, "attribute_code": code}
        for channel, required in body.requirements.items()
        for code in dict.fromkeys(required)
    ]
    if rows:
        db.execute(insert(FamilyRequirement), rows)
    return Saved(family_out(db, body.code), created)


def family_out(db: Session, code: str) -> FamilyOut:
    family = db.get(Family, code, populate_existing=True)
    if family is None:
        raise ApiError(404, "family_not_found", f"No family {shown(code)} exists.")
    attributes = list(
        db.scalars(
            select(FamilyAttribute.attribute_code)
            .where(FamilyAttribute.family_code == code)
            .order_by(FamilyAttribute.attribute_code)
        )
    )
    requirements: dict[str, list[str]] = {}
    for channel, attribute in db.execute(
        select(FamilyRequirement.channel_code, FamilyRequirement.attribute_code)
        .where(FamilyRequirement.family_code == code)
        .order_by(FamilyRequirement.channel_code, FamilyRequirement.attribute_code)
    ):
        requirements.setdefault(channel, []).append(attribute)
    return FamilyOut(
        code=family.code,
        labels=family.labels,
        attributes=attributes,
        attribute_as_label=family.attribute_as_label,
        attribute_as_image=family.attribute_as_image,
        requirements=requirements,
    )


def upsert_category(db: Session, body: CategoryIn) -> CategoryOut:
    return save_category(db, body).item


def save_category(db: Session, body: CategoryIn) -> Saved[CategoryOut]:
    """Create a category, or move and relabel it when its code exists."""
    check_code(body.code)
    if body.parent is not None:
        if body.parent == body.code:
            raise invalid(
                "$.parent", "category_cycle", "A category cannot be its own parent."
            )
        # Two moves racing could each pass the check below and close a loop.
        lock_tree(db, CATEGORY_TREE)
        if db.get(Category, body.parent) is None:
            raise invalid(
                "$.parent",
                "unknown_category",
                f"Parent category {shown(body.parent)} does not exist.",
            )
        chain = ancestors(db, body.parent)
        if body.code in chain:
            loop = " → ".join([body.code, *chain[: chain.index(body.code) + 1]])
            raise invalid(
                "$.parent",
                "category_cycle",
                f"Moving {shown(body.code)} under {shown(body.parent)} would make "
                f"a cycle: {loop}.",
                "a parent that is not the category itself or below it",
            )
    values = {
        "parent_code": body.parent,
        "labels": body.labels,
        "sort_order": body.sort_order,
    }
    created = _write(db, Category, body.code, values)
    out = CategoryOut(body.code, body.parent, body.labels, body.sort_order)
    return Saved(out, created)


def parent_chain(
    db: Session,
    key: InstrumentedAttribute[str],
    parent: InstrumentedAttribute[str | None],
    start: str,
) -> list[str]:
    """``start``, its parent, and so on up a tree whose rows are named by
    ``key`` and point up by ``parent``; stops at a loop already stored."""
    chain: list[str] = []
    current: str | None = start
    while current is not None and current not in chain:
        chain.append(current)
        current = db.scalar(select(parent).where(key == current))
    return chain


def ancestors(db: Session, code: str) -> list[str]:
    """``code``, its parent, and so on up the category tree."""
    return parent_chain(db, Category.code, Category.parent_code, code)


def list_categories(db: Session) -> list[CategoryOut]:
    return [
        CategoryOut(c.code, c.parent_code, c.labels, c.sort_order)
        for c in db.scalars(
            select(Category).order_by(Category.sort_order, Category.code)
        )
    ]


def upsert_channel(db: Session, body: ChannelIn) -> ChannelOut:
    return save_channel(db, body).item


def save_channel(db: Session, body: ChannelIn) -> Saved[ChannelOut]:
    """Create a channel, or update it when its code exists."""
    check_code(body.code)
    if len(body.code) > 64:
        raise invalid(
            "$.code", "invalid_code", "A channel code has at most 64 characters."
        )
    if not body.locales:
        raise invalid(
            "$.locales",
            "required",
            "A channel needs at least one locale.",
            "non-empty list",
        )
    if not body.currencies:
        raise invalid(
            "$.currencies",
            "required",
            "A channel needs at least one currency.",
            "non-empty list",
        )
    ensure_locales(db, body.locales)
    ensure_currencies(db, body.currencies)
    if body.category_tree is not None and db.get(Category, body.category_tree) is None:
        raise invalid(
            "$.category_tree",
            "unknown_category",
            f"Category {shown(body.category_tree)} does not exist.",
        )
    values = {
        "labels": body.labels,
        "locales": list(dict.fromkeys(body.locales)),
        "currencies": list(dict.fromkeys(body.currencies)),
        "category_tree": body.category_tree,
    }
    created = _write(db, Channel, body.code, values)
    return Saved(channel_out(db, body.code), created)


def channel_out(db: Session, code: str) -> ChannelOut:
    channel = db.get(Channel, code, populate_existing=True)
    if channel is None:
        raise ApiError(404, "channel_not_found", f"No channel {shown(code)} exists.")
    return ChannelOut(
        channel.code,
        channel.labels,
        channel.locales,
        channel.currencies,
        channel.category_tree,
    )


def list_channels(db: Session) -> list[ChannelOut]:
    return [
        channel_out(db, code)
        for code in db.scalars(select(Channel.code).order_by(Channel.code))
    ]
