"""Background work on the PostgreSQL job queue (procrastinate).

Jobs are queued inside the caller's transaction through ``defer_app``, whose
connector is never opened: it only borrows the transaction's connection.
Workers use ``worker_app()``, which opens its own pool.

Renders of one organisation's site never run at once, wherever they start
(a worker's job, ``pim publish``, ``pim build``): each holds a PostgreSQL
advisory lock of that organisation for the whole render. A render covers
every render job of its organisation queued before it read the catalog, so
it takes those jobs off the queue; rendering is idempotent, so a job that
runs anyway changes nothing visible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

import procrastinate
from procrastinate.manager import JobManager
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from api.catalog.locks import advisory_key
from api.catalog.models import Category, Channel
from api.database import get_engine, libpq_url, public_session, tenant_session
from api.settings import get_settings
from api.tenants.service import get_org
from api.tenants.site import (
    DEFAULT_SITE_CHANNEL,
    site_base_url,
    site_channel,
    site_quote_url,
    site_theme,
)
from sitegen.model import CategoryView, SiteConfig

if TYPE_CHECKING:
    from sitegen.build import BuildReport

__all__ = [
    "DEFAULT_SITE_CHANNEL",
    "defer_render",
    "drain",
    "render_site",
    "site_channel",
    "site_render_lock",
    "worker_app",
]

log = logging.getLogger(__name__)

RENDER_TASK = "render_site"
# First key of the two-key advisory locks that serialise site renders; the
# second is derived from the organisation's slug.
RENDER_LOCK_SPACE = 0x5349_5445

defer_app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())


def render_job_lock(org: str) -> str:
    """The procrastinate lock of ``org``'s render jobs: one runs at a time."""
    return f"site:{org}"


def defer_render(db: Session, org: str, channel: str) -> None:
    """Queue a render of ``org``'s site in the transaction of ``db``."""
    connection = db.connection().connection.driver_connection
    defer_app.configure_task(
        RENDER_TASK, lock=render_job_lock(org), connection=connection
    ).defer(org=org, channel=channel)


@contextmanager
def site_render_lock(org: str) -> Iterator[None]:
    """Hold the lock every render of ``org``'s site takes; waits for it."""
    keys = {"space": RENDER_LOCK_SPACE, "key": advisory_key(org)}
    with get_engine().connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("SELECT pg_advisory_lock(:space, :key)"), keys)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:space, :key)"), keys)


@contextmanager
def _job_manager() -> Iterator[JobManager]:
    connector = procrastinate.SyncPsycopgConnector(
        conninfo=libpq_url(), min_size=1, max_size=1
    )
    with procrastinate.App(connector=connector).open() as app:
        yield app.job_manager


def render_site(org: str, channel: str | None = None) -> BuildReport | None:
    """Rebuild ``org``'s public catalog from its published channel views.

    Returns the build report, or None when the organisation has no catalog
    or ``channel`` is not the channel the site is built from. Errors of the
    generator propagate.
    """
    with public_session() as db:
        organization = get_org(db, org)
        if organization is None or not organization.pim_enabled:
            log.warning("render skipped: %s has no catalog", org)
            return None
        wanted = site_channel(organization.settings)
    if channel is not None and channel != wanted:
        log.info("render skipped: the %s site is built from %r", org, wanted)
        return None
    with site_render_lock(org), _job_manager() as jobs:
        covered = [
            job.id
            for job in jobs.list_jobs(
                task=RENDER_TASK, lock=render_job_lock(org), status="todo"
            )
            if job.id is not None
        ]
        report = _render(org)
        for job_id in covered:
            jobs.cancel_job_by_id(job_id, delete_job=True)
    if covered:
        log.info("render of %s covered %s queued job(s)", org, len(covered))
    return report


def _render(org: str) -> BuildReport | None:
    from api.publishing.service import channel_views
    from sitegen.build import build_site

    settings = get_settings()
    with public_session() as db:
        organization = get_org(db, org)
        if organization is None:
            return None
        org_name = organization.name
        theme = site_theme(organization.settings)
        quote_url = site_quote_url(organization.settings, org)
        wanted = site_channel(organization.settings)
        base_url = site_base_url(organization.settings, settings.public_base_url)
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
        base_url=base_url,
        channel=wanted,
        locales=locales,
        quote_url=quote_url,
        theme=theme,
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
    # A loop of parents stored earlier must not make the walk endless.
    seen = {root}
    stack: list[tuple[Category, str | None]] = [(row, None) for row in start]
    while stack:
        row, parent = stack.pop()
        if row.code in seen:
            continue
        seen.add(row.code)
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
