"""Engine, embedded PostgreSQL and per-tenant sessions.

Tenant tables are declared in the placeholder schema ``tenant``; a session for
an organisation maps it onto that organisation's schema with SQLAlchemy's
``schema_translate_map``. Nothing relies on ``search_path``, so a pooled
connection never carries one tenant into another's request.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.settings import get_settings

log = logging.getLogger(__name__)

TENANT = "tenant"
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")


def is_valid_slug(slug: str) -> bool:
    return bool(_SLUG.match(slug))


def tenant_schema(org_slug: str) -> str:
    """Schema name of an organisation; slugs are validated, so this is safe."""
    if not is_valid_slug(org_slug):
        raise ValueError(f"invalid organisation slug {org_slug!r}")
    return "org_" + org_slug.replace("-", "_")


@lru_cache(maxsize=1)
def database_url() -> str:
    """The SQLAlchemy URL, starting the embedded server when none is set."""
    settings = get_settings()
    raw = settings.database_url
    if not raw:
        import pgserver

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        log.info("starting embedded PostgreSQL in %s", settings.data_dir / "pgdata")
        server = pgserver.get_server(settings.data_dir / "pgdata", cleanup_mode=None)
        raw = server.get_uri()
    return str(make_url(raw).set(drivername="postgresql+psycopg"))


def libpq_url(url: str | None = None) -> str:
    """The same database as a plain libpq connection string."""
    return (
        make_url(url or database_url())
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return create_engine(database_url(), pool_pre_ping=True, pool_size=10)


def reset_engine() -> None:
    """Forget the cached engine (tests point the settings at a new database)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    database_url.cache_clear()
    get_settings.cache_clear()


_public_sessions = sessionmaker(expire_on_commit=False)


@contextmanager
def public_session() -> Iterator[Session]:
    """A transaction on the platform tables; commits on success."""
    with _public_sessions(bind=get_engine()) as session, session.begin():
        yield session


def tenant_engine(org_slug: str) -> Engine:
    return get_engine().execution_options(
        schema_translate_map={TENANT: tenant_schema(org_slug)}
    )


@contextmanager
def tenant_session(org_slug: str) -> Iterator[Session]:
    """A transaction on one organisation's schema; commits on success."""
    with _public_sessions(bind=tenant_engine(org_slug)) as session, session.begin():
        yield session
