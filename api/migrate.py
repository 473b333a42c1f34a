"""Applies the Alembic histories: ``public`` once, then each tenant schema."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from api.database import get_engine, tenant_schema
from api.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

MIGRATIONS = PROJECT_ROOT / "migrations"
# Serialises concurrent migrators (several workers starting at once).
_LOCK_KEY = 0x5049_4D00


def _config(history: str, connection: Connection, **attributes: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / history))
    config.attributes["connection"] = connection
    config.attributes.update(attributes)
    return config


def migrate_public() -> None:
    with get_engine().begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        command.upgrade(_config("public", connection), "head")


def migrate_tenant(org_slug: str, connection: Connection | None = None) -> None:
    """Create (if needed) and upgrade one organisation's schema."""
    schema = tenant_schema(org_slug)
    if connection is None:
        with get_engine().begin() as own:
            _migrate_tenant(own, schema)
    else:
        _migrate_tenant(connection, schema)


def _migrate_tenant(connection: Connection, schema: str) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY + 1})
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    command.upgrade(_config("tenant", connection, schema=schema), "head")
    log.debug("schema %s is at head", schema)
