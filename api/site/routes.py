"""Serving each organisation's generated catalog at ``/catalog/<orgSlug>/``.

In production a CDN or web server serves ``build/catalog`` directly; this
route gives the same behaviour to a single process: directory URLs map to
their ``index.html``, a directory without its trailing slash redirects, a
file asked for with one is missing, and anything missing answers a 404 page
with status 404: the one of the locale folder the address is under, else the
site's own.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from litestar import MediaType, Request, Response, get
from litestar.params import FromPath
from litestar.response import File, Redirect

from api.database import is_valid_slug
from api.settings import get_settings
from sitegen.urls import NOT_FOUND_PAGE

_PLAIN_404 = "<!doctype html><title>Not found</title><h1>Not found</h1>"
_TYPES = {".xml": "application/xml", ".txt": "text/plain"}
# A locale folder is named like "fr-fr"; nothing else may lend its 404 page.
_LOCALE_FOLDER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


def _requested_path(request: Request[Any, Any, Any]) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return unquote(raw.decode("latin-1").split("?", 1)[0])


def _not_found(site: Path | None, parts: list[str] | None = None) -> Response[Any]:
    """404 with the not-found page of the locale folder ``parts`` start in,
    else the site's, else a plain one."""
    pages = []
    if site is not None:
        if parts and _LOCALE_FOLDER.fullmatch(parts[0]):
            pages.append(site / parts[0] / NOT_FOUND_PAGE)
        pages.append(site / NOT_FOUND_PAGE)
    for page in pages:
        try:
            body = page.read_bytes()
        except OSError:
            continue
        return Response(body, status_code=404, media_type=MediaType.HTML)
    return Response(_PLAIN_404.encode(), status_code=404, media_type=MediaType.HTML)


def _serve(
    org: FromPath[str], path: FromPath[str], request: Request[Any, Any, Any]
) -> Response[Any]:
    if not is_valid_slug(org):
        return _not_found(None)
    live = get_settings().build_dir / "catalog" / org
    try:
        site = live.resolve(strict=True)
    except (OSError, RuntimeError):
        return _not_found(None)
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return _not_found(site, parts)
    target = site.joinpath(*parts)
    try:
        if target.is_dir():
            if path and not path.endswith("/"):
                return Redirect(f"{_requested_path(request)}/", status_code=301)
            target = target / "index.html"
        elif path.endswith("/"):
            # "sitemap.xml/" names a folder that does not exist; serving the
            # file there would give it a second URL.
            return _not_found(site, parts)
        if not target.is_file() or site not in target.resolve().parents:
            return _not_found(site, parts)
    except OSError:  # e.g. a name longer than the filesystem allows
        return _not_found(site, parts)
    if target.name == NOT_FOUND_PAGE:
        # A not-found page is only ever an answer, never a page of its own.
        return _not_found(site, parts)
    media_type = _TYPES.get(target.suffix) or (
        mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    )
    cache = (
        "public, max-age=31536000, immutable"
        if parts and parts[0] == "static"
        else "public, max-age=60"
    )
    return File(
        path=target,
        media_type=media_type,
        content_disposition_type="inline",
        headers={"Cache-Control": cache},
    )


@get(
    "/catalog/{org:str}",
    sync_to_thread=True,
    include_in_schema=False,
)
def site_root(org: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
    if not _requested_path(request).endswith("/"):
        live = get_settings().build_dir / "catalog" / org
        if not is_valid_slug(org) or not live.exists():
            return _not_found(None)
        return Redirect(f"{_requested_path(request)}/", status_code=301)
    return _serve(org, "", request)


@get("/catalog/{org:str}/{path:path}", sync_to_thread=True, include_in_schema=False)
def site_file(
    org: FromPath[str], path: FromPath[str], request: Request[Any, Any, Any]
) -> Response[Any]:
    # Routing drops the trailing slash; the raw path still has it.
    trailing = "/" if _requested_path(request).endswith("/") else ""
    return _serve(org, path.lstrip("/") + trailing, request)
