"""Importing categories.csv: deep trees, and rows that cannot join the tree."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from api.catalog.models import Category
from api.database import tenant_session
from api.imports.akeneo import FileReport, import_akeneo

HEADER = "code;parent;label-en_US\n"


def _import(tmp_path: Path, categories: str, slug: str | None = None):
    folder = tmp_path / f"export-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    (folder / "categories.csv").write_text(HEADER + categories, encoding="utf-8")
    slug = slug or f"k{uuid.uuid4().hex[:10]}"
    report = import_akeneo(folder, slug)
    [file] = [file for file in report.files if file.file == "categories.csv"]
    with tenant_session(slug) as db:
        tree = dict(db.execute(select(Category.code, Category.parent_code)).all())
    return slug, file, tree


def test_a_chain_three_thousand_deep_imports(database, tmp_path):
    depth = 3000
    rows = "".join(
        f"c{n};{f'c{n - 1}' if n else ''};Level {n}\n" for n in reversed(range(depth))
    )
    _, file, tree = _import(tmp_path, rows)
    assert (file.imported, file.rejected, file.failure) == (depth, 0, None)
    assert tree == {f"c{n}": f"c{n - 1}" if n else None for n in range(depth)}


def test_a_cycle_is_rejected_by_name_and_the_rest_imports(database, tmp_path):
    rows = (
        "master;;Master\n"
        "tvs;master;TVs\n"
        "a;c;A\n"
        "b;a;B\n"
        "c;b;C\n"
        "under_a;a;Below A\n"
        "orphan;nowhere;Orphan\n"
    )
    _, file, tree = _import(tmp_path, rows)
    assert file == FileReport(
        "categories.csv",
        imported=2,
        rejected=5,
        reasons=[
            (
                "row 3 (line 4), column 'parent': Category 'a' is in a cycle: "
                "a → c → b → a."
            ),
            (
                "row 4 (line 5), column 'parent': Category 'b' is in a cycle: "
                "b → a → c → b."
            ),
            (
                "row 5 (line 6), column 'parent': Category 'c' is in a cycle: "
                "c → b → a → c."
            ),
            "row 6 (line 7), column 'parent': Parent category 'a' was not imported.",
            (
                "row 7 (line 8), column 'parent': Parent category 'nowhere' does not "
                "exist."
            ),
        ],
    )
    assert tree == {"master": None, "tvs": "master"}


def test_a_move_that_would_close_a_cycle_keeps_the_stored_tree(database, tmp_path):
    slug, _, _ = _import(tmp_path, "master;;Master\ntvs;master;TVs\n")
    _, file, tree = _import(tmp_path, "master;tvs;Master\nlcd;tvs;LCD\n", slug)
    assert (file.imported, file.rejected) == (1, 1)
    assert file.reasons == [
        (
            "row 1 (line 2), column 'parent': Category 'master' is in a cycle: "
            "master → tvs → master."
        )
    ]
    assert tree == {"master": None, "tvs": "master", "lcd": "tvs"}


def test_a_category_twice_in_the_file_keeps_the_first(database, tmp_path):
    _, file, tree = _import(tmp_path, "master;;Master\nsales;;Sales\nsales;master;S\n")
    assert (file.imported, file.rejected) == (2, 1)
    assert file.reasons == [
        "row 3 (line 4), column 'code': Category 'sales' already appears at row 2."
    ]
    assert tree == {"master": None, "sales": None}


def test_the_import_waits_for_a_tree_move_under_way(database, tmp_path):
    import threading

    from api.catalog.locks import CATEGORY_TREE, lock_tree

    slug, _, _ = _import(tmp_path, "root;;Root\n")
    held = threading.Event()
    release = threading.Event()

    def move_in_progress() -> None:
        with tenant_session(slug) as db:
            lock_tree(db, CATEGORY_TREE)
            held.set()
            release.wait(timeout=30)
            db.get(Category, "root").labels = {"en_US": "Moved first"}

    mover = threading.Thread(target=move_in_progress)
    mover.start()
    assert held.wait(timeout=30)
    results: list[object] = []
    importer = threading.Thread(
        target=lambda: results.append(_import(tmp_path, "kid;root;Kid\n", slug))
    )
    importer.start()
    importer.join(timeout=1.0)
    waited = importer.is_alive()
    release.set()
    mover.join(timeout=30)
    importer.join(timeout=30)
    assert waited, "the import placed categories while the tree lock was held"
    [(_, file, tree)] = results
    assert file.imported == 1
    assert tree == {"root": None, "kid": "root"}
