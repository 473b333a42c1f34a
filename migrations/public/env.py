"""Alembic environment for the platform tables in ``public``."""

from __future__ import annotations

from alembic import context

import api.auth.models
import api.tenants.models  # noqa: F401
from api.orm import PublicBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=PublicBase.metadata,
    version_table_schema="public",
    include_schemas=True,
    include_name=lambda name, type_, parent: type_ != "schema" or name == "public",
)
with context.begin_transaction():
    context.run_migrations()
