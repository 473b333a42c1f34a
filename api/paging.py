"""Keyset paging shared by every list: limits, cursors and the next link.

A cursor is the id a page ended at, tagged with its list.

A cursor is ``<kind>:<id>`` in unpadded URL-safe base64. Base64 and numbers
each have several spellings of one value (padding, leading zeros), so a
cursor is accepted only when it is exactly the one :func:`encode_cursor`
writes; anything else is a 422 naming ``query.cursor``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import urlencode

import msgspec

from api.errors import invalid

LARGEST_ID = 2**63 - 1
MAX_LIMIT = 100


class PageLinks(msgspec.Struct, omit_defaults=True):
    next: str | None = None


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid(
            "query.limit",
            "invalid_limit",
            f"limit {limit} is out of range.",
            f"1 to {MAX_LIMIT}",
        )


def next_link(path: str, query: Mapping[str, object]) -> PageLinks:
    """The link to the next page: the same query, its unset parts left out."""
    params = {key: value for key, value in query.items() if value is not None}
    return PageLinks(next=f"{path}?{urlencode(params)}")


def encode_cursor(kind: str, last_id: int) -> str:
    raw = f"{kind}:{last_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """The id a page of ``kind`` ended at; 422 for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, _, value = raw.partition(":")
        if tag != kind or not value.isascii() or not value.isdigit():
            raise ValueError(raw)
        position = int(value)
        if not 1 <= position <= LARGEST_ID:
            raise ValueError(raw)
        if encode_cursor(kind, position) != cursor:
            raise ValueError(raw)
        return position
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid(
            "query.cursor",
            "invalid_cursor",
            "The cursor is not one this API returned.",
            "the next_cursor of a previous page",
        ) from None
