"""The page a shopper sees when a quote form cannot be sent.

Building its context is pure: the request's fields and problems in, the
template's data out, worded for shoppers in their language. Rendering it with
the site's templates is :mod:`api.quotes.site_page`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from api.errors import FieldError
from api.quotes.form import FormPost
from api.quotes.service import MAX_ITEMS, MAX_QUANTITY, TEXT_LIMITS
from sitegen import urls
from sitegen.pages import lang_tag
from sitegen.ui_text import ui_text

MAX_PAGE_PATH = 512
TEXT_FIELDS = ("name", "email", "company", "message")
_FIELD = re.compile(r"^\$\.(name|email|company|message)$")
_ITEM = re.compile(r"^\$\.items\[(\d+)\]\.(?:sku|quantity)$")
# Below the site root a page path is slug segments, each ending in "/"; a
# segment may not start with a dot, so "." and ".." cannot climb out.
_PAGE_REST = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*", re.ASCII)
# Shopper wording (a key of the site's UI text) by error code.
_WORDING = {
    "invalid_email": "quote_error_email",
    "too_long": "quote_error_too_long",
    "invalid_character": "quote_error_character",
    "invalid_encoding": "quote_error_unreadable",
    "invalid_quantity": "quote_error_quantity",
    "total_quantity_above_max": "quote_error_total",
    "product_not_published": "quote_error_product",
    "too_many": "quote_error_too_many",
}


def product_page(org: str, value: str | None) -> str | None:
    """``value`` when it is a page path of ``org``'s catalog, else None.

    The path comes from the shopper's request, so it is only ever used as a
    link inside the catalog: no other site, scheme or query can pass.
    """
    root = urls.site_root(org)
    if not value or len(value) > MAX_PAGE_PATH or not value.startswith(root):
        return None
    return value if _PAGE_REST.fullmatch(value[len(root) :]) else None


def line_id(index: int) -> str:
    """The id of item ``index``'s quantity field, as the product page has it."""
    return "quote-quantity" if index == 0 else f"quote-quantity-{index + 1}"


def _number(value: int, text: dict[str, str]) -> str:
    return f"{value:,}".replace(",", text["digit_group"])


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an error shows: its rank in the form, its item, its field's id."""

    rank: tuple[int, int]
    item: int | None = None
    field_id: str | None = None  # None: the request as a whole


# The form reads name, email, company, the items, then the message; errors
# of the request as a whole come last.
_RANK = {"name": 0, "email": 1, "company": 2, "items": 3, "message": 4}
_WHOLE_REQUEST = _Place((5, 0))


def _place(error: FieldError) -> _Place:
    if field := _FIELD.match(error.path):
        key = field.group(1)
        return _Place((_RANK[key], 0), field_id=f"quote-{key}")
    if item := _ITEM.match(error.path):
        index = int(item.group(1))
        return _Place((_RANK["items"], index), index, line_id(index))
    return _WHOLE_REQUEST


def shopper_message(
    error: FieldError, text: dict[str, str], product: str | None
) -> str:
    """What went wrong, in the shopper's language, without any internals."""
    if error.code == "required":
        key = "quote_error_name" if error.path == "$.name" else "quote_error_no_product"
    else:
        key = _WORDING.get(error.code, "quote_error_other")
    field = _FIELD.match(error.path)
    limit = TEXT_LIMITS.get(field.group(1), 0) if field else 0
    return text[key].format(
        product=product or "",
        max=_number(MAX_QUANTITY, text),
        items=MAX_ITEMS,
        limit=_number(limit, text),
    )


def _frame(org: str, locale: str) -> dict[str, Any]:
    """What the site's base template reads; this page has no other versions."""
    return {
        "locale": locale,
        "lang": lang_tag(locale),
        "t": ui_text(locale),
        "home_url": urls.home_path(org, locale),
        "canonical": None,
        "alternates": [],
        "x_default": None,
        "noindex": True,
    }


def _lines(
    post: FormPost, names: dict[str, str], text: dict[str, str]
) -> list[dict[str, str]]:
    skus = post.fields.get("sku", [])
    quantities = post.fields.get("quantity", [])
    lines = []
    for index, sku in enumerate(skus):
        label = text["quantity"]
        if len(skus) > 1:
            label = f"{label} – {names.get(sku) or sku}"
        typed = quantities[index] if index < len(quantities) else "1"
        lines.append(
            {"id": line_id(index), "sku": sku, "quantity": typed, "label": label}
        )
    return lines


def error_page_context(
    *,
    org: str,
    locale: str,
    action: str,
    post: FormPost | None,
    errors: list[FieldError],
    names: dict[str, str],
    problem: str | None = None,
) -> dict[str, Any]:
    """The data of ``quote_error.html``.

    ``post`` is None when the body could not be read at all; ``problem`` then
    names the UI text that says why, and no form is shown again.
    """
    data = _frame(org, locale)
    text: dict[str, str] = data["t"]
    page = product_page(org, post.one("page")) if post else None
    skus = post.fields.get("sku", []) if post else []
    by_field: dict[str, str] = {}
    summary: list[tuple[_Place, dict[str, str | None]]] = []
    for error in errors:
        place = _place(error)
        sku = None
        if place.item is not None and place.item < len(skus):
            sku = skus[place.item]
        message = shopper_message(error, text, names.get(sku or "") or sku)
        if place.field_id is not None:
            if place.field_id in by_field:
                continue  # one message per field: the first says enough
            by_field[place.field_id] = message
        summary.append((place, {"target": place.field_id, "message": message}))
    summary.sort(key=lambda entry: entry[0].rank)
    values = {
        key: (post.one(key) or "").replace("\x00", "") if post else ""
        for key in TEXT_FIELDS
    }
    data["quote"] = {
        "action": action,
        "page": page,
        "values": values,
        "lines": _lines(post, names, text) if post else [],
        "errors": by_field,
        "summary": [entry for _, entry in summary],
        "problem": text[problem] if problem else None,
        "product": names.get(skus[0]) if len(skus) == 1 else None,
        "back_url": page or data["home_url"],
        "back_label": text["quote_back"] if page else text["back_home"],
    }
    return data
