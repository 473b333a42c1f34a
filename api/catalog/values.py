"""Checking product values against their attributes.

``CatalogRules`` is a read-only picture of the catalog's structure (attributes,
options, families, locales, channels), loaded once per request or per import
so that checking a thousand products costs no extra queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import regex
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalog.models import (
    Attribute,
    AttributeOption,
    Category,
    Channel,
    Currency,
    Family,
    FamilyAttribute,
    Locale,
)
from api.catalog.schemas import ValueIn
from api.errors import FieldError, key_path, one_of, shown

TEXT_MAX = 255
PATTERN_TIMEOUT = 0.05  # seconds a validation pattern may run on one value
MAX_EXPONENT = 20  # numbers stay between 1e-20 and 1e20
MAX_DIGITS = 38
# ASCII digits only: Decimal would read "１２" as 12 too.
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,12})?$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
TEXTAREA_MAX = 65_535


@dataclass(frozen=True)
class Value:
    """A checked value, keyed as stored: empty locale or channel means none."""

    attribute: str
    locale: str
    channel: str
    data: Any


@dataclass
class CatalogRules:
    attributes: dict[str, Attribute]
    options: dict[str, dict[str, str]]  # attribute -> lowercased code -> code
    family_attributes: dict[str, set[str]]
    categories: set[str]
    locales: set[str]
    currencies: set[str]
    channels: dict[str, Channel]
    _patterns: dict[str, regex.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Session) -> CatalogRules:
        options: dict[str, dict[str, str]] = {}
        for attribute_code, code in db.execute(
            select(AttributeOption.attribute_code, AttributeOption.code)
        ):
            options.setdefault(attribute_code, {})[code.lower()] = code
        family_attributes: dict[str, set[str]] = {
            code: set() for code in db.scalars(select(Family.code))
        }
        for family_code, attribute_code in db.execute(
            select(FamilyAttribute.family_code, FamilyAttribute.attribute_code)
        ):
            family_attributes[family_code].add(attribute_code)
        return cls(
            attributes={a.code: a for a in db.scalars(select(Attribute))},
            options=options,
            family_attributes=family_attributes,
            categories=set(db.scalars(select(Category.code))),
            locales=set(db.scalars(select(Locale.code).where(Locale.enabled))),
            currencies=set(db.scalars(select(Currency.code).where(Currency.enabled))),
            channels={c.code: c for c in db.scalars(select(Channel))},
        )

    def pattern(self, attribute: Attribute) -> regex.Pattern[str] | None:
        source = attribute.rules.get("regex")
        if not source:
            return None
        if attribute.code not in self._patterns:
            self._patterns[attribute.code] = regex.compile(source)
        return self._patterns[attribute.code]


def check_values(
    rules: CatalogRules,
    family: str | None,
    values: dict[str, list[ValueIn]],
    path: str = "$.values",
    *,
    allow_null: bool = False,
) -> tuple[list[Value], list[FieldError]]:
    """Checked values and the errors found; ``data: null`` clears when allowed."""
    out: list[Value] = []
    errors: list[FieldError] = []
    allowed = rules.family_attributes.get(family) if family else None
    for code, entries in values.items():
        attribute = rules.attributes.get(code)
        here = key_path(path, code)
        if attribute is None:
            errors.append(
                FieldError(
                    here,
                    "unknown_attribute",
                    f"Attribute {shown(code)} does not exist.",
                )
            )
            continue
        if attribute.type == "identifier":
            errors.append(
                FieldError(
                    here,
                    "identifier_in_values",
                    f"Attribute {shown(code)} is the identifier; set it with 'sku'.",
                )
            )
            continue
        # Removing a value is always allowed, even one the family or the
        # attribute's locale and scope rules no longer admit.
        removals_only = allow_null and all(e.data is None for e in entries)
        if allowed is not None and code not in allowed and not removals_only:
            errors.append(
                FieldError(
                    here,
                    "attribute_not_in_family",
                    f"Attribute {shown(code)} is not part of family {shown(family)}.",
                    f"one of the family's attributes: {', '.join(sorted(allowed))}",
                )
            )
            continue
        seen: set[tuple[str, str]] = set()
        for index, entry in enumerate(entries):
            at = f"{here}[{index}]"
            removal = allow_null and entry.data is None
            key_errors = [] if removal else _check_key(rules, attribute, entry, at)
            if key_errors:
                errors.extend(key_errors)
                continue
            key = (entry.locale or "", entry.scope or "")
            if key in seen:
                errors.append(
                    FieldError(
                        at,
                        "duplicate_value",
                        f"Attribute {shown(code)} has two values for locale "
                        f"{shown(entry.locale)} and scope {shown(entry.scope)}.",
                    )
                )
                continue
            seen.add(key)
            if entry.data is None:
                if allow_null:
                    out.append(Value(code, key[0], key[1], None))
                continue
            try:
                data = normalize(rules, attribute, entry.data)
            except ValueProblem as problem:
                errors.append(
                    FieldError(
                        f"{at}.data{problem.at}",
                        problem.code,
                        problem.message,
                        problem.expected,
                    )
                )
                continue
            out.append(Value(code, key[0], key[1], data))
    return out, errors


def _check_key(
    rules: CatalogRules, attribute: Attribute, entry: ValueIn, at: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    code = attribute.code
    if attribute.localizable:
        if not entry.locale:
            errors.append(
                FieldError(
                    f"{at}.locale",
                    "locale_required",
                    f"Attribute {shown(code)} is localizable; "
                    "each value needs a locale.",
                    one_of(rules.locales, "locale"),
                )
            )
        elif entry.locale not in rules.locales:
            errors.append(
                FieldError(
                    f"{at}.locale",
                    "unknown_locale",
                    f"Locale {shown(entry.locale)} is not enabled.",
                    one_of(rules.locales, "locale"),
                )
            )
    elif entry.locale is not None:
        errors.append(
            FieldError(
                f"{at}.locale",
                "locale_not_allowed",
                f"Attribute {shown(code)} is not localizable; locale must be null.",
                "null",
            )
        )
    if attribute.scopable:
        if not entry.scope:
            errors.append(
                FieldError(
                    f"{at}.scope",
                    "scope_required",
                    f"Attribute {shown(code)} is scopable; each value needs a channel.",
                    one_of(rules.channels, "channel"),
                )
            )
        elif entry.scope not in rules.channels:
            errors.append(
                FieldError(
                    f"{at}.scope",
                    "unknown_channel",
                    f"Channel {shown(entry.scope)} does not exist.",
                    one_of(rules.channels, "channel"),
                )
            )
    elif entry.scope is not None:
        errors.append(
            FieldError(
                f"{at}.scope",
                "scope_not_allowed",
                f"Attribute {shown(code)} is not scopable; scope must be null.",
                "null",
            )
        )
    return errors


class ValueProblem(Exception):
    """A value ``data`` cannot take; ``at`` points inside it, e.g. ``[0].amount``."""

    def __init__(
        self, code: str, message: str, expected: str | None = None, at: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.expected = expected
        self.at = at

    def inside(self, at: str) -> ValueProblem:
        return ValueProblem(self.code, self.message, self.expected, at + self.at)


def normalize(rules: CatalogRules, attribute: Attribute, data: Any) -> Any:
    """The stored form of ``data`` for ``attribute``, or ``ValueProblem``."""
    kind = attribute.type
    if kind in ("text", "textarea", "image", "file"):
        return _text(rules, attribute, data)
    if kind == "number":
        return _number(attribute, data)
    if kind == "boolean":
        if not isinstance(data, bool):
            raise ValueProblem(
                "invalid_type",
                f"Expected a boolean, got {shown(data)}.",
                "true or false",
            )
        return data
    if kind == "date":
        return _date(data)
    if kind == "simpleselect":
        return _option(rules, attribute, data)
    if kind == "multiselect":
        if not isinstance(data, list):
            raise ValueProblem(
                "invalid_type",
                f"Expected a list of option codes, got {shown(data)}.",
                "array",
            )
        codes = []
        for index, item in enumerate(data):
            try:
                codes.append(_option(rules, attribute, item))
            except ValueProblem as problem:
                raise problem.inside(f"[{index}]") from None
        return list(dict.fromkeys(codes))
    if kind == "price_collection":
        return _prices(rules, data)
    if kind == "metric":
        return _metric(attribute, data)
    raise ValueProblem(
        "unsupported_type", f"Attribute type {shown(kind)} takes no values here."
    )


def _text(rules: CatalogRules, attribute: Attribute, data: Any) -> str:
    if not isinstance(data, str):
        raise ValueProblem(
            "invalid_type", f"Expected text, got {shown(data)}.", "string"
        )
    limit = attribute.rules.get("max_characters") or (
        TEXTAREA_MAX if attribute.type == "textarea" else TEXT_MAX
    )
    if len(data) > limit:
        raise ValueProblem(
            "too_long",
            f"Text of {len(data)} characters exceeds the limit of {limit}.",
            f"at most {limit} characters",
        )
    pattern = rules.pattern(attribute)
    try:
        matched = pattern is None or pattern.fullmatch(data, timeout=PATTERN_TIMEOUT)
    except TimeoutError:
        raise ValueProblem(
            "pattern_too_slow",
            f"The pattern of {shown(attribute.code)} took too long on this text.",
            "a simpler validation pattern on the attribute",
        ) from None
    if not matched:
        raise ValueProblem(
            "pattern_mismatch",
            f"{shown(data)} does not match the pattern {shown(pattern.pattern)}.",
            f"text matching {pattern.pattern}",
        )
    return data


def _decimal(data: Any, what: str = "number") -> Decimal:
    if isinstance(data, bool) or not isinstance(data, (int, float, str)):
        raise ValueProblem(
            "invalid_type", f"Expected a {what}, got {shown(data)}.", "number"
        )
    text = str(data)
    if not _NUMBER.match(text):
        raise ValueProblem(
            "invalid_number", f"{shown(data)} is not a number.", "a number such as 12.5"
        )
    value = Decimal(text)
    if not value.is_zero() and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise ValueProblem(
            "out_of_range",
            f"{shown(data)} is too large or too small.",
            f"a magnitude between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}",
        )
    if len(value.as_tuple().digits) > MAX_DIGITS:
        raise ValueProblem(
            "too_precise",
            f"{shown(data)} has too many digits.",
            f"at most {MAX_DIGITS}",
        )
    return abs(value) if value.is_zero() else value


def _number(attribute: Attribute, data: Any) -> str:
    value = _decimal(data)
    rule = attribute.rules
    if not rule.get("decimals_allowed") and value != value.to_integral_value():
        raise ValueProblem(
            "decimals_not_allowed",
            f"{shown(data)} has decimals; this attribute takes whole numbers.",
            "an integer",
        )
    if rule.get("negative_allowed") is False and value < 0:
        raise ValueProblem(
            "negative_not_allowed", f"{shown(data)} is negative.", "a number ≥ 0"
        )
    if rule.get("min") is not None and value < Decimal(str(rule["min"])):
        raise ValueProblem(
            "below_min", f"{shown(data)} is below {rule['min']}.", f"≥ {rule['min']}"
        )
    if rule.get("max") is not None and value > Decimal(str(rule["max"])):
        raise ValueProblem(
            "above_max", f"{shown(data)} is above {rule['max']}.", f"≤ {rule['max']}"
        )
    return _plain(value)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _date(data: Any) -> str:
    if not isinstance(data, str):
        raise ValueProblem(
            "invalid_type", f"Expected a date, got {shown(data)}.", "YYYY-MM-DD"
        )
    try:
        if not _DATE.match(data):
            raise ValueError(data)
        return date.fromisoformat(data).isoformat()
    except ValueError:
        raise ValueProblem(
            "invalid_date",
            f"{shown(data)} is not a valid date.",
            "a calendar date as YYYY-MM-DD",
        ) from None


def _option(rules: CatalogRules, attribute: Attribute, data: Any) -> str:
    known = rules.options.get(attribute.code, {})
    if not isinstance(data, str):
        raise ValueProblem(
            "invalid_type", f"Expected an option code, got {shown(data)}.", "string"
        )
    code = known.get(data.lower())
    if code is None:
        sample = ", ".join(sorted(known.values())[:10]) or "no options defined"
        raise ValueProblem(
            "unknown_option",
            f"{shown(data)} is not an option of attribute {shown(attribute.code)}.",
            f"one of: {sample}",
        )
    return code


_PRICE_EXAMPLE = '{"amount": "12.50", "currency": "EUR"}'
_METRIC_EXAMPLE = '{"amount": "1.5", "unit": "KILOGRAM"}'


def _fields(
    item: dict[str, Any], names: tuple[str, ...], what: str, example: str
) -> None:
    """Refuse fields ``item`` should not have and missing or null ones."""
    for key in item:
        if key not in names:
            raise ValueProblem(
                "unknown_field",
                f"{what.capitalize()} has no field {shown(key)}.",
                example,
                key_path("", key),
            )
    for name in names:
        if item.get(name) is None:
            raise ValueProblem(
                "required",
                f"{what.capitalize()} needs its {name}.",
                example,
                f".{name}",
            )


def _prices(rules: CatalogRules, data: Any) -> list[dict[str, str]]:
    if not isinstance(data, list):
        raise ValueProblem(
            "invalid_type",
            f"Expected a list of prices, got {shown(data)}.",
            f"[{_PRICE_EXAMPLE}]",
        )
    prices: dict[str, str] = {}
    for index, item in enumerate(data):
        try:
            currency, amount = _price(rules, item, prices)
        except ValueProblem as problem:
            raise problem.inside(f"[{index}]") from None
        prices[currency] = amount
    return [{"amount": a, "currency": c} for c, a in sorted(prices.items())]


def _price(rules: CatalogRules, item: Any, seen: dict[str, str]) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise ValueProblem(
            "invalid_price", f"{shown(item)} is not a price.", _PRICE_EXAMPLE
        )
    _fields(item, ("amount", "currency"), "a price", _PRICE_EXAMPLE)
    currency = item["currency"]
    if not isinstance(currency, str):
        raise ValueProblem(
            "invalid_type",
            f"Expected a currency code, got {shown(currency)}.",
            "an ISO 4217 code such as EUR, as a string",
            ".currency",
        )
    if currency not in rules.currencies:
        raise ValueProblem(
            "unknown_currency",
            f"Currency {shown(currency)} is not enabled.",
            one_of(rules.currencies, "currency"),
            ".currency",
        )
    if currency in seen:
        raise ValueProblem(
            "duplicate_currency", f"Two prices in {currency}.", None, ".currency"
        )
    try:
        value = _decimal(item["amount"], "price amount")
    except ValueProblem as problem:
        raise problem.inside(".amount") from None
    if value < 0:
        raise ValueProblem(
            "negative_price",
            f"Price {shown(item['amount'])} is negative.",
            "≥ 0",
            ".amount",
        )
    with localcontext(prec=MAX_DIGITS + MAX_EXPONENT):
        return currency, format(value.quantize(Decimal("0.01")), "f")


def _metric(attribute: Attribute, data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        raise ValueProblem(
            "invalid_metric", f"{shown(data)} is not a measurement.", _METRIC_EXAMPLE
        )
    _fields(data, ("amount", "unit"), "a measurement", _METRIC_EXAMPLE)
    unit = data["unit"]
    if not isinstance(unit, str) or not _UNIT.match(unit):
        raise ValueProblem(
            "invalid_unit",
            f"{shown(unit)} is not a unit.",
            "a unit code such as KILOGRAM",
            ".unit",
        )
    try:
        amount = _decimal(data["amount"])
    except ValueProblem as problem:
        raise problem.inside(".amount") from None
    if attribute.rules.get("negative_allowed") is False and amount < 0:
        raise ValueProblem(
            "negative_not_allowed",
            f"{shown(data['amount'])} is negative.",
            "a number ≥ 0",
            ".amount",
        )
    return {"amount": _plain(amount), "unit": unit}
