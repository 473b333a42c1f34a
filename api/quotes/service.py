"""Quote requests from the public catalog, turned into leads."""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import FieldError, InvalidInput
from api.publishing.models import ChannelView
from api.quotes.models import Lead
from sitegen.model import view_decoder

SOURCE = "catalog_quote"
MAX_ITEMS = 100
MAX_QUANTITY = 1_000_000
TEXT_LIMITS = {"name": 200, "email": 254, "company": 200, "message": 5000}
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_QUANTITY_RANGE = f"a whole number from 1 to {MAX_QUANTITY}"


class QuoteItem(msgspec.Struct, forbid_unknown_fields=True):
    sku: str
    quantity: int = 1


class QuoteIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    email: str
    items: list[QuoteItem]
    company: str | None = None
    message: str | None = None
    locale: str | None = None
    website: str | None = None  # honeypot: people never see it, bots fill it


class QuoteOut(msgspec.Struct):
    status: str


def invalid_character(path: str) -> FieldError:
    # PostgreSQL cannot store NUL in text, so it is refused before any query.
    return FieldError(
        path,
        "invalid_character",
        "Text contains a NUL character (\\u0000), which cannot be stored.",
        "text without NUL characters",
    )


def _text_errors(body: QuoteIn) -> Iterable[FieldError]:
    texts = {
        "name": body.name,
        "email": body.email,
        "company": body.company,
        "message": body.message,
    }
    for key, value in texts.items():
        if value is None:
            continue
        limit = TEXT_LIMITS[key]
        if "\x00" in value:
            yield invalid_character(f"$.{key}")
        elif len(value) > limit:
            yield FieldError(
                f"$.{key}",
                "too_long",
                f"{key} is {len(value)} characters long; at most {limit} fit.",
                f"at most {limit} characters",
            )
    if not body.name.strip():
        yield FieldError("$.name", "required", "Your name is required.", "your name")
    if "\x00" not in body.email and not _EMAIL.match(body.email.strip()):
        yield FieldError(
            "$.email",
            "invalid_email",
            f"{body.email[:60]!r} is not an email address.",
            "an address like name@example.com",
        )


def _item_errors(items: list[QuoteItem]) -> Iterable[FieldError]:
    if not items:
        yield FieldError(
            "$.items",
            "required",
            "Name at least one product.",
            "a list of {sku, quantity}",
        )
    if len(items) > MAX_ITEMS:
        yield FieldError(
            "$.items",
            "too_many",
            f"{len(items)} products were requested; at most {MAX_ITEMS} fit in one "
            "request.",
            f"at most {MAX_ITEMS} items",
        )
    totals = merged_quantities(items)
    running: dict[str, int] = {}
    for index, item in enumerate(items):
        if "\x00" in item.sku:
            yield invalid_character(f"$.items[{index}].sku")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            yield FieldError(
                f"$.items[{index}].quantity",
                "invalid_quantity",
                f"Quantity {item.quantity} is out of range.",
                _QUANTITY_RANGE,
            )
            continue
        before = running.get(item.sku, 0)
        running[item.sku] = before + item.quantity
        # Reported once, at the item that takes the product past the cap.
        if before <= MAX_QUANTITY < running[item.sku]:
            yield FieldError(
                f"$.items[{index}].quantity",
                "total_quantity_above_max",
                f"Product {item.sku!r} is requested {totals[item.sku]} times in all; "
                f"at most {MAX_QUANTITY} fit in one request.",
                f"a total of at most {MAX_QUANTITY} per product",
            )


def merged_quantities(items: list[QuoteItem]) -> dict[str, int]:
    """Each product once, with the sum of its valid quantities, in first order."""
    totals: dict[str, int] = {}
    for item in items:
        if 1 <= item.quantity <= MAX_QUANTITY:
            totals[item.sku] = totals.get(item.sku, 0) + item.quantity
    return totals


def check(body: QuoteIn) -> list[FieldError]:
    """What is wrong with a request on its own, before the catalog is asked."""
    return [*_text_errors(body), *_item_errors(body.items)]


def _storable_skus(items: list[QuoteItem]) -> list[str]:
    return sorted({item.sku for item in items if "\x00" not in item.sku})


def create_lead(
    db: Session,
    body: QuoteIn,
    channel: str,
    locales: list[str],
    *,
    store: bool = True,
    reported: Iterable[FieldError] = (),
) -> Lead | None:
    """Store the quote as a lead, once every item is a published product.

    ``reported`` are problems already found while reading the request; they
    are answered together with the rest. With ``store`` false (a bot's
    request) everything is checked the same way and nothing is written.
    """
    errors = [*reported, *check(body)]
    if body.locale is not None and body.locale not in locales:
        errors.append(
            FieldError(
                "$.locale",
                "unknown_locale",
                f"Locale {body.locale[:20]!r} is not a locale of this catalog.",
                f"one of {', '.join(locales)}",
            )
        )
    published = set(
        db.scalars(
            select(ChannelView.sku).where(
                ChannelView.channel_code == channel,
                ChannelView.sku.in_(_storable_skus(body.items)),
            )
        )
    )
    errors.extend(
        FieldError(
            f"$.items[{index}].sku",
            "product_not_published",
            f"Product {item.sku[:100]!r} is not in this catalog.",
        )
        for index, item in enumerate(body.items)
        if item.sku not in published and "\x00" not in item.sku
    )
    if errors:
        raise InvalidInput(errors)
    if not store:
        return None
    lead = Lead(
        status="new",
        source=SOURCE,
        name=body.name.strip(),
        email=body.email.strip(),
        company=(body.company or "").strip() or None,
        message=(body.message or "").strip() or None,
        items=[
            {"sku": sku, "quantity": quantity}
            for sku, quantity in merged_quantities(body.items).items()
        ],
        locale=body.locale,
    )
    db.add(lead)
    db.flush()
    return lead


def product_names(
    db: Session, channel: str, skus: Iterable[str], locale: str
) -> dict[str, str]:
    """The published names of ``skus`` in ``locale``, for telling shoppers."""
    wanted = sorted({sku for sku in skus if "\x00" not in sku})[:MAX_ITEMS]
    if not wanted:
        return {}
    names: dict[str, str] = {}
    documents = db.scalars(
        select(ChannelView.document).where(
            ChannelView.channel_code == channel, ChannelView.sku.in_(wanted)
        )
    )
    for document in documents:
        view = view_decoder.decode(document)
        localized = view.locales.get(locale) or next(iter(view.locales.values()), None)
        if localized is not None:
            names[view.sku] = localized.name
    return names
