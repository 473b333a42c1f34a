"""The public site part of an organisation's settings (``settings.site``).

It holds what a render of the organisation's catalog needs to know beyond
its published products: the channel the site is built from, its theme and
the public address its pages live under (``base_url``).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from api.errors import InvalidInput, invalid, shown
from api.tenants.models import Organization

log = logging.getLogger(__name__)

DEFAULT_SITE_CHANNEL = "web"
DEFAULT_THEME = "default"
BASE_URL_EXPECTED = "an absolute http(s) address such as https://shop.example"
# A host (a name, or an IPv6 address in brackets) and an optional port; a
# user part ("user@") is refused by not matching.
_NETLOC = re.compile(
    r"(?P<host>\[[^\]]*\]|[^:@\[\]]+)(?::(?P<port>[0-9]{1,5})?)?", re.ASCII
)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
# A path of plain URL characters (RFC 3986 without quotes): nothing that
# could end an HTML attribute, a line of robots.txt or an XML element.
_PATH = re.compile(r"(?:/(?:[A-Za-z0-9._~!$&()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*", re.ASCII)


def site_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    return dict((settings or {}).get("site") or {})


def site_channel(settings: dict[str, Any] | None) -> str:
    return str(site_settings(settings).get("channel") or DEFAULT_SITE_CHANNEL)


def site_theme(settings: dict[str, Any] | None) -> str:
    return str(site_settings(settings).get("theme") or DEFAULT_THEME)


def quote_path(org_slug: str) -> str:
    """Where a catalog page posts quotes: the API serves it on the same origin."""
    return f"/api/v1/catalog/{org_slug}/quote"


def site_quote_url(settings: dict[str, Any] | None, org_slug: str) -> str:
    """Where the site's quote forms post: a stored ``quote_url``, else the API's
    own quote endpoint."""
    return str(site_settings(settings).get("quote_url") or quote_path(org_slug))


def site_base_url(settings: dict[str, Any] | None, fallback: str) -> str:
    """The origin of the organisation's pages, or ``fallback`` when unset.

    A stored address that is not a base URL (written before addresses were
    checked) is never put into pages: the fallback stands in for it.
    """
    stored = site_settings(settings).get("base_url")
    if not stored:
        return fallback.rstrip("/")
    try:
        return checked_base_url(str(stored))
    except InvalidInput:
        log.warning("Ignoring stored base URL %r: not a public base URL", stored)
        return fallback.rstrip("/")


def _host(name: str) -> str | None:
    """``name`` as an ASCII host name or IP address, or None if it is none."""
    if name.startswith("["):
        try:
            address = ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            return None
        # A zone ("%eth0") names an interface of one machine, not a site.
        return None if address.scope_id else f"[{address.compressed}]"
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.fullmatch(x) for x in labels):
        return None
    return ascii_name


def _normalised_base_url(text: str) -> tuple[str | None, str]:
    """``text`` normalised as a base URL, or None and what is wrong with it."""
    if any(c.isspace() or not c.isprintable() for c in text):
        # urlsplit would drop tabs and newlines silently: refuse them first.
        return None, "it contains a space or a control character"
    if "?" in text or "#" in text:
        return None, "it may not carry a query (?) or a fragment (#)"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None, "it is not a URL"
    if parts.scheme not in ("http", "https"):
        return None, "its scheme must be http or https"
    netloc = _NETLOC.fullmatch(parts.netloc)
    host = _host(netloc["host"]) if netloc else None
    if netloc is None or host is None:
        return None, "it needs a host name or IP address, without a user part"
    port = int(netloc["port"]) if netloc["port"] else None
    if port is not None and not 1 <= port <= 65535:
        return None, "its port must be from 1 to 65535"
    if not _PATH.fullmatch(parts.path):
        return None, "its path may hold only URL characters, no quotes or brackets"
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    return origin + parts.path.rstrip("/"), ""


def checked_base_url(url: str) -> str:
    """``url`` as the origin of a site's pages, optionally with a path.

    The address is written into every page, the sitemap and robots.txt, so
    only an absolute http(s) URL of plain URL characters passes: no user,
    query or fragment, no quotes, spaces or control characters. Scheme and
    host come back lowercase and the path without its trailing slash;
    anything else is 422 ``invalid_base_url`` at ``$.site.base_url``.
    """
    normalised, problem = _normalised_base_url(url.strip())
    if normalised is None:
        raise invalid(
            "$.site.base_url",
            "invalid_base_url",
            f"{shown(url)} is not a public base URL: {problem}.",
            BASE_URL_EXPECTED,
        )
    return normalised


def set_site(db: Session, org: Organization, **changes: Any) -> None:
    """Merge ``changes`` into the site settings; a None value removes a key.

    A ``base_url`` is checked and stored normalised (:func:`checked_base_url`).
    """
    site = site_settings(org.settings)
    for key, value in changes.items():
        if value is None:
            site.pop(key, None)
        elif key == "base_url":
            site[key] = checked_base_url(str(value))
        else:
            site[key] = value
    org.settings = {**(org.settings or {}), "site": site}
    db.flush()
