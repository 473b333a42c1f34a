"""The public quote endpoint that catalog pages post to, and the leads API."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import anyio
import msgspec
from litestar import Controller, MediaType, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect
from litestar.types import Guard

from api.auth.principal import READ, WRITE, Principal, pim_enabled
from api.database import is_valid_slug, public_session, tenant_session
from api.errors import ApiError, FieldError, InvalidInput
from api.paging import next_link
from api.quotes import leads
from api.quotes.error_page import error_page_context
from api.quotes.form import (
    FORM_TYPES,
    MULTIPART,
    FormPost,
    UnreadableForm,
    from_multipart,
    read_urlencoded,
    to_quote,
)
from api.quotes.service import (
    QuoteIn,
    QuoteOut,
    create_lead,
    product_names,
)
from api.quotes.site_page import render_site_page
from api.request_body import (
    body_required,
    is_json,
    read_json,
    unsupported_media_type,
)
from api.settings import get_settings
from api.tenants.service import get_org
from api.tenants.site import quote_path, site_channel, site_theme
from sitegen.model import SiteConfig
from sitegen.urls import thanks_path

ERROR_TEMPLATE = "quote_error.html"
FALLBACK_LOCALE = "en_US"


class _Site(msgspec.Struct):
    name: str
    theme: str
    channel: str
    locales: list[str]

    @property
    def default_locale(self) -> str:
        return self.locales[0] if self.locales else FALLBACK_LOCALE


def _site(org_slug: str) -> _Site:
    with public_session() as db:
        # A slug that could never be valid (say "%00") is looked up nowhere.
        org = get_org(db, org_slug) if is_valid_slug(org_slug) else None
        if org is None or not org.pim_enabled:
            raise ApiError(
                404, "organization_not_found", f"No catalog {org_slug!r} exists."
            )
        channel = site_channel(org.settings)
        name = org.name
        theme = site_theme(org.settings)
    from api.catalog.models import Channel

    with tenant_session(org_slug) as db:
        row = db.get(Channel, channel)
        locales = list(row.locales) if row else []
    return _Site(name=name, theme=theme, channel=channel, locales=locales)


def _decode_json(request: Request[Any, Any, Any], raw: bytes) -> QuoteIn:
    """A JSON quote, read and refused as every other JSON body of the API."""
    if not raw.strip():
        raise body_required()
    if not is_json(request.content_type):
        forms = " or ".join(sorted(FORM_TYPES))
        raise unsupported_media_type(
            request.headers.get("content-type"),
            sent="the quote",
            accepted=f"application/json or a form post ({forms})",
            declared="The body is neither JSON nor a form",
        )
    return msgspec.convert(read_json(raw, QuoteIn), QuoteIn, strict=True)


async def _store(
    org_slug: str, site: _Site, body: QuoteIn, reported: list[FieldError]
) -> None:
    def store() -> None:
        with tenant_session(org_slug) as db:
            # A filled honeypot is checked like any request, then dropped,
            # and answered exactly as a stored one: a bot learns nothing.
            create_lead(
                db,
                body,
                site.channel,
                site.locales,
                store=not body.website,
                reported=reported,
            )

    await anyio.to_thread.run_sync(store)


async def _json_quote(
    request: Request[Any, Any, Any], org_slug: str, site: _Site
) -> Response[Any]:
    body = _decode_json(request, await request.body())
    await _store(org_slug, site, body, [])
    return Response(QuoteOut(status="received"), status_code=201)


async def _read_form(request: Request[Any, Any, Any]) -> FormPost:
    raw = await request.body()
    if request.content_type[0] != MULTIPART:
        return read_urlencoded(raw)
    try:
        form = await request.form()
    except (ClientException, UnicodeDecodeError, LookupError) as exc:
        # Litestar decodes every part at once, so one part that is not text
        # in its declared charset makes the whole body unreadable.
        raise UnreadableForm(str(exc)) from exc
    return from_multipart(list(form.multi_items()))


def _error_page(
    org_slug: str,
    site: _Site,
    *,
    status: int,
    locale: str,
    post: FormPost | None = None,
    errors: list[FieldError] | None = None,
    names: dict[str, str] | None = None,
    problem: str | None = None,
) -> Response[str]:
    config = SiteConfig(
        org_slug=org_slug,
        org_name=site.name,
        base_url=get_settings().public_base_url,
        channel=site.channel,
        locales=site.locales or [FALLBACK_LOCALE],
        quote_url=quote_path(org_slug),
        theme=site.theme,
    )
    data = error_page_context(
        org=org_slug,
        locale=locale,
        action=config.quote_url,
        post=post,
        errors=errors or [],
        names=names or {},
        problem=problem,
    )
    return Response(
        render_site_page(config, ERROR_TEMPLATE, data),
        status_code=status,
        media_type=MediaType.HTML,
        # The page repeats what the shopper typed: keep it out of caches.
        headers={"Cache-Control": "no-store"},
    )


async def _form_quote(
    request: Request[Any, Any, Any], org_slug: str, site: _Site
) -> Response[Any]:
    """A form post: 303 to the thank-you page, or the form again with errors."""
    locale = site.default_locale
    try:
        post = await _read_form(request)
    except RequestEntityTooLarge:
        problem = "quote_error_too_large"
        return _error_page(org_slug, site, status=413, locale=locale, problem=problem)
    except UnreadableForm:
        problem = "quote_error_unreadable_body"
        return _error_page(org_slug, site, status=400, locale=locale, problem=problem)
    body, reported = to_quote(post)
    known = body.locale in site.locales
    locale = body.locale if known and body.locale else locale
    body = msgspec.structs.replace(body, locale=locale if known else None)
    try:
        await _store(org_slug, site, body, reported)
    except InvalidInput as exc:

        def names() -> dict[str, str]:
            with tenant_session(org_slug) as db:
                skus = [item.sku for item in body.items]
                return product_names(db, site.channel, skus, locale)

        unreadable = any(e.code == "invalid_encoding" for e in exc.errors)
        return _error_page(
            org_slug,
            site,
            status=400 if unreadable else 422,
            locale=locale,
            post=post,
            errors=exc.errors,
            names=await anyio.to_thread.run_sync(names),
        )
    return Redirect(thanks_path(org_slug, locale), status_code=303)


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

    JSON bodies answer 201, or an error in the usual JSON shape. Form posts
    (urlencoded or multipart) answer 303 to the catalog's thank-you page, or
    an HTML page in the shopper's language that shows the form again with
    what needs correcting (422; 400 when a field is not UTF-8 text). Every
    item must be a published product.
    """
    site = await anyio.to_thread.run_sync(_site, org_slug)
    if request.content_type[0] in FORM_TYPES:
        return await _form_quote(request, org_slug, site)
    return await _json_quote(request, org_slug, site)


class LeadController(Controller):
    """Quote requests as leads, for the organisation's sales team."""

    path = "/api/v1/leads"
    # Leads live in the schema that enabling PIM creates.
    guards: ClassVar[list[Guard]] = [pim_enabled]
    tags: ClassVar[list[str]] = ["leads"]

    @get("/", sync_to_thread=True)
    def list_leads(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        status: Annotated[
            str | None, QueryParameter(description=leads.ONE_OF_STATUSES)
        ] = None,
        limit: Annotated[int, QueryParameter(description="at most 100")] = 20,
        cursor: FromQuery[str | None] = None,
    ) -> leads.LeadPage:
        """Leads, newest first; follow ``next_cursor`` for older ones."""
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            page = leads.list_leads(db, status=status, limit=limit, cursor=cursor)
        if page.next_cursor:
            query = {"status": status, "limit": limit, "cursor": page.next_cursor}
            page.links = next_link(request.url.path, query)
        return page

    # The id is read as text so that "/leads/abc" is a lead that does not
    # exist, like "/leads/999", rather than a route that does not.
    @get("/{lead_id:str}", sync_to_thread=True)
    def get_lead(
        self, pim: NamedDependency[Principal], lead_id: FromPath[str]
    ) -> leads.LeadOut:
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            return leads.lead_out(leads.get_lead(db, lead_id))

    @patch("/{lead_id:str}", sync_to_thread=True)
    def patch_lead(
        self,
        pim: NamedDependency[Principal],
        lead_id: FromPath[str],
        data: JSONBody[leads.LeadPatch],
    ) -> leads.LeadOut:
        """Move a lead along: ``{"status": "contacted"}``."""
        pim.require(WRITE)
        with tenant_session(pim.org_slug) as db:
            return leads.lead_out(leads.set_status(db, lead_id, data))
