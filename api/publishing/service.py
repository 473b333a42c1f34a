"""Publishing: channel-view snapshots and the render they trigger.

Every change to what a channel shows writes ``pim_channel_views`` rows and
queues the site render in the same transaction, so either both happen or
neither does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import BigInteger, ColumnElement, Text, any_, delete, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from api.catalog.models import Channel, Product
from api.catalog.values import CatalogRules
from api.errors import ApiError, FieldError, InvalidInput, one_of
from api.publishing.models import ChannelView
from api.publishing.views import ViewBuilder
from sitegen.model import ProductView, view_decoder, view_encoder

BATCH = 500


class PublishResult(msgspec.Struct):
    channels: list[str]
    published: list[str] = []
    unpublished: list[str] = []
    unchanged: list[str] = []
    not_published: list[str] = []  # asked to unpublish, but in none of the channels
    skipped: dict[str, str] = {}  # sku -> reason
    render_queued: bool = False


def _any_of(values: Sequence[Any], item_type: Any) -> ColumnElement[Any]:
    """``= ANY(array)`` with one array parameter rather than one parameter per
    value: a bulk request may name more SKUs than a statement can carry."""
    return any_(literal(list(values), ARRAY(item_type)))


def _sku_in(skus: Sequence[str]) -> ColumnElement[bool]:
    # No stored SKU holds a NUL, and PostgreSQL refuses to compare with one.
    return Product.sku == _any_of([s for s in skus if "\x00" not in s], Text)


def check_channels(db: Session, codes: Sequence[str]) -> list[Channel]:
    if not codes:
        raise InvalidInput(
            [
                FieldError(
                    "$.channels",
                    "channels_required",
                    "Name at least one channel.",
                    "a non-empty list of channel codes",
                )
            ]
        )
    known = {c.code: c for c in db.scalars(select(Channel))}
    errors = [
        FieldError(
            f"$.channels[{i}]",
            "unknown_channel",
            f"Channel {code!r} does not exist.",
            one_of(known, "channel"),
        )
        for i, code in enumerate(codes)
        if code not in known
    ]
    if errors:
        raise InvalidInput(errors)
    return [known[c] for c in dict.fromkeys(codes)]


def publications_of(
    db: Session, product_ids: Sequence[int]
) -> dict[int, dict[str, datetime]]:
    found: dict[int, dict[str, datetime]] = {}
    for product_id, channel, at in db.execute(
        select(
            ChannelView.product_id, ChannelView.channel_code, ChannelView.published_at
        ).where(ChannelView.product_id.in_(product_ids))
    ):
        found.setdefault(product_id, {})[channel] = at
    return found


def publish(
    db: Session,
    org: str,
    channel_codes: Sequence[str],
    *,
    skus: Sequence[str] | None = None,
    strict: bool = True,
) -> PublishResult:
    """Snapshot products into channels; ``skus=None`` means every product.

    With ``strict``, an unknown or disabled SKU fails the whole request;
    otherwise it is skipped and reported.
    """
    channels = check_channels(db, channel_codes)
    query = select(Product).order_by(Product.id)
    if skus is not None:
        query = query.where(_sku_in(skus))
    products = list(db.scalars(query))
    result = PublishResult(channels=[c.code for c in channels])
    if skus is not None:
        found = {p.sku for p in products}
        missing = [s for s in dict.fromkeys(skus) if s not in found]
        if missing and strict:
            raise ApiError(
                404, "product_not_found", f"No product with SKU {missing[0]!r} exists."
            )
        for sku in missing:
            result.skipped[sku] = "product_not_found"
    disabled = [p for p in products if not p.enabled]
    if disabled and strict:
        raise ApiError(
            409,
            "product_disabled",
            f"Product {disabled[0].sku!r} is disabled; enable it before publishing.",
        )
    for product in disabled:
        result.skipped[product.sku] = "product_disabled"
    products = [p for p in products if p.enabled]
    builder = ViewBuilder(db, CatalogRules.load(db))
    now = datetime.now(UTC)
    for channel in channels:
        for start in range(0, len(products), BATCH):
            batch = products[start : start + BATCH]
            views = builder.build(batch, channel, now)
            current = _current_documents(db, channel.code, [p.id for p in batch])
            rows = []
            for product in batch:
                view = views[product.id]
                if _same_content(current.get(product.id), view):
                    result.unchanged.append(product.sku)
                    continue
                rows.append(
                    {
                        "channel_code": channel.code,
                        "product_id": product.id,
                        "sku": product.sku,
                        "document": view_encoder.encode(view),
                        "published_at": now,
                    }
                )
                result.published.append(product.sku)
            if rows:
                statement = insert(ChannelView)
                db.execute(
                    statement.on_conflict_do_update(
                        index_elements=["channel_code", "product_id"],
                        set_={
                            "sku": statement.excluded.sku,
                            "document": statement.excluded.document,
                            "published_at": statement.excluded.published_at,
                        },
                    ),
                    rows,
                )
        if result.published:
            queue_render(db, org, channel.code)
            result.render_queued = True
    return result


def unpublish(
    db: Session,
    org: str,
    channel_codes: Sequence[str],
    *,
    skus: Sequence[str] | None,
    strict: bool = True,
) -> PublishResult:
    """Remove products from channels; unknown SKUs fail, or are skipped when
    not ``strict``. A product no channel showed is listed in
    ``not_published``, and a channel that loses nothing is not re-rendered."""
    channels = check_channels(db, channel_codes)
    result = PublishResult(channels=[c.code for c in channels])
    ids: dict[int, str] = {}
    found: set[str] = set()
    if skus is not None:
        query = select(Product.id, Product.sku).where(_sku_in(skus))
        ids = dict(db.execute(query).all())
        found = set(ids.values())
        missing = [s for s in dict.fromkeys(skus) if s not in found]
        if missing and strict:
            raise ApiError(
                404, "product_not_found", f"No product with SKU {missing[0]!r} exists."
            )
        for sku in missing:
            result.skipped[sku] = "product_not_found"
    removed: set[str] = set()
    for channel in channels:
        statement = delete(ChannelView).where(ChannelView.channel_code == channel.code)
        if skus is not None:
            statement = statement.where(
                ChannelView.product_id == _any_of(list(ids), BigInteger)
            )
        gone = list(db.scalars(statement.returning(ChannelView.sku)))
        removed.update(gone)
        if gone:
            queue_render(db, org, channel.code)
            result.render_queued = True
    result.unpublished = sorted(removed)
    result.not_published = [
        s for s in dict.fromkeys(skus or ()) if s in found and s not in removed
    ]
    return result


def _current_documents(
    db: Session, channel: str, product_ids: list[int]
) -> dict[int, bytes]:
    return dict(
        db.execute(
            select(ChannelView.product_id, ChannelView.document).where(
                ChannelView.channel_code == channel,
                ChannelView.product_id.in_(product_ids),
            )
        ).all()
    )


def _same_content(document: bytes | None, view: ProductView) -> bool:
    """Whether a republish would show nothing new (an edit may change no value)."""
    if document is None:
        return False
    old = view_decoder.decode(document)
    return (
        msgspec.structs.replace(
            old, published_at=view.published_at, updated_at=view.updated_at
        )
        == view
    )


def channel_views(db: Session, channel: str) -> list[ProductView]:
    return [
        view_decoder.decode(document)
        for document in db.scalars(
            select(ChannelView.document)
            .where(ChannelView.channel_code == channel)
            .order_by(ChannelView.product_id)
        )
    ]


def queue_render(db: Session, org: str, channel: str) -> None:
    """Queue the site render inside the caller's transaction."""
    from api.jobs import defer_render

    defer_render(db, org, channel)
