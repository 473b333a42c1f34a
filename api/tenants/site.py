"""The public site part of an organisation's settings (``settings.site``).

It holds what a render of the organisation's catalog needs to know beyond
its published products: the channel the site is built from, its theme and
the public address its pages live under (``base_url``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from api.errors import invalid
from api.tenants.models import Organization

DEFAULT_SITE_CHANNEL = "web"
BASE_URL_EXPECTED = "an absolute http(s) address such as https://shop.example"


def site_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    return dict((settings or {}).get("site") or {})


def site_channel(settings: dict[str, Any] | None) -> str:
    return str(site_settings(settings).get("channel") or DEFAULT_SITE_CHANNEL)


def site_base_url(settings: dict[str, Any] | None, fallback: str) -> str:
    """The origin of the organisation's pages, or ``fallback`` when unset."""
    return str(site_settings(settings).get("base_url") or fallback).rstrip("/")


def checked_base_url(url: str) -> str:
    """``url`` without its trailing slash, once known to be an http(s) origin
    (optionally with a path); 422 ``invalid_base_url`` otherwise."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or any(c.isspace() or not c.isprintable() for c in text)
    ):
        raise invalid(
            "$.site.base_url",
            "invalid_base_url",
            f"{url!r} is not a public base URL.",
            BASE_URL_EXPECTED,
        )
    return text.rstrip("/")


def set_site(db: Session, org: Organization, **changes: Any) -> None:
    """Merge ``changes`` into the site settings; a None value removes a key."""
    site = site_settings(org.settings)
    for key, value in changes.items():
        if value is None:
            site.pop(key, None)
        else:
            site[key] = value
    org.settings = {**(org.settings or {}), "site": site}
    db.flush()
