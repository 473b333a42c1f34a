"""Leads as the sales team reads and works them."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import paging
from api.errors import invalid, not_found
from api.paging import PageLinks
from api.quotes.models import Lead

STATUSES = ("new", "contacted", "qualified", "won", "lost")
_ID_DIGITS = len(str(paging.LARGEST_ID))
ONE_OF_STATUSES = f"one of {', '.join(STATUSES)}"


class LeadItem(msgspec.Struct):
    sku: str
    quantity: int


class LeadOut(msgspec.Struct):
    id: int
    status: str
    source: str
    name: str
    email: str
    company: str | None
    message: str | None
    items: list[LeadItem]
    locale: str | None
    created_at: datetime


class LeadPage(msgspec.Struct):
    items: list[LeadOut]
    next_cursor: str | None
    links: PageLinks = msgspec.field(default_factory=PageLinks, name="_links")


class LeadPatch(msgspec.Struct, forbid_unknown_fields=True):
    status: str


def lead_out(lead: Lead) -> LeadOut:
    return LeadOut(
        id=lead.id,
        status=lead.status,
        source=lead.source,
        name=lead.name,
        email=lead.email,
        company=lead.company,
        message=lead.message,
        items=msgspec.convert(lead.items, list[LeadItem]),
        locale=lead.locale,
        created_at=lead.created_at,
    )


def encode_cursor(last_id: int) -> str:
    return paging.encode_cursor("l", last_id)


def decode_cursor(cursor: str) -> int:
    return paging.decode_cursor("l", cursor)


def check_status(path: str, status: str) -> str:
    if status not in STATUSES:
        raise invalid(
            path,
            "invalid_status",
            f"Status {status[:40]!r} is not a lead status; use {ONE_OF_STATUSES}.",
            ONE_OF_STATUSES,
        )
    return status


def list_leads(
    db: Session, *, status: str | None, limit: int, cursor: str | None
) -> LeadPage:
    """Leads newest first, ``limit`` at a time, from where ``cursor`` ended."""
    paging.check_limit(limit)
    # Ids grow with every insert, so the newest lead has the largest id.
    query = select(Lead).order_by(Lead.id.desc()).limit(limit + 1)
    if status is not None:
        query = query.where(Lead.status == check_status("query.status", status))
    if cursor:
        query = query.where(Lead.id < decode_cursor(cursor))
    rows = list(db.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return LeadPage(
        items=[lead_out(row) for row in rows],
        next_cursor=encode_cursor(rows[-1].id) if more else None,
    )


def get_lead(db: Session, lead_id: int | str, *, lock: bool = False) -> Lead:
    """The lead, or 404 as for any id this organisation does not have.

    ``lead_id`` may be the path segment as sent: one that is not an id as
    this API writes it (``abc``, ``007``) names no lead either.
    """
    if isinstance(lead_id, str):
        digits = lead_id.isascii() and lead_id.isdigit() and len(lead_id) <= _ID_DIGITS
        if not digits or lead_id != str(int(lead_id)):
            raise not_found("lead", lead_id)
        lead_id = int(lead_id)
    lead = None
    if 1 <= lead_id <= paging.LARGEST_ID:
        query = select(Lead).where(Lead.id == lead_id)
        lead = db.scalar(query.with_for_update() if lock else query)
    if lead is None:
        raise not_found("lead", str(lead_id))
    return lead


def set_status(db: Session, lead_id: int | str, patch: LeadPatch) -> Lead:
    status = check_status("$.status", patch.status)
    lead = get_lead(db, lead_id, lock=True)
    lead.status = status
    db.flush()
    return lead
