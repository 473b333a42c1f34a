"""Quote requests posted by the catalog's HTML form, read field by field.

A form post is read as text per field, so one field that is not UTF-8 is
reported on that field while the rest of the form can still be shown back.
Both encodings a browser may use (urlencoded and multipart) arrive at the
same ``FormPost``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from api.errors import FieldError
from api.quotes.service import MAX_ITEMS, MAX_QUANTITY, QuoteIn, QuoteItem

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FORM_TYPES = frozenset({URLENCODED, MULTIPART})
# Two fields per product and a handful of others; anything longer is not a
# form a catalog page produced.
MAX_FIELDS = 2 * MAX_ITEMS + 20
_WHOLE = re.compile(r"[0-9]+", re.ASCII)
_OPTIONAL = ("company", "message", "locale", "website")
_TEXT_FIELDS = ("name", "email", "company", "message")


class UnreadableForm(Exception):
    """The body as a whole cannot be read as a form."""


@dataclass(frozen=True, slots=True)
class FormPost:
    """The fields of a form post as the shopper typed them."""

    fields: dict[str, list[str]]
    # (name, position among that name's values) of each value that was not
    # text; it stands in ``fields`` as "" so repeated fields stay paired.
    unreadable: frozenset[tuple[str, int]] = frozenset()

    def one(self, key: str) -> str | None:
        values = self.fields.get(key)
        return values[0] if values else None


def _collect(pairs: list[tuple[str, str | None]]) -> FormPost:
    """Fields from (name, value) pairs; a value of None was not text."""
    fields: dict[str, list[str]] = {}
    unreadable: set[tuple[str, int]] = set()
    for key, value in pairs:
        values = fields.setdefault(key, [])
        if value is None:
            unreadable.add((key, len(values)))
        values.append(value or "")
    return FormPost(fields, frozenset(unreadable))


def _utf8(latin: str) -> str | None:
    try:
        return latin.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_urlencoded(raw: bytes) -> FormPost:
    """An ``application/x-www-form-urlencoded`` body, decoded field by field."""
    # Latin-1 maps every byte to one character, so the split never fails and
    # each field's bytes come back intact to be decoded on their own.
    try:
        pairs = parse_qsl(
            raw.decode("latin-1"),
            keep_blank_values=True,
            encoding="latin-1",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError as exc:
        raise UnreadableForm(f"more than {MAX_FIELDS} fields") from exc
    decoded = [(_utf8(key), _utf8(value)) for key, value in pairs]
    # A name that is not text is no field of ours.
    return _collect([(key, value) for key, value in decoded if key is not None])


def from_multipart(items: list[tuple[str, Any]]) -> FormPost:
    """A multipart form as Litestar parsed it; files are not quote fields."""
    if len(items) > MAX_FIELDS:
        raise UnreadableForm(f"more than {MAX_FIELDS} fields")
    return _collect(
        [(key, value if isinstance(value, str) else None) for key, value in items]
    )


def _quantity(text: str, index: int) -> tuple[int, FieldError | None]:
    """The quantity typed for item ``index``; 1 stands in for a bad one."""
    text = text.strip() or "1"
    path = f"$.items[{index}].quantity"
    expected = f"a whole number from 1 to {MAX_QUANTITY}"
    shown = text if len(text) <= 20 else text[:20] + "…"
    if not _WHOLE.fullmatch(text):
        message = f"Quantity {shown!r} is not a whole number."
        return 1, FieldError(path, "invalid_quantity", message, expected)
    # Compare as text first: a very long number needs no conversion to refuse.
    if len(text.lstrip("0")) > len(str(MAX_QUANTITY)) or not (
        1 <= int(text) <= MAX_QUANTITY
    ):
        message = f"Quantity {shown} is out of range."
        return 1, FieldError(path, "invalid_quantity", message, expected)
    return int(text), None


def _unreadable(path: str, key: str) -> FieldError:
    return FieldError(
        path, "invalid_encoding", f"Field {key!r} is not UTF-8 text.", "UTF-8 text"
    )


def to_quote(post: FormPost) -> tuple[QuoteIn, list[FieldError]]:
    """The form as a quote request, with what reading its fields found wrong.

    Repeated ``sku``/``quantity`` fields pair up in order into items. A
    ``locale`` or ``page`` that cannot be read falls back quietly.
    """
    errors = [
        _unreadable(f"$.{key}", key)
        for key in _TEXT_FIELDS
        if (key, 0) in post.unreadable
    ]
    quantities = post.fields.get("quantity", [])
    items: list[QuoteItem] = []
    for index, sku in enumerate(post.fields.get("sku", [])):
        if ("sku", index) in post.unreadable:
            errors.append(_unreadable(f"$.items[{index}].sku", "sku"))
        typed = quantities[index] if index < len(quantities) else ""
        quantity, error = _quantity(typed, index)
        if ("quantity", index) in post.unreadable:
            error = _unreadable(f"$.items[{index}].quantity", "quantity")
        items.append(QuoteItem(sku=sku, quantity=quantity))
        if error is not None:
            errors.append(error)
    optional = {key: post.one(key) for key in _OPTIONAL}
    if ("website", 0) in post.unreadable:
        # Only a bot fills the hidden field, whatever it fills it with.
        optional["website"] = "unreadable"
    body = QuoteIn(
        name=post.one("name") or "",
        email=post.one("email") or "",
        items=items,
        **optional,
    )
    return body, errors
