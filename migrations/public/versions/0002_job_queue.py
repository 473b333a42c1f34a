"""job queue tables (procrastinate)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import re

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The queue's own DDL, executed on the raw driver connection so that its
    # '%' and ':' characters are not taken for bind parameters.
    ddl = SchemaManager.get_schema()
    op.get_bind().connection.driver_connection.execute(ddl)


def downgrade() -> None:
    ddl = SchemaManager.get_schema()
    bind = op.get_bind()
    for kind in ("TABLE", "FUNCTION", "TYPE"):
        pattern = rf"CREATE (?:OR REPLACE |UNLOGGED )?{kind} (?:public\.)?(\w+)"
        for name in sorted(set(re.findall(pattern, ddl))):
            drop = "FUNCTION" if kind == "FUNCTION" else kind
            bind.exec_driver_sql(f"DROP {drop} IF EXISTS public.{name} CASCADE")
