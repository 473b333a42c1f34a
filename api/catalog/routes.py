"""HTTP routes of the catalog: structure (attributes, families, categories,
channels) and products."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeVar
from urllib.parse import quote, unquote_to_bytes

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UNSET
from sqlalchemy import select

from api.auth.principal import READ, WRITE, Principal, pim_enabled
from api.catalog import products, structure
from api.catalog.models import Attribute, Family
from api.catalog.schemas import (
    AttributeIn,
    AttributeOut,
    CategoryIn,
    CategoryOut,
    ChannelIn,
    ChannelOut,
    FamilyIn,
    FamilyOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
)
from api.database import tenant_session
from api.errors import ApiError, not_found, shown
from api.paging import next_link
from api.publishing.service import publications_of, queue_render, unpublish

T = TypeVar("T")


def _created(out: type) -> dict[int, ResponseSpec]:
    return {HTTP_201_CREATED: ResponseSpec(data_container=out, description="Created")}


def _answer(saved: structure.Saved[T]) -> Response[T]:
    """201 when the upsert created the row, 200 when it updated one."""
    status = HTTP_201_CREATED if saved.created else HTTP_200_OK
    return Response(saved.item, status_code=status)


def _sent_segment(request: Request[Any, Any, Any]) -> bytes:
    """The last segment of the address as the client sent it, still encoded."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return bytes(raw).rstrip(b"/").rsplit(b"/", 1)[-1]


def path_key(request: Request[Any, Any, Any], kind: str, name: str, key: str) -> str:
    """``key`` from the address, or 404 when the address spells no text.

    Bytes that are not UTF-8 reach the handler as U+FFFD; a message quoting
    that would name a key the client never sent, so it quotes the address.
    """
    if "\ufffd" not in key:
        return key
    segment = _sent_segment(request)
    try:
        unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        sent = segment.decode("ascii", "replace")
        raise ApiError(
            404,
            f"{kind}_not_found",
            f"No {kind} with {name} {shown(sent)} exists: the address does not "
            "decode to UTF-8 text.",
        ) from None
    return key


class StructureController(Controller):
    path = "/api/v1/pim"
    guards = (pim_enabled,)
    tags: ClassVar[list[str]] = ["catalog structure"]

    @get("/attributes", sync_to_thread=True)
    def list_attributes(self, pim: NamedDependency[Principal]) -> list[AttributeOut]:
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            codes = list(
                db.scalars(
                    select(Attribute.code).order_by(
                        Attribute.sort_order, Attribute.code
                    )
                )
            )
            return [structure.attribute_out(db, code) for code in codes]

    @get("/attributes/{code:str}", sync_to_thread=True)
    def get_attribute(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        code: FromPath[str],
    ) -> AttributeOut:
        pim.require(READ)
        code = path_key(request, "attribute", "code", code)
        with tenant_session(pim.org_slug) as db:
            if not products.can_exist(code) or db.get(Attribute, code) is None:
                raise not_found("attribute", code)
            return structure.attribute_out(db, code)

    @post(
        "/attributes",
        sync_to_thread=True,
        status_code=HTTP_200_OK,
        responses=_created(AttributeOut),
    )
    def put_attribute(
        self, pim: NamedDependency[Principal], data: JSONBody[AttributeIn]
    ) -> Response[AttributeOut]:
        """Create an attribute, or update it when the code exists."""
        pim.require(WRITE)
        with tenant_session(pim.org_slug) as db:
            return _answer(structure.save_attribute(db, data))

    @get("/families", sync_to_thread=True)
    def list_families(self, pim: NamedDependency[Principal]) -> list[FamilyOut]:
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            codes = list(db.scalars(select(Family.code).order_by(Family.code)))
            return [structure.family_out(db, code) for code in codes]

    @get("/families/{code:str}", sync_to_thread=True)
    def get_family(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        code: FromPath[str],
    ) -> FamilyOut:
        pim.require(READ)
        code = path_key(request, "family", "code", code)
        with tenant_session(pim.org_slug) as db:
            if not products.can_exist(code) or db.get(Family, code) is None:
                raise not_found("family", code)
            return structure.family_out(db, code)

    @post(
        "/families",
        sync_to_thread=True,
        status_code=HTTP_200_OK,
        responses=_created(FamilyOut),
    )
    def put_family(
        self, pim: NamedDependency[Principal], data: JSONBody[FamilyIn]
    ) -> Response[FamilyOut]:
        """Create a family, or replace its definition when the code exists."""
        pim.require(WRITE)
        with tenant_session(pim.org_slug) as db:
            return _answer(structure.save_family(db, data))

    @get("/categories", sync_to_thread=True)
    def list_categories(self, pim: NamedDependency[Principal]) -> list[CategoryOut]:
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            return structure.list_categories(db)

    @post(
        "/categories",
        sync_to_thread=True,
        status_code=HTTP_200_OK,
        responses=_created(CategoryOut),
    )
    def put_category(
        self, pim: NamedDependency[Principal], data: JSONBody[CategoryIn]
    ) -> Response[CategoryOut]:
        """Create a category, or move and relabel it when the code exists."""
        pim.require(WRITE)
        with tenant_session(pim.org_slug) as db:
            return _answer(structure.save_category(db, data))

    @get("/channels", sync_to_thread=True)
    def list_channels(self, pim: NamedDependency[Principal]) -> list[ChannelOut]:
        pim.require(READ)
        with tenant_session(pim.org_slug) as db:
            return structure.list_channels(db)

    @post(
        "/channels",
        sync_to_thread=True,
        status_code=HTTP_200_OK,
        responses=_created(ChannelOut),
    )
    def put_channel(
        self, pim: NamedDependency[Principal], data: JSONBody[ChannelIn]
    ) -> Response[ChannelOut]:
        """Create a channel, or update it when the code exists."""
        pim.require(WRITE)
        with tenant_session(pim.org_slug) as db:
            return _answer(structure.save_channel(db, data))


def _refuse_slash_sku(request: Request[Any, Any, Any]) -> None:
    """404 for ``/products/%2F``: the server decodes it into this list's own
    address, but the client asked for one product, and no SKU holds '/'."""
    raw = bytes(request.scope.get("raw_path") or b"")
    _, found, sent = raw.partition(b"/products/")
    if found and sent:
        sku = unquote_to_bytes(sent).decode("utf-8", "replace")
        raise products.product_not_found(sku)


class ProductController(Controller):
    path = "/api/v1/pim/products"
    guards = (pim_enabled,)
    tags: ClassVar[list[str]] = ["products"]

    @get("/", sync_to_thread=True)
    def list_products(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        q: FromQuery[str | None] = None,
        family: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(description="at most 100")] = 20,
        cursor: Annotated[
            str | None, QueryParameter(description="opaque, from next_cursor")
        ] = None,
    ) -> ProductPage:
        """Products in creation order; follow ``next_cursor`` for more."""
        pim.require(READ)
        _refuse_slash_sku(request)
        with tenant_session(pim.org_slug) as db:
            page = products.list_products(
                db, q=q, family=family, category=category, limit=limit, cursor=cursor
            )
        if page.next_cursor:
            query = {
                "q": q,
                "family": family,
                "category": category,
                "limit": limit,
                "cursor": page.next_cursor,
            }
            page.links = next_link(request.url.path, query)
        return page

    @post("/", sync_to_thread=True, status_code=HTTP_201_CREATED)
    def create_product(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        data: JSONBody[ProductIn],
    ) -> Response[ProductOut]:
        pim.require(WRITE)
        _refuse_slash_sku(request)
        with tenant_session(pim.org_slug) as db:
            product = products.create_product(db, data)
            body = products.product_out(db, product)
        return Response(
            body,
            status_code=HTTP_201_CREATED,
            headers={"Location": f"/api/v1/pim/products/{quote(product.sku, safe='')}"},
        )

    @get("/{sku:str}", sync_to_thread=True)
    def get_product(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        sku: FromPath[str],
    ) -> ProductOut:
        pim.require(READ)
        sku = path_key(request, "product", "SKU", sku)
        with tenant_session(pim.org_slug) as db:
            product = products.get_product(db, sku)
            return products.product_out(
                db, product, publications_of(db, [product.id]).get(product.id)
            )

    @patch("/{sku:str}", sync_to_thread=True)
    def patch_product(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        sku: FromPath[str],
        data: JSONBody[ProductPatch],
    ) -> ProductOut:
        """Merge-patch: given fields replace, values merge per locale and scope."""
        pim.require(WRITE)
        sku = path_key(request, "product", "SKU", sku)
        with tenant_session(pim.org_slug) as db:
            if products.changes_parent_links(data):
                products.lock_parent_links(db)
            current = products.get_product(db, sku, lock=True)
            published = publications_of(db, [current.id]).get(current.id, {})
            if published and data.sku not in (UNSET, sku):
                raise ApiError(
                    409,
                    "product_published",
                    f"Product {sku!r} is published to {', '.join(sorted(published))}; "
                    "unpublish it before changing its SKU.",
                )
            product = products.patch_product(db, sku, data)
            if published and not product.enabled:
                # A disabled product leaves every channel that showed it.
                unpublish(db, pim.org_slug, sorted(published), skus=[product.sku])
            return products.product_out(
                db, product, publications_of(db, [product.id]).get(product.id)
            )

    @delete("/{sku:str}", sync_to_thread=True, status_code=HTTP_204_NO_CONTENT)
    def delete_product(
        self,
        pim: NamedDependency[Principal],
        request: Request[Any, Any, Any],
        sku: FromPath[str],
    ) -> None:
        """Delete a product; channels that published it re-render without it."""
        pim.require(WRITE)
        sku = path_key(request, "product", "SKU", sku)
        with tenant_session(pim.org_slug) as db:
            products.lock_parent_links(db)
            product = products.get_product(db, sku, lock=True)
            channels = publications_of(db, [product.id]).get(product.id, {})
            products.delete_product(db, sku)
            for channel in channels:
                queue_render(db, pim.org_slug, channel)
