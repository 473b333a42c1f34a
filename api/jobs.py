"""Background work on the PostgreSQL job queue (procrastinate).

Jobs are queued inside the caller's transaction through ``defer_app``, whose
connector is never opened: it only borrows the transaction's connection.
Workers use ``worker_app()``, which opens its own pool. A render takes a lock
per organisation, so two renders of one site never run at once; rendering is
idempotent, so a job that runs twice changes nothing visible.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import procrastinate
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalog.models import Category, Channel
from api.database import libpq_url, public_session, tenant_session
from api.settings import get_settings
from api.tenants.service import get_org
from sitegen.model import CategoryView, SiteConfig

log = logging.getLogger(__name__)

RENDER_TASK = "render_site"
DEFAULT_SITE_CHANNEL = "web"

defer_app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())


def defer_render(db: Session, org: str, channel: str) -> None:
    """Queue a render of ``org``'s site in the transaction of ``db``."""
    connection = db.connection().connection.driver_connection
    defer_app.configure_task(
        RENDER_TASK, lock=f"site:{org}", connection=connection
    ).defer(org=org, channel=channel)


def site_channel(settings: dict[str, Any]) -> str:
    return str((settings.get("site") or {}).get("channel") or DEFAULT_SITE_CHANNEL)


def render_site(org: str, channel: str | None = None) -> Any:
    """Rebuild ``org``'s public catalog from its published channel views.

    Returns the build report, or None when ``channel`` is not the channel
    the site is built from.
    """
    from api.publishing.service import channel_views
    from sitegen.build import build_site

    settings = get_settings()
    with public_session() as db:
        organization = get_org(db, org)
        if organization is None or not organization.pim_enabled:
            log.warning("render skipped: %s has no catalog", org)
            return None
        org_name = organization.name
        site = organization.settings.get("site") or {}
        wanted = site_channel(organization.settings)
    if channel is not None and channel != wanted:
        log.info("render skipped: the %s site is built from %r", org, wanted)
        return None
    with tenant_session(org) as db:
        channel_row = db.get(Channel, wanted)
        if channel_row is None:
            log.warning("render skipped: %s has no channel %r", org, wanted)
            return None
        views = channel_views(db, wanted)
        categories = channel_categories(db, channel_row)
        locales = list(channel_row.locales) or ["en_US"]
    config = SiteConfig(
        org_slug=org,
        org_name=org_name,
        base_url=settings.public_base_url,
        channel=wanted,
        locales=locales,
        quote_url=str(site.get("quote_url") or f"/api/v1/catalog/{org}/quote"),
        theme=str(site.get("theme") or "default"),
        page_size=settings.page_size,
    )
    report = build_site(
        config,
        views,
        categories,
        build_root=settings.build_dir,
        templates_dir=settings.templates_dir,
        themes_dir=settings.themes_dir,
    )
    log.info("rendered %s: %s", org, report)
    return report


def channel_categories(db: Session, channel: Channel) -> list[CategoryView]:
    """The channel's category tree; the root's children are the top level."""
    rows = list(db.scalars(select(Category)))
    root = channel.category_tree
    children: dict[str | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_code, []).append(row)
    if root is None:
        start = [r for r in rows if r.parent_code is None]
    else:
        start = children.get(root, [])
    found: list[CategoryView] = []
    stack = [(row, None) for row in start]
    while stack:
        row, parent = stack.pop()
        found.append(
            CategoryView(
                code=row.code,
                parent=parent,
                labels=dict(row.labels or {}),
                sort_order=row.sort_order,
            )
        )
        stack.extend((child, row.code) for child in children.get(row.code, []))
    return sorted(found, key=lambda c: (c.sort_order, c.code))


def _render_task(org: str, channel: str) -> None:
    render_site(org, channel)


@lru_cache(maxsize=1)
def worker_app() -> procrastinate.App:
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url())
    )
    app.task(name=RENDER_TASK, retry=3, pass_context=False)(_render_task)
    return app


def drain() -> None:
    """Run every queued job, then return (command line and tests)."""
    worker_app().run_worker(
        wait=False, install_signal_handlers=False, listen_notify=False
    )
