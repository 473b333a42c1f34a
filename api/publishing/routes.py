"""HTTP routes that publish products to channels and take them back."""

from __future__ import annotations

from typing import ClassVar

import msgspec
from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.auth.principal import PUBLISH, Principal, pim_enabled
from api.database import tenant_session
from api.errors import invalid
from api.publishing import service
from api.publishing.service import PublishResult

MAX_SKUS = 10_000


class ChannelsIn(msgspec.Struct, forbid_unknown_fields=True):
    channels: list[str]


class BulkPublishIn(msgspec.Struct, forbid_unknown_fields=True):
    """Either ``skus`` or ``all: true``; ``unpublish`` takes them back instead."""

    channels: list[str]
    skus: list[str] | None = None
    all: bool = False
    unpublish: bool = False


class PublishController(Controller):
    path = "/api/v1/pim"
    guards = (pim_enabled,)
    tags: ClassVar[list[str]] = ["publishing"]

    @post("/products/{sku:str}/publish", sync_to_thread=True, status_code=200)
    def publish_one(
        self,
        pim: NamedDependency[Principal],
        sku: FromPath[str],
        data: JSONBody[ChannelsIn],
    ) -> PublishResult:
        """Snapshot the product into the channels and queue their render."""
        pim.require(PUBLISH)
        with tenant_session(pim.org_slug) as db:
            return service.publish(db, pim.org_slug, data.channels, skus=[sku])

    @post("/products/{sku:str}/unpublish", sync_to_thread=True, status_code=200)
    def unpublish_one(
        self,
        pim: NamedDependency[Principal],
        sku: FromPath[str],
        data: JSONBody[ChannelsIn],
    ) -> PublishResult:
        """Remove the product from the channels; their sites drop its pages."""
        pim.require(PUBLISH)
        with tenant_session(pim.org_slug) as db:
            return service.unpublish(db, pim.org_slug, data.channels, skus=[sku])

    @post("/publish", sync_to_thread=True, status_code=200)
    def publish_many(
        self, pim: NamedDependency[Principal], data: JSONBody[BulkPublishIn]
    ) -> PublishResult:
        """Publish (or unpublish) many products, or all with ``all: true``.

        In bulk, unknown or disabled SKUs are skipped and listed in ``skipped``.
        """
        pim.require(PUBLISH)
        if data.all == (data.skus is not None):
            raise invalid(
                "$.skus",
                "skus_or_all",
                "Give either a list of SKUs or all: true.",
                "exactly one of skus, all",
            )
        if data.skus is not None and len(data.skus) > MAX_SKUS:
            raise invalid(
                "$.skus",
                "too_many_items",
                f"{len(data.skus)} SKUs in one request; at most {MAX_SKUS} are "
                'taken. Send them in batches, or publish every product with "all": '
                "true.",
                f"at most {MAX_SKUS} SKUs",
            )
        with tenant_session(pim.org_slug) as db:
            if data.unpublish:
                return service.unpublish(
                    db, pim.org_slug, data.channels, skus=data.skus, strict=False
                )
            return service.publish(
                db, pim.org_slug, data.channels, skus=data.skus, strict=False
            )
