"""Importing an Akeneo PIM CSV export into an organisation's catalog.

An Akeneo export is a folder of ``;``-delimited UTF-8 files, one per kind of
thing. They are imported in dependency order: locales and currencies, attribute
groups, attributes, options, categories, channels, families, product models,
products. Each file is read whole (exports are a few megabytes at most), every
row is checked completely before anything of it is written, and a bad row is
rejected with a reason that names its row, its physical line and its column,
while the rest of the file goes on.

Reading the files (the first half of this module) does no I/O besides
opening them, so it can be tested without a database.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.catalog.locks import CATEGORY_TREE, lock_tree
from api.catalog.models import (
    AttributeValue,
    Category,
    Channel,
    Product,
    ProductCategory,
)
from api.catalog.products import (
    _check_product_fields,
    attribute_types,
    refresh_projection,
    write_values_bulk,
)
from api.catalog.schemas import (
    AttributeGroupIn,
    AttributeIn,
    CategoryIn,
    ChannelIn,
    FamilyIn,
    OptionIn,
    ValueIn,
)
from api.catalog.structure import (
    check_code,
    ensure_currencies,
    ensure_locales,
    upsert_attribute,
    upsert_attribute_group,
    upsert_channel,
    upsert_family,
    upsert_options,
)
from api.catalog.values import CatalogRules, Value, check_values
from api.database import public_session, tenant_session
from api.errors import ApiError, FieldError, InvalidInput
from api.imports.category_tree import place_categories
from api.imports.csv_rows import CsvRow, read_csv, reason
from api.imports.inheritance import inherit, inheritable, stored_values
from api.tenants.service import create_org, enable_pim, get_org
from api.tenants.site import set_site, site_settings

log = logging.getLogger(__name__)

ATTRIBUTE_TYPES = {
    "pim_catalog_identifier": "identifier",
    "pim_catalog_text": "text",
    "pim_catalog_textarea": "textarea",
    "pim_catalog_number": "number",
    "pim_catalog_metric": "metric",
    "pim_catalog_price_collection": "price_collection",
    "pim_catalog_boolean": "boolean",
    "pim_catalog_date": "date",
    "pim_catalog_simpleselect": "simpleselect",
    "pim_catalog_multiselect": "multiselect",
    "pim_catalog_image": "image",
    "pim_catalog_file": "file",
}
ASSOCIATION_TARGETS = frozenset({"products", "product_models", "groups"})
MODELS_NOTE = (
    "product models imported as plain products, and each variant given the "
    "values of its models; variant axes are not modelled yet"
)
# The files an export may hold that the import reads, in the order it does.
EXPORT_FILES = (
    "locales.csv",
    "currencies.csv",
    "attribute_groups.csv",
    "attributes.csv",
    "attribute_options.csv",
    "categories.csv",
    "channels.csv",
    "families.csv",
    "family_variants.csv",
    "product_models.csv",
    "products.csv",
)
MAX_REASONS = 5
BATCH_SIZE = 200
CATEGORY_BATCH = 1000
PROGRESS_EVERY = 250

_LOCALE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_VALUE_PATH = re.compile(r"^row \d+\.(?P<attribute>[^.\[]+)(?:\[(?P<index>\d+)\])?")
_SELECTS = ("simpleselect", "multiselect")

T = TypeVar("T")


class FileReport(msgspec.Struct):
    """What became of one file of the export."""

    file: str
    imported: int = 0
    rejected: int = 0
    skipped: bool = False
    failure: str | None = None
    reasons: list[str] = []
    notes: list[str] = []

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)

    def fail(self, problem: str, rows: int) -> None:
        """The whole file is unusable: none of its ``rows`` are imported."""
        self.failure = problem
        self.rejected += rows


class ImportReport(msgspec.Struct):
    org: str
    files: list[FileReport] = []
    notes: list[str] = []


# Reading the export


class RowProblem(Exception):
    """A cell that cannot be read as what its column stands for."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def split_list(cell: str) -> list[str]:
    """A comma list such as ``copy,print,scan``, without blanks or repeats."""
    return list(dict.fromkeys(item.strip() for item in cell.split(",") if item.strip()))


def unescape_newlines(text: str) -> str:
    r"""Line breaks written as the two characters ``\n``, made real."""
    return text.replace("\\n", "\n")


def labels_of(row: CsvRow) -> dict[str, str]:
    return {
        name.removeprefix("label-"): value.strip()
        for name, value in row.cells.items()
        if name.startswith("label-") and value.strip()
    }


def _flag(row: CsvRow, column: str) -> bool | None:
    cell = row.get(column).lower()
    if not cell:
        return None
    if cell in ("1", "true"):
        return True
    if cell in ("0", "false"):
        return False
    raise RowProblem(column, f"{cell!r} is not a flag; expected 0 or 1.")


def _integer(row: CsvRow, column: str) -> int | None:
    cell = row.get(column)
    if not cell:
        return None
    try:
        return int(cell)
    except ValueError:
        raise RowProblem(column, f"{cell!r} is not a whole number.") from None


def _float(row: CsvRow, column: str) -> float | None:
    cell = row.get(column)
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        raise RowProblem(column, f"{cell!r} is not a number.") from None


def code_index(codes: Iterable[str]) -> dict[str, str]:
    """Codes by their lowercase form, for matching regardless of case."""
    return {code.lower(): code for code in codes}


def resolve_parent(code: str, models: Mapping[str, str]) -> str | None:
    """The product model ``code`` names, as that model spells its own code."""
    return models.get(code.strip().lower())


def attribute_body(row: CsvRow) -> AttributeIn:
    akeneo_type = row.get("type")
    kind = ATTRIBUTE_TYPES.get(akeneo_type)
    if kind is None:
        raise RowProblem(
            "type",
            f"Akeneo attribute type {akeneo_type!r} is not supported; supported "
            f"are {', '.join(sorted(ATTRIBUTE_TYPES))}.",
        )
    regex = row.get("validation_regexp")
    if row.get("validation_rule") not in ("", "regexp"):
        regex = ""
    rules = {
        "max_characters": _integer(row, "max_characters"),
        "regex": regex or None,
        "min": _float(row, "number_min"),
        "max": _float(row, "number_max"),
        "decimals_allowed": _flag(row, "decimals_allowed"),
        "negative_allowed": _flag(row, "negative_allowed"),
        "metric_family": row.get("metric_family") or None,
        "default_unit": row.get("default_metric_unit") or None,
    }
    body = {
        "code": row.get("code"),
        "type": kind,
        "labels": labels_of(row),
        "group": row.get("group") or None,
        "sort_order": _integer(row, "sort_order") or 0,
        "localizable": bool(_flag(row, "localizable")),
        "scopable": bool(_flag(row, "scopable")),
        "unique": bool(_flag(row, "unique")),
        "rules": {key: value for key, value in rules.items() if value is not None},
    }
    return msgspec.convert(body, AttributeIn)


def attribute_types_of(rows: Sequence[CsvRow]) -> dict[str, str]:
    """Catalog types of the attributes in attributes.csv that have one."""
    return {
        row.get("code"): ATTRIBUTE_TYPES[row.get("type")]
        for row in rows
        if row.get("type") in ATTRIBUTE_TYPES
    }


# Product columns


@dataclass(frozen=True)
class Column:
    """What a products.csv column name stands for."""

    attribute: str
    locale: str | None = None
    channel: str | None = None
    currency: str | None = None
    unit: bool = False
    association: bool = False


def parse_column(name: str, channels: Collection[str] = ()) -> Column:
    """Read ``<attr>[-<locale>][-<channel>]`` with a currency or ``unit`` suffix.

    A single qualifier is a locale when it looks like one (``de_DE``) and is
    not one of ``channels``; otherwise it is a channel. ``<TYPE>-products``,
    ``-groups`` and ``-product_models`` are association columns.
    """
    attribute, *rest = name.split("-")
    if not attribute or any(not part for part in rest):
        raise ValueError(f"Column {name!r} has an empty part between hyphens.")
    if len(rest) == 1 and rest[0] in ASSOCIATION_TARGETS:
        return Column(attribute, association=True)
    currency = None
    unit = rest[-1:] == ["unit"]
    if unit:
        rest.pop()
    elif rest and _CURRENCY.fullmatch(rest[-1]):
        currency = rest.pop()
    locale = channel = None
    if len(rest) == 2:
        locale, channel = rest
        if not _LOCALE.fullmatch(locale):
            raise ValueError(f"{locale!r} in column {name!r} is not a locale code.")
    elif len(rest) == 1:
        if rest[0] not in channels and _LOCALE.fullmatch(rest[0]):
            locale = rest[0]
        else:
            channel = rest[0]
    elif rest:
        raise ValueError(
            f"Column {name!r} does not read as <attribute>[-<locale>][-<channel>]."
        )
    return Column(attribute, locale, channel, currency, unit)


@dataclass
class Slot:
    """The columns that together make one value: amount, unit, prices."""

    attribute: str
    locale: str | None
    channel: str | None
    value: str | None = None
    unit: str | None = None
    prices: dict[str, str] = field(default_factory=dict)


@dataclass
class ColumnPlan:
    slots: list[Slot]
    ignored: list[str]
    malformed: dict[str, str]


def plan_columns(
    header: Sequence[str], fields: Collection[str], channels: Collection[str] = ()
) -> ColumnPlan:
    """Group the value columns of a product file; fields are not values."""
    slots: dict[tuple[str, str | None, str | None], Slot] = {}
    ignored: list[str] = []
    malformed: dict[str, str] = {}
    for name in header:
        if name in fields:
            continue
        if name == "groups":
            ignored.append(name)
            continue
        try:
            column = parse_column(name, channels)
        except ValueError as exc:
            malformed[name] = str(exc)
            continue
        if column.association:
            ignored.append(name)
            continue
        key = (column.attribute, column.locale, column.channel)
        slot = slots.setdefault(key, Slot(*key))
        if column.unit:
            slot.unit = name
        elif column.currency:
            slot.prices[column.currency] = name
        else:
            slot.value = name
    return ColumnPlan(list(slots.values()), ignored, malformed)


def _boolean(cell: str, column: str) -> bool:
    lowered = cell.lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise RowProblem(column, f"{cell!r} is not a boolean; expected 0 or 1.")


def slot_data(slot: Slot, row: CsvRow, kind: str | None) -> tuple[Any, str] | None:
    """The data a row holds for one slot and the columns it came from."""
    used = [name for name in (slot.value, slot.unit, *slot.prices.values()) if name]
    filled = [name for name in used if row.get(name)]
    if not filled:
        return None
    if kind is None:
        raise RowProblem(
            filled[0], f"Attribute {slot.attribute!r} does not exist in the catalog."
        )
    if kind == "price_collection":
        if slot.value and row.get(slot.value):
            raise RowProblem(
                slot.value,
                f"A price needs its currency in the column name, "
                f"e.g. '{slot.value}-EUR'.",
            )
        prices = [
            {"amount": row.get(name), "currency": currency}
            for currency, name in slot.prices.items()
            if row.get(name)
        ]
        columns = [name for name in slot.prices.values() if row.get(name)]
        return (prices, ", ".join(columns)) if prices else None
    stray = [name for name in slot.prices.values() if row.get(name)]
    if stray:
        raise RowProblem(
            stray[0], f"Attribute {slot.attribute!r} is a {kind}, not a price."
        )
    if kind != "metric" and slot.unit and row.get(slot.unit):
        raise RowProblem(
            slot.unit, f"Attribute {slot.attribute!r} is a {kind}, not a metric."
        )
    if not slot.value or not row.get(slot.value):
        return None
    column = slot.value
    cell = row.cells[column]
    if kind == "metric":
        unit = row.get(slot.unit) if slot.unit else ""
        if not unit:
            raise RowProblem(
                column,
                f"{cell.strip()!r} has no unit; fill the column '{column}-unit'.",
            )
        return {"amount": cell.strip(), "unit": unit}, column
    if kind == "boolean":
        return _boolean(cell.strip(), column), column
    if kind == "multiselect":
        return split_list(cell), column
    if kind == "textarea":
        return unescape_newlines(cell), column
    if kind in ("number", "date", "simpleselect"):
        return cell.strip(), column
    return cell, column


@dataclass
class ProductRecord:
    """One row of products.csv or product_models.csv, read but not checked."""

    row: CsvRow
    sku: str
    family: str | None
    categories: list[str]
    enabled: bool
    parent: str | None
    values: dict[str, list[ValueIn]]
    sources: dict[tuple[str, int], str]
    problems: list[tuple[str | None, str]]


def identifier_of(types: Mapping[str, str]) -> str:
    return next((code for code, kind in types.items() if kind == "identifier"), "sku")


def product_fields(
    types: Mapping[str, str], variant_families: Mapping[str, str] | None
) -> tuple[str, str, frozenset[str]]:
    """The identifier column, the family column and all non-value columns."""
    if variant_families is None:
        identifier = identifier_of(types)
        names = {identifier, "categories", "enabled", "family", "parent"}
        return identifier, "family", frozenset(names)
    names = {"code", "family_variant", "parent", "categories"}
    return "code", "family_variant", frozenset(names)


def product_record(
    row: CsvRow,
    plan: ColumnPlan,
    types: Mapping[str, str],
    *,
    variant_families: Mapping[str, str] | None = None,
) -> ProductRecord:
    """Read a product row; a model row when ``variant_families`` is given."""
    identifier, family_column, _ = product_fields(types, variant_families)
    problems: list[tuple[str | None, str]] = []
    if row.problem:
        problems.append((None, f"The record {row.problem}."))
    family: str | None = row.get(family_column) or None
    if variant_families is not None and family is not None:
        variant = family
        family = variant_families.get(variant)
        if family is None:
            problems.append(
                (
                    family_column,
                    f"Family variant {variant!r} is not in family_variants.csv.",
                )
            )
    try:
        enabled = _boolean(row.get("enabled") or "1", "enabled")
    except RowProblem as problem:
        problems.append((problem.column, problem.message))
        enabled = True
    for name, message in plan.malformed.items():
        if row.get(name):
            problems.append((name, message))
    values: dict[str, list[ValueIn]] = {}
    sources: dict[tuple[str, int], str] = {}
    for slot in plan.slots:
        try:
            found = slot_data(slot, row, types.get(slot.attribute))
        except RowProblem as problem:
            problems.append((problem.column, problem.message))
            continue
        if found is None:
            continue
        data, columns = found
        entries = values.setdefault(slot.attribute, [])
        sources[(slot.attribute, len(entries))] = columns
        entries.append(ValueIn(data=data, locale=slot.locale, scope=slot.channel))
    return ProductRecord(
        row=row,
        sku=row.cells.get(identifier, ""),
        family=family,
        categories=split_list(row.get("categories")),
        enabled=enabled,
        parent=row.get("parent") or None,
        values=values,
        sources=sources,
        problems=problems,
    )


def read_product_records(
    path: Path,
    types: Mapping[str, str],
    *,
    channels: Collection[str] = (),
    variant_families: Mapping[str, str] | None = None,
) -> tuple[ColumnPlan, list[ProductRecord]]:
    """Every record of a product file, read against the attributes' types."""
    table = read_csv(path)
    *_, fields = product_fields(types, variant_families)
    plan = plan_columns(table.header, fields, channels)
    records = [
        product_record(row, plan, types, variant_families=variant_families)
        for row in table.rows
    ]
    return plan, records


# Writing the catalog


@dataclass
class Accepted:
    """A product row that passed every check, in the form it is written."""

    row: CsvRow
    sku: str
    family: str | None
    enabled: bool
    parent: str | None
    categories: list[str]
    values: list[Value]


def import_akeneo(
    directory: Path,
    org_slug: str,
    *,
    org_name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import an Akeneo CSV export folder into organisation ``org_slug``.

    The organisation is created when needed (named ``org_name``, or after its
    slug) and its PIM module enabled; an existing one asked for under another
    name is refused (409 ``organization_exists``), and a folder holding no
    export file (422 ``not_an_akeneo_export``).
    Importing the same folder again updates what the first run wrote: products
    are matched by SKU and their values merged.
    """
    if not directory.is_dir():
        raise FileNotFoundError(f"No Akeneo export folder at {directory}.")
    check_export(directory)
    started = time.monotonic()
    with public_session() as db:
        _, created = create_org(db, org_slug, org_name)
    enable_pim(org_slug)
    run = _AkeneoImport(directory, org_slug, progress or (lambda _: None))
    run.all()
    run.set_site_channel(created=created)
    products = sum(f.imported for f in run.report.files if f.file.startswith("product"))
    rejected = sum(f.rejected for f in run.report.files)
    log.info(
        "Done: imported %s products and models into %s, %s rows rejected, in %.1f s",
        products,
        org_slug,
        rejected,
        time.monotonic() - started,
    )
    return run.report


def check_export(directory: Path) -> None:
    """Refuse a folder that holds none of the files an Akeneo export has."""
    if any((directory / name).is_file() for name in EXPORT_FILES):
        return
    others = sorted(path.name for path in directory.iterdir())
    held = f"it holds {', '.join(others[:5])}" if others else "it is empty"
    if len(others) > 5:
        held += f" and {len(others) - 5} more"
    raise ApiError(
        422,
        "not_an_akeneo_export",
        f"{directory} is not an Akeneo CSV export: {held}, and none of "
        "products.csv, product_models.csv, attributes.csv, categories.csv, "
        "families.csv or the other files an export holds.",
    )


class _AkeneoImport:
    def __init__(
        self, directory: Path, org: str, progress: Callable[[str], None]
    ) -> None:
        self.directory = directory
        self.org = org
        self.progress = progress
        self.report = ImportReport(org=org)
        self.handled: set[str] = set()
        self.channel_rows: list[CsvRow] = []
        self.channel_codes: list[str] = []
        self.variant_families: dict[str, str] = {}
        self.models: dict[str, str] = {}
        # Values a child takes from its parent, by the parent's lowercased code.
        self.inherited: dict[str, list[Value]] = {}

    def all(self) -> None:
        channels = self._read("channels.csv", report=False)
        self.channel_rows = channels[1] if channels else []
        self.locales()
        self.currencies()
        self.attribute_groups()
        self.attributes()
        self.attribute_options()
        self.categories()
        self.channels()
        self.families()
        self.family_variants()
        self.products("product_models.csv", models=True)
        self.products("products.csv", models=False)
        for path in sorted(self.directory.glob("*.csv")):
            if path.name not in self.handled:
                self.report.files.append(
                    FileReport(
                        path.name,
                        skipped=True,
                        notes=["not imported: nothing in the catalog holds it yet"],
                    )
                )

    def _read(
        self, name: str, *, report: bool = True
    ) -> tuple[list[str], list[CsvRow], FileReport] | None:
        path = self.directory / name
        if not path.is_file():
            if report:
                self.report.notes.append(f"{name} is missing; nothing taken from it")
            return None
        file = FileReport(name)
        table = read_csv(path)
        if not report:
            return None if table.problem else (table.header, table.rows, file)
        self.handled.add(name)
        self.report.files.append(file)
        if table.problem:
            file.fail(table.problem, len(table.rows))
            log.warning("%s not imported: %s", name, table.problem)
            return None
        if not table.rows:
            file.notes.append("the file has a header line and no rows")
        self.progress(f"{name}: {len(table.rows)} rows")
        return table.header, table.rows, file

    def _rows(
        self,
        file: FileReport,
        rows: Sequence[CsvRow],
        build: Callable[[CsvRow], T],
        write: Callable[[Session, T], object],
    ) -> list[CsvRow]:
        """Build and write each row in its own savepoint; the rows written."""
        written: list[CsvRow] = []
        with tenant_session(self.org) as db:
            for row in rows:
                if row.problem:
                    file.reject(reason(row, None, f"The record {row.problem}."))
                    continue
                try:
                    body = build(row)
                    with db.begin_nested():
                        write(db, body)
                except RowProblem as problem:
                    file.reject(reason(row, problem.column, problem.message))
                except msgspec.ValidationError as exc:
                    file.reject(reason(row, None, str(exc)))
                except InvalidInput as exc:
                    file.reject(_field_reason(row, exc.errors[0]))
                except SQLAlchemyError as exc:
                    log.debug("%s of %s failed", row.where, file.file, exc_info=True)
                    file.reject(reason(row, None, _database_message(exc)))
                else:
                    file.imported += 1
                    written.append(row)
        log.info(
            "%s: %s imported, %s rejected", file.file, file.imported, file.rejected
        )
        return written

    def _used_by_channels(self, column: str) -> list[str]:
        return list(
            dict.fromkeys(
                code
                for row in self.channel_rows
                for code in split_list(row.get(column))
            )
        )

    def locales(self) -> None:
        found = self._read("locales.csv")
        if found is None:
            return
        _, rows, file = found
        used = self._used_by_channels("locales")
        chosen = [row for row in rows if row.get("code") in used]
        self._rows(file, chosen, lambda row: row.get("code"), _write_locale)
        file.notes.append(
            f"{len(rows) - len(chosen)} locales left out: no channel uses them"
        )
        listed = {row.get("code") for row in rows}
        for code in used:
            if code not in listed:
                file.notes.append(f"locale {code!r} is used by a channel only")

    def currencies(self) -> None:
        found = self._read("currencies.csv")
        if found is None:
            return
        _, rows, file = found
        used = self._used_by_channels("currencies")
        chosen = [
            row
            for row in rows
            if row.get("code") in used and row.get("activated") == "1"
        ]
        self._rows(file, chosen, lambda row: row.get("code"), _write_currency)
        file.notes.append(
            f"{len(rows) - len(chosen)} currencies left out: "
            "not activated or used by no channel"
        )
        active = {row.get("code") for row in chosen}
        for code in used:
            if code not in active:
                file.notes.append(
                    f"currency {code!r} is used by a channel but not activated here; "
                    "the channel enables it"
                )

    def attribute_groups(self) -> None:
        found = self._read("attribute_groups.csv")
        if found is None:
            return
        _, rows, file = found

        def build(row: CsvRow) -> AttributeGroupIn:
            body = {
                "code": row.get("code"),
                "labels": labels_of(row),
                "sort_order": _integer(row, "sort_order") or 0,
            }
            return msgspec.convert(body, AttributeGroupIn)

        self._rows(file, rows, build, upsert_attribute_group)

    def attributes(self) -> None:
        found = self._read("attributes.csv")
        if found is None:
            return
        _, rows, file = found
        self._rows(file, rows, attribute_body, upsert_attribute)

    def attribute_options(self) -> None:
        found = self._read("attribute_options.csv")
        if found is None:
            return
        _, rows, file = found
        with tenant_session(self.org) as db:
            types = attribute_types(db)

        def build(row: CsvRow) -> tuple[str, OptionIn]:
            attribute = row.get("attribute")
            kind = types.get(attribute)
            if kind is None:
                raise RowProblem(
                    "attribute", f"Attribute {attribute!r} does not exist."
                )
            if kind not in _SELECTS:
                raise RowProblem(
                    "attribute",
                    f"Attribute {attribute!r} is a {kind}; only select attributes "
                    "have options.",
                )
            option = {
                "code": row.get("code"),
                "labels": labels_of(row),
                "sort_order": _integer(row, "sort_order") or 0,
            }
            return attribute, msgspec.convert(option, OptionIn)

        def write(db: Session, body: tuple[str, OptionIn]) -> None:
            upsert_options(db, body[0], [body[1]])

        self._rows(file, rows, build, write)

    def categories(self) -> None:
        found = self._read("categories.csv")
        if found is None:
            return
        _, rows, file = found
        bodies: dict[str, tuple[CsvRow, CategoryIn]] = {}
        for row in rows:
            problem = self._category(row, bodies)
            if problem is not None:
                file.reject(problem)
        with tenant_session(self.org) as db:
            # The tree is checked against what is stored, so no API move may
            # slip in between the check and the write.
            lock_tree(db, CATEGORY_TREE)
            stored = dict(db.execute(select(Category.code, Category.parent_code)).all())
            placement = place_categories(
                {code: body.parent for code, (_, body) in bodies.items()}, stored
            )
            left_out = sorted(
                placement.problems, key=lambda code: bodies[code][0].number
            )
            for code in left_out:
                row = bodies[code][0]
                file.reject(reason(row, "parent", placement.problems[code]))
            chosen = [bodies[code] for code in placement.order]
            for start in range(0, len(chosen), CATEGORY_BATCH):
                self._write_categories(db, file, chosen[start : start + CATEGORY_BATCH])
        log.info(
            "%s: %s imported, %s rejected", file.file, file.imported, file.rejected
        )

    @staticmethod
    def _category(
        row: CsvRow, bodies: dict[str, tuple[CsvRow, CategoryIn]]
    ) -> str | None:
        """Read a category row into ``bodies``; why it cannot be, otherwise."""
        if row.problem:
            return reason(row, None, f"The record {row.problem}.")
        body = {
            "code": row.get("code"),
            "parent": row.get("parent") or None,
            "labels": labels_of(row),
            "sort_order": row.number,
        }
        try:
            category = msgspec.convert(body, CategoryIn)
            check_code(category.code)
        except msgspec.ValidationError as exc:
            return reason(row, None, str(exc))
        except InvalidInput as exc:
            return _field_reason(row, exc.errors[0])
        if category.code in bodies:
            first = bodies[category.code][0].number
            return reason(
                row,
                "code",
                f"Category {category.code!r} already appears at row {first}.",
            )
        bodies[category.code] = (row, category)
        return None

    def _write_categories(
        self,
        db: Session,
        file: FileReport,
        chosen: Sequence[tuple[CsvRow, CategoryIn]],
    ) -> None:
        """Write placed categories in one statement; one by one if it fails."""
        try:
            with db.begin_nested():
                _upsert_categories(db, [body for _, body in chosen])
        except SQLAlchemyError:
            log.debug("a batch of %s failed", file.file, exc_info=True)
        else:
            file.imported += len(chosen)
            return
        for row, body in chosen:
            try:
                with db.begin_nested():
                    _upsert_categories(db, [body])
            except SQLAlchemyError as exc:
                log.debug("%s of %s failed", row.where, file.file, exc_info=True)
                file.reject(reason(row, None, _database_message(exc)))
            else:
                file.imported += 1

    def channels(self) -> None:
        found = self._read("channels.csv")
        if found is None:
            return
        _, rows, file = found

        def build(row: CsvRow) -> ChannelIn:
            body = {
                "code": row.get("code"),
                "labels": labels_of(row),
                "locales": split_list(row.get("locales")),
                "currencies": split_list(row.get("currencies")),
                "category_tree": row.get("tree") or None,
            }
            return msgspec.convert(body, ChannelIn)

        written = self._rows(file, rows, build, upsert_channel)
        self.channel_codes = [row.get("code") for row in written]

    def families(self) -> None:
        found = self._read("families.csv")
        if found is None:
            return
        header, rows, file = found
        prefix = "requirements-"

        def build(row: CsvRow) -> FamilyIn:
            body = {
                "code": row.get("code"),
                "labels": labels_of(row),
                "attributes": split_list(row.get("attributes")),
                "attribute_as_label": row.get("attribute_as_label") or None,
                "attribute_as_image": row.get("attribute_as_image") or None,
                "requirements": {
                    name.removeprefix(prefix): split_list(row.get(name))
                    for name in header
                    if name.startswith(prefix)
                },
            }
            return msgspec.convert(body, FamilyIn)

        self._rows(file, rows, build, upsert_family)

    def family_variants(self) -> None:
        found = self._read("family_variants.csv")
        if found is None:
            return
        _, rows, file = found
        self.variant_families = {
            row.get("code"): row.get("family") for row in rows if row.get("family")
        }
        file.skipped = True
        file.notes.append(
            "read only to find each product model's family; "
            "variant axes are not modelled yet"
        )

    def products(self, name: str, *, models: bool) -> None:
        found = self._read(name)
        if found is None:
            return
        header, rows, file = found
        with tenant_session(self.org) as db:
            rules = CatalogRules.load(db)
            taken = _unique_values(db, rules)
            parents = {row.get("parent") for row in rows if row.get("parent")}
            known = _existing_skus(db, parents)
            for code, values in stored_values(db, known.values()).items():
                self.inherited.setdefault(code, values)
        types = {code: a.type for code, a in rules.attributes.items()}
        variant_families = self.variant_families if models else None
        identifier, _, fields = product_fields(types, variant_families)
        if identifier not in header:
            file.fail(
                f"the file has no {identifier!r} column to identify each row; "
                f"its columns: {_first(header, 6)}",
                len(rows),
            )
            return
        plan = plan_columns(header, fields, rules.channels)
        if plan.ignored:
            file.notes.append(
                f"{len(plan.ignored)} association and group columns ignored "
                f"({_first(plan.ignored, 4)}): associations and groups are not "
                "modelled yet"
            )
        for column, message in plan.malformed.items():
            file.notes.append(f"column {column!r} not understood: {message}")
        if models:
            self.report.notes.append(MODELS_NOTE)
        records = [
            product_record(row, plan, types, variant_families=variant_families)
            for row in rows
        ]
        if models:
            # Sub-models name a root model as parent: place the roots first.
            records.sort(key=lambda record: record.parent is not None)
        check = _ProductCheck(
            rules,
            taken,
            identifier,
            self.models,
            known,
            self.inherited,
            is_model=models,
        )
        batch: list[Accepted] = []
        for done, record in enumerate(records, start=1):
            outcome = check(record)
            if isinstance(outcome, str):
                file.reject(outcome)
            else:
                batch.append(outcome)
            if len(batch) == BATCH_SIZE:
                self._write(file, batch, rules)
                batch = []
            if done % PROGRESS_EVERY == 0:
                self.progress(f"{name}: {done}/{len(records)} rows checked")
        if batch:
            self._write(file, batch, rules)
        self.progress(f"{name}: {file.imported} imported, {file.rejected} rejected")
        log.info("%s: %s imported, %s rejected", name, file.imported, file.rejected)

    def _write(
        self, file: FileReport, batch: list[Accepted], rules: CatalogRules
    ) -> None:
        """Write a batch in one transaction; if it fails, each of its rows
        alone, so that only the rows the database refuses are rejected."""
        try:
            with tenant_session(self.org) as db:
                _write_products(db, batch, rules)
        except SQLAlchemyError:
            log.debug("a batch of %s failed", file.file, exc_info=True)
        else:
            file.imported += len(batch)
            return
        for accepted in batch:
            try:
                with tenant_session(self.org) as db:
                    _write_products(db, [accepted], rules)
            except SQLAlchemyError as exc:
                log.debug(
                    "%s of %s failed", accepted.row.where, file.file, exc_info=True
                )
                message = f"Not written: {_database_message(exc)}."
                file.reject(reason(accepted.row, None, message))
                self.models.pop(accepted.sku.lower(), None)
                self.inherited.pop(accepted.sku.lower(), None)
            else:
                file.imported += 1

    def set_site_channel(self, *, created: bool) -> None:
        """Build the site from the export's web channel, unless the
        organisation already chose the channel its site is built from."""
        with tenant_session(self.org) as db:
            existing = set(db.scalars(select(Channel.code)))
        choice = "ecommerce" if "ecommerce" in existing else None
        choice = choice or next(iter(self.channel_codes), None)
        if choice is None:
            return
        with public_session() as db:
            org = get_org(db, self.org)
            if org is None:
                return
            current = site_settings(org.settings).get("channel")
            if current and not created:
                if current != choice:
                    self.report.notes.append(
                        f"site channel left at {current!r}, as the organisation "
                        f"has it; the export's web channel is {choice!r}"
                    )
                return
            set_site(db, org, channel=choice)
        self.report.notes.append(f"site channel set to {choice!r}")


def _upsert_categories(db: Session, bodies: Sequence[CategoryIn]) -> None:
    statement = insert(Category).values(
        [
            {
                "code": body.code,
                "parent_code": body.parent,
                "labels": body.labels,
                "sort_order": body.sort_order,
            }
            for body in bodies
        ]
    )
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["code"],
            set_={
                "parent_code": statement.excluded.parent_code,
                "labels": statement.excluded.labels,
                "sort_order": statement.excluded.sort_order,
            },
        )
    )


def _write_locale(db: Session, code: str) -> None:
    ensure_locales(db, [code], "$.code")


def _write_currency(db: Session, code: str) -> None:
    ensure_currencies(db, [code], "$.code")


def _first(names: Sequence[str], count: int) -> str:
    """The first ``count`` of ``names``, with "…" when there are more."""
    return ", ".join(names[:count]) + (", …" if len(names) > count else "")


def _field_reason(row: CsvRow, error: FieldError) -> str:
    column = re.sub(r"^\$\.?", "", error.path) or None
    return reason(row, column, error.message)


def _database_message(exc: SQLAlchemyError) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _unique_values(db: Session, rules: CatalogRules) -> dict[tuple[str, bytes], str]:
    """SKUs holding each value of a unique attribute, by attribute and value."""
    unique = [code for code, a in rules.attributes.items() if a.unique]
    if not unique:
        return {}
    query = (
        select(AttributeValue.attribute_code, AttributeValue.value, Product.sku)
        .join(Product, Product.id == AttributeValue.product_id)
        .where(AttributeValue.attribute_code.in_(unique))
    )
    return {
        (code, msgspec.json.encode(value)): sku
        for code, value, sku in db.execute(query)
    }


def _existing_skus(db: Session, codes: Collection[str]) -> dict[str, str]:
    lowered = sorted({code.lower() for code in codes})
    if not lowered:
        return {}
    query = select(Product.sku).where(func.lower(Product.sku).in_(lowered))
    return code_index(db.scalars(query))


class _ProductCheck:
    """Checks product rows against the catalog and against each other."""

    def __init__(
        self,
        rules: CatalogRules,
        taken: dict[tuple[str, bytes], str],
        identifier: str,
        models: dict[str, str],
        existing: dict[str, str],
        inherited: dict[str, list[Value]],
        *,
        is_model: bool,
    ) -> None:
        self.rules = rules
        self.taken = taken
        self.identifier = identifier
        self.models = models
        self.existing = existing
        self.inherited = inherited
        self.is_model = is_model
        self.unique = {code for code, a in rules.attributes.items() if a.unique}
        self.seen: dict[str, int] = {}

    def __call__(self, record: ProductRecord) -> Accepted | str:
        row = record.row
        if row.problem:
            # A record that was not read whole: what else is wrong is noise.
            return reason(row, None, f"The record {row.problem}.")
        problems = list(record.problems)
        family_column = "family_variant" if self.is_model else "family"
        fields = {"$.sku": self.identifier, "$.family": family_column}
        for error in _check_product_fields(
            self.rules,
            sku=record.sku,
            family=record.family,
            categories=record.categories,
        ):
            field = fields.get(error.path, error.path.split("[")[0].lstrip("$."))
            problems.append((field, error.message))
        key = record.sku.lower()
        if key in self.seen:
            problems.append(
                (
                    self.identifier,
                    f"SKU {record.sku!r} already appears at row {self.seen[key]}.",
                )
            )
        elif not self.is_model and key in self.models:
            problems.append(
                (
                    self.identifier,
                    f"SKU {record.sku!r} is already the code of a product model.",
                )
            )
        parent = None
        if record.parent is not None:
            parent = resolve_parent(record.parent, self.models) or resolve_parent(
                record.parent, self.existing
            )
            if parent is None:
                problems.append(
                    (
                        "parent",
                        (
                            f"Parent {record.parent!r} is not a product model of "
                            "this export or a product of the catalog."
                        ),
                    )
                )
            elif parent.lower() == key:
                problems.append(("parent", "A product cannot be its own parent."))
        values, errors = check_values(
            self.rules, record.family, record.values, path=f"row {row.number}"
        )
        problems.extend(_value_problem(record, error) for error in errors)
        claims = []
        for value in values:
            if value.attribute not in self.unique:
                continue
            claim = (value.attribute, msgspec.json.encode(value.data))
            holder = self.taken.get(claim)
            if holder is not None and holder.lower() != key:
                problems.append(
                    (
                        value.attribute,
                        f"{value.data!r} is unique to product {holder!r}.",
                    )
                )
            claims.append(claim)
        if problems:
            column, message = problems[0]
            more = len(problems) - 1
            if more:
                message += f" (and {more} more problem{'s' if more > 1 else ''})"
            return reason(row, column, message)
        self.seen[key] = row.number
        for claim in claims:
            self.taken[claim] = record.sku
        if parent is not None:
            keep = inheritable(record.family, self.rules.family_attributes, self.unique)
            values = inherit(values, self.inherited.get(parent.lower(), ()), keep)
        if self.is_model:
            self.models[key] = record.sku
            self.inherited[key] = values
        return Accepted(
            row=row,
            sku=record.sku,
            family=record.family,
            enabled=record.enabled,
            parent=parent,
            categories=record.categories,
            values=values,
        )


def _value_problem(record: ProductRecord, error: FieldError) -> tuple[str, str]:
    """The column a check_values error points at, and its message."""
    match = _VALUE_PATH.match(error.path)
    if match is None:
        return error.path, error.message
    attribute, index = match["attribute"], match["index"]
    if index is not None:
        column = record.sources.get((attribute, int(index)), attribute)
    else:
        count = len(record.values.get(attribute, []))
        column = ", ".join(
            record.sources.get((attribute, i), attribute) for i in range(count)
        )
    return column or attribute, error.message


def _write_products(db: Session, batch: list[Accepted], rules: CatalogRules) -> None:
    """Insert or update one batch of checked products and their values."""
    statement = insert(Product).values(
        [
            {
                "sku": accepted.sku,
                "family_code": accepted.family,
                "enabled": accepted.enabled,
                "parent_code": accepted.parent,
            }
            for accepted in batch
        ]
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["sku"],
        set_={
            "family_code": statement.excluded.family_code,
            "enabled": statement.excluded.enabled,
            "parent_code": statement.excluded.parent_code,
            "updated_at": func.now(),
        },
    ).returning(Product.id, Product.sku)
    ids = {sku: product_id for product_id, sku in db.execute(upsert)}
    product_ids = list(ids.values())
    db.execute(
        delete(ProductCategory).where(ProductCategory.product_id.in_(product_ids))
    )
    links = [
        {"product_id": ids[accepted.sku], "category_code": code}
        for accepted in batch
        for code in accepted.categories
    ]
    if links:
        db.execute(insert(ProductCategory), links)
    write_values_bulk(db, [(ids[accepted.sku], accepted.values) for accepted in batch])
    refresh_projection(db, product_ids, rules)
