"""Quote requests from the public catalog, turned into leads."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import FieldError, InvalidInput
from api.publishing.models import ChannelView
from api.quotes.models import Lead

SOURCE = "catalog_quote"
MAX_ITEMS = 100
MAX_QUANTITY = 1_000_000
_WHOLE = re.compile(r"-?[0-9]{1,9}")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_LIMITS = {"name": 200, "email": 254, "company": 200, "message": 5000}


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


def from_form(form: dict[str, list[str]]) -> dict[str, Any]:
    """A form post as the JSON shape: ``sku``/``quantity`` pairs become items."""

    def one(key: str) -> str | None:
        values = form.get(key) or []
        return values[0] if values else None

    skus = form.get("sku") or []
    quantities = form.get("quantity") or []
    items: list[dict[str, Any]] = []
    for index, sku in enumerate(skus):
        raw = quantities[index] if index < len(quantities) else "1"
        quantity: Any = raw.strip() or "1"
        if _WHOLE.fullmatch(quantity):
            quantity = int(quantity)
        items.append({"sku": sku, "quantity": quantity})
    body: dict[str, Any] = {
        "name": one("name") or "",
        "email": one("email") or "",
        "items": items,
    }
    for key in ("company", "message", "locale", "website"):
        value = one(key)
        if value is not None:
            body[key] = value
    return body


def check(body: QuoteIn) -> list[FieldError]:
    errors: list[FieldError] = []
    body_fields = {
        "name": body.name,
        "email": body.email,
        "company": body.company,
        "message": body.message,
    }
    for key, value in body_fields.items():
        if value is not None and len(value) > _LIMITS[key]:
            errors.append(
                FieldError(
                    f"$.{key}",
                    "too_long",
                    f"{key} is longer than {_LIMITS[key]} characters.",
                    f"at most {_LIMITS[key]} characters",
                )
            )
    if not body.name.strip():
        errors.append(FieldError("$.name", "required", "Your name is required."))
    if not _EMAIL.match(body.email.strip()):
        errors.append(
            FieldError(
                "$.email",
                "invalid_email",
                f"{body.email!r} is not an email address.",
                "an address like name@example.com",
            )
        )
    if not body.items:
        errors.append(
            FieldError(
                "$.items",
                "required",
                "Name at least one product.",
                "a list of {sku, quantity}",
            )
        )
    if len(body.items) > MAX_ITEMS:
        errors.append(
            FieldError(
                "$.items",
                "too_many",
                f"At most {MAX_ITEMS} products per request.",
            )
        )
    for index, item in enumerate(body.items):
        if not 1 <= item.quantity <= MAX_QUANTITY:
            errors.append(
                FieldError(
                    f"$.items[{index}].quantity",
                    "invalid_quantity",
                    f"Quantity {item.quantity} is out of range.",
                    f"a whole number from 1 to {MAX_QUANTITY}",
                )
            )
    return errors


def create_lead(
    db: Session, body: QuoteIn, channel: str, locales: list[str], *, store: bool = True
) -> Lead | None:
    """Store the quote as a lead, once every item is a published product.

    With ``store`` false (a bot's request) everything is checked the same
    way and nothing is written.
    """
    errors = check(body)
    if body.locale is not None and body.locale not in locales:
        errors.append(
            FieldError(
                "$.locale",
                "unknown_locale",
                f"Locale {body.locale[:20]!r} is not a locale of this catalog.",
                f"one of {', '.join(locales)}",
            )
        )
    skus = [item.sku for item in body.items]
    published = set(
        db.scalars(
            select(ChannelView.sku).where(
                ChannelView.channel_code == channel, ChannelView.sku.in_(skus)
            )
        )
    )
    errors.extend(
        FieldError(
            f"$.items[{index}].sku",
            "product_not_published",
            f"Product {item.sku!r} is not in this catalog.",
        )
        for index, item in enumerate(body.items)
        if item.sku not in published
    )
    if errors:
        raise InvalidInput(errors)
    if not store:
        return None
    merged: dict[str, int] = {}
    for item in body.items:
        merged[item.sku] = min(merged.get(item.sku, 0) + item.quantity, MAX_QUANTITY)
    lead = Lead(
        status="new",
        source=SOURCE,
        name=body.name.strip(),
        email=body.email.strip(),
        company=(body.company or "").strip() or None,
        message=(body.message or "").strip() or None,
        items=[{"sku": sku, "quantity": qty} for sku, qty in merged.items()],
        locale=body.locale,
    )
    db.add(lead)
    db.flush()
    return lead
