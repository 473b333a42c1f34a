"""Placing an export's categories in the catalog's tree, in one pass.

Checking each category's ancestors in the database as it is written costs a
query per level: quadratic in the depth of the tree. Instead the whole tree
(the catalog's, with the export's parents laid over it) is checked once in
memory, and the categories that fit are written parents first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """The export's codes in an order that writes parents before children,
    and why each code left out cannot be written."""

    order: list[str]
    problems: dict[str, str]


def place_categories(
    parents: Mapping[str, str | None], stored: Mapping[str, str | None]
) -> Placement:
    """Where the export's categories (code → parent) go in the ``stored`` tree.

    A category is left out when it closes a cycle, or when its parent is
    neither stored nor placed. A stored category that is left out keeps its
    stored parent, which can close another cycle: hence the repeat until the
    tree is settled (once or twice in practice, each pass linear).
    """
    pending = dict(parents)
    problems: dict[str, str] = {}
    while True:
        tree = {**stored, **pending}
        cyclic = {
            code: loop
            for loop in _cycles(tree, pending)
            for code in loop
            if code in pending
        }
        for code, loop in cyclic.items():
            start = loop.index(code)
            path = loop[start:] + loop[:start] + [code]
            problems[code] = f"Category {code!r} is in a cycle: {' → '.join(path)}."
            del pending[code]
        if cyclic:
            continue
        order, missing = _parents_first(pending, stored)
        for code, parent in missing.items():
            problems[code] = (
                f"Parent category {parent!r} was not imported."
                if parent in problems
                else f"Parent category {parent!r} does not exist."
            )
            del pending[code]
        if not any(code in stored for code in missing):
            return Placement(order, problems)


def _cycles(
    tree: Mapping[str, str | None], starts: Mapping[str, str | None]
) -> Iterator[list[str]]:
    """Each cycle reachable from ``starts``, once, as its list of codes."""
    done: set[str] = set()
    for start in starts:
        path: list[str] = []
        on_path: set[str] = set()
        code: str | None = start
        while code is not None and code in tree and code not in done:
            if code in on_path:
                yield path[path.index(code) :]
                break
            path.append(code)
            on_path.add(code)
            code = tree[code]
        done.update(path)


def _parents_first(
    pending: Mapping[str, str | None], stored: Mapping[str, str | None]
) -> tuple[list[str], dict[str, str]]:
    """Pending codes parents first, and those whose parent will not exist
    (with that parent); ``pending`` is known to hold no cycle."""
    children: dict[str, list[str]] = {}
    queue: deque[str] = deque()
    for code, parent in pending.items():
        if parent is not None and parent in pending:
            children.setdefault(parent, []).append(code)
        else:
            queue.append(code)
    order: list[str] = []
    placed: set[str] = set()
    missing: dict[str, str] = {}
    while queue:
        code = queue.popleft()
        parent = pending[code]
        if parent is None or parent in placed or parent in stored:
            order.append(code)
            placed.add(code)
        else:
            missing[code] = parent
        queue.extend(children.pop(code, []))
    return order, missing
