"""Alembic environment for one organisation's schema.

Scripts address the placeholder schema ``tenant``; the connection translates
it to the real schema, which also holds this history's version table.
"""

from __future__ import annotations

from alembic import context

import api.catalog.models
import api.publishing.models
import api.quotes.models  # noqa: F401
from api.database import TENANT
from api.orm import TenantBase

schema = context.config.attributes["schema"]
connection = context.config.attributes["connection"].execution_options(
    schema_translate_map={TENANT: schema}
)
context.configure(
    connection=connection,
    target_metadata=TenantBase.metadata,
    version_table_schema=schema,
    include_schemas=True,
    include_name=lambda name, type_, parent: type_ != "schema" or name == TENANT,
)
with context.begin_transaction():
    context.run_migrations()
