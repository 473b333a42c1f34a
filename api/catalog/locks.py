"""Transaction locks that serialise writes to one tenant's trees.

A check that reads a tree (is the new parent one of my descendants?) and the
write it guards must not interleave with another request doing the same, or
two moves that are each fine alone together close a loop. Writers of a tree
take its lock before checking; the lock ends with their transaction, so the
next writer's check sees the committed tree.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session

# First key of the two-key advisory locks on catalog trees; the second names
# the tenant and the tree.
TREE_LOCK_SPACE = 0x5452_4545

CATEGORY_TREE = "categories"
PRODUCT_PARENTS = "product_parents"


def advisory_key(name: str) -> int:
    """A stable signed 32-bit advisory lock key for ``name`` (a collision
    only serialises more)."""
    key = zlib.crc32(name.encode())
    return key - 2**32 if key >= 2**31 else key


def lock_tree(db: Session, tree: str) -> None:
    """Wait for, then hold until commit, the lock of ``tree`` in this tenant."""
    options = db.connection().get_execution_options()
    schema = options.get("schema_translate_map", {}).get("tenant", "")
    db.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"),
        {"space": TREE_LOCK_SPACE, "key": advisory_key(f"{schema}:{tree}")},
    )
