"""The public quote endpoint that catalog pages post to."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs

import anyio
import msgspec
from litestar import MediaType, Request, Response, post
from litestar.params import FromPath
from litestar.response import Redirect

from api.database import public_session, tenant_session
from api.errors import ApiError, FieldError, InvalidInput, field_error
from api.jobs import site_channel
from api.quotes.service import QuoteIn, QuoteOut, create_lead, from_form
from api.settings import get_settings
from api.tenants.service import get_org
from sitegen.urls import thanks_path

FORM_TYPE = "application/x-www-form-urlencoded"


class _Site(msgspec.Struct):
    channel: str
    locales: list[str]


def _site(org_slug: str) -> _Site:
    with public_session() as db:
        org = get_org(db, org_slug)
        if org is None or not org.pim_enabled:
            raise ApiError(
                404, "organization_not_found", f"No catalog {org_slug!r} exists."
            )
        channel = site_channel(org.settings)
    from api.catalog.models import Channel

    with tenant_session(org_slug) as db:
        row = db.get(Channel, channel)
        locales = list(row.locales) if row else []
    return _Site(channel=channel, locales=locales)


def _decode(raw: bytes, content_type: str) -> QuoteIn:
    try:
        if content_type == FORM_TYPE:
            fields = parse_qs(
                raw.decode("utf-8"), keep_blank_values=True, errors="strict"
            )
            return msgspec.convert(from_form(fields), QuoteIn)
        if content_type != "application/json":
            raise ApiError(
                415,
                "unsupported_media_type",
                "Send the quote as application/json or as a form post.",
            )
        return msgspec.json.decode(raw, type=QuoteIn)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "malformed_body", "The body is not UTF-8 text.") from exc
    except msgspec.ValidationError as exc:
        raise InvalidInput([field_error(str(exc))]) from exc
    except msgspec.DecodeError as exc:
        raise ApiError(
            400, "malformed_json", f"The body is not valid JSON: {exc}"
        ) from exc


def _error_page(errors: list[FieldError], status: int) -> Response[str]:
    items = "".join(f"<li>{escape(e.message)}</li>" for e in errors)
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<title>Quote request not sent</title>"
        "<h1>Your quote request was not sent</h1>"
        f"<ul>{items}</ul>"
        "<p><a href='javascript:history.back()'>Go back</a> and correct the form.</p>"
        "</html>"
    )
    return Response(html, status_code=status, media_type=MediaType.HTML)


@post(
    "/api/v1/catalog/{org_slug:str}/quote",
    tags=["catalog"],
    request_max_body_size=get_settings().max_quote_bytes,
    status_code=201,
)
async def quote(
    request: Request[Any, Any, Any], org_slug: FromPath[str]
) -> Response[Any]:
    """Turn a shopper's quote request into a lead of the organisation.

    JSON bodies answer 201 with the lead id; form posts answer 303 to the
    catalog's thank-you page. Every item must be a published product.
    """
    site = await anyio.to_thread.run_sync(_site, org_slug)
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    is_form = content_type.lower() == FORM_TYPE
    raw = await request.body()
    try:
        body = _decode(raw, content_type.lower())
        if is_form and body.locale not in site.locales:
            body = msgspec.structs.replace(body, locale=None)

        def store() -> None:
            with tenant_session(org_slug) as db:
                # A filled honeypot is checked like any request, then dropped,
                # and answered exactly as a stored one: a bot learns nothing.
                create_lead(
                    db, body, site.channel, site.locales, store=not body.website
                )

        await anyio.to_thread.run_sync(store)
    except InvalidInput as exc:
        if is_form:
            return _error_page(exc.errors, 422)
        raise
    if is_form:
        locale = body.locale or (site.locales[0] if site.locales else "en_US")
        return Redirect(thanks_path(org_slug, locale), status_code=303)
    return Response(QuoteOut(status="received"), status_code=201)
