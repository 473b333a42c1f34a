"""Request and response bodies of the catalog API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from api.paging import PageLinks

AttributeType = Literal[
    "identifier",
    "text",
    "textarea",
    "number",
    "metric",
    "price_collection",
    "boolean",
    "date",
    "simpleselect",
    "multiselect",
    "image",
    "file",
]

Labels = dict[str, str]


SortOrder = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)]


class Strict(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Request bodies refuse fields they do not know, rather than drop them."""


class OptionIn(Strict):
    code: str
    labels: Labels = {}
    sort_order: SortOrder = 0


class AttributeRules(Strict):
    max_characters: int | None = None
    regex: str | None = None
    min: float | None = None
    max: float | None = None
    decimals_allowed: bool | None = None
    negative_allowed: bool | None = None
    metric_family: str | None = None
    default_unit: str | None = None


class AttributeIn(Strict):
    code: str
    type: AttributeType
    labels: Labels = {}
    group: str | None = None
    sort_order: SortOrder = 0
    localizable: bool = False
    scopable: bool = False
    unique: bool = False
    rules: AttributeRules = msgspec.field(default_factory=AttributeRules)
    options: list[OptionIn] = []


class AttributeOut(msgspec.Struct):
    code: str
    type: str
    labels: Labels
    group: str | None
    sort_order: int
    localizable: bool
    scopable: bool
    unique: bool
    rules: dict[str, Any]
    options: list[OptionIn]


class AttributeGroupIn(Strict):
    code: str
    labels: Labels = {}
    sort_order: SortOrder = 0


class FamilyIn(Strict):
    code: str
    labels: Labels = {}
    attributes: list[str] = []
    attribute_as_label: str | None = None
    attribute_as_image: str | None = None
    requirements: dict[str, list[str]] = {}


class FamilyOut(msgspec.Struct):
    code: str
    labels: Labels
    attributes: list[str]
    attribute_as_label: str | None
    attribute_as_image: str | None
    requirements: dict[str, list[str]]


class CategoryIn(Strict):
    code: str
    parent: str | None = None
    labels: Labels = {}
    sort_order: SortOrder = 0


class CategoryOut(msgspec.Struct):
    code: str
    parent: str | None
    labels: Labels
    sort_order: int


class ChannelIn(Strict):
    code: str
    locales: list[str]
    currencies: list[str]
    labels: Labels = {}
    category_tree: str | None = None


class ChannelPatch(Strict):
    locales: list[str] | UnsetType = UNSET
    currencies: list[str] | UnsetType = UNSET
    labels: Labels | UnsetType = UNSET
    category_tree: str | None | UnsetType = UNSET


class ChannelOut(msgspec.Struct):
    code: str
    labels: Labels
    locales: list[str]
    currencies: list[str]
    category_tree: str | None


class ValueIn(Strict):
    """One value of an attribute, for one locale and one channel (scope)."""

    data: Any
    locale: str | None = None
    scope: str | None = None


class ProductIn(Strict):
    sku: str
    family: str | None = None
    categories: list[str] = []
    enabled: bool = True
    parent: str | None = None
    values: dict[str, list[ValueIn]] = {}


class ProductPatch(Strict):
    """Fields given replace; values merge per attribute, locale and scope.

    A value whose ``data`` is null removes that value.
    """

    sku: str | UnsetType = UNSET
    family: str | None | UnsetType = UNSET
    categories: list[str] | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    parent: str | None | UnsetType = UNSET
    values: dict[str, list[ValueIn]] | UnsetType = UNSET


class ValueOut(msgspec.Struct):
    locale: str | None
    scope: str | None
    data: Any


class ProductOut(msgspec.Struct):
    sku: str
    family: str | None
    parent: str | None
    categories: list[str]
    enabled: bool
    values: dict[str, list[ValueOut]]
    created: datetime
    updated: datetime
    published: dict[str, datetime] = {}


class ProductPage(msgspec.Struct):
    items: list[ProductOut]
    next_cursor: str | None
    links: PageLinks = msgspec.field(default_factory=PageLinks, name="_links")
