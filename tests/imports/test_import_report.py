"""What ``pim import akeneo`` reports for rows it cannot take, and when it fails."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from api.cli import main
from api.database import public_session
from api.imports.csv_rows import MAX_CELL, read_csv
from api.tenants.service import get_org

ATTRIBUTES = (
    "code;type;localizable;scopable;unique\n"
    "sku;pim_catalog_identifier;0;0;1\n"
    "name;pim_catalog_text;0;0;0\n"
)
HEADER = b"sku;family;categories;enabled;name\n"


def _export(tmp_path: Path, products: bytes) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "attributes.csv").write_text(ATTRIBUTES, encoding="utf-8")
    (folder / "products.csv").write_bytes(products)
    return folder


def _import(capsys, folder: Path, *options: str) -> tuple[int, str, str, str]:
    slug = f"i{uuid.uuid4().hex[:10]}"
    code = main(["import", "akeneo", str(folder), "--org", slug, *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err, slug


def _file_lines(out: str, name: str) -> list[str]:
    """The lines the report prints for one file: its count, then indented."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        block.append(line)
    return block


def test_rows_that_cannot_be_read_are_rejected_with_their_reason(
    database, tmp_path, capsys
):
    long_name = b"x" * (MAX_CELL + 1)
    folder = _export(
        tmp_path,
        HEADER
        + b"GOOD-1;;;1;Good\n"
        + b"BAD-1;;;1;Caf\xe9 latin-1\n"
        + b"LONG-1;;;1;"
        + long_name
        + b"\n",
    )
    code, out, _, _ = _import(capsys, folder)
    assert code == 0
    assert _file_lines(out, "products.csv") == [
        "products.csv: 1 imported, 2 rejected",
        "    row 2 (line 3): The record is not UTF-8 in column 'name' (byte 0xe9).",
        (
            f"    row 3 (line 4): The record has {MAX_CELL + 1:,} characters in column "
            f"'name', more than the {MAX_CELL:,} a cell may hold (is a quote left open?)."
        ),
    ]


def test_a_header_that_cannot_be_read_rejects_every_row_and_fails(
    database, tmp_path, capsys
):
    folder = _export(
        tmp_path, b"sku;family;categories;enabled;n\xe4me\nA-1;;;1;One\nA-2;;;1;Two\n"
    )
    code, out, err, _ = _import(capsys, folder)
    assert code == 1
    reason = "The record cannot be read: the header line is not UTF-8 (byte 0xe4)."
    assert _file_lines(out, "products.csv") == [
        "products.csv: 0 imported, 2 rejected",
        f"    row 1 (line 2): {reason}",
        f"    row 2 (line 3): {reason}",
    ]
    assert err.splitlines()[-1] == (
        "error: Every product row was rejected (2); nothing was imported into the "
        "catalog. (all_products_rejected)"
    )


def test_the_summary_shows_five_reasons_and_counts_the_rest(database, tmp_path, capsys):
    rows = b"".join(b"R-%d;;;maybe;Row\n" % n for n in range(1, 9))
    code, out, err, _ = _import(capsys, _export(tmp_path, HEADER + rows))
    assert code == 1
    lines = _file_lines(out, "products.csv")
    assert lines[0] == "products.csv: 0 imported, 8 rejected"
    assert len(lines) == 7
    assert lines[1] == (
        "    row 1 (line 2), column 'enabled': 'maybe' is not a boolean; "
        "expected 0 or 1."
    )
    assert lines[-1] == "    … and 3 more rejected rows"
    assert "(all_products_rejected)" in err


@pytest.mark.parametrize(
    ("options", "name"),
    [([], "Garden Tools {n}"), (["--name", "Jardin & Co"], "Jardin & Co")],
)
def test_the_organisation_an_import_creates_has_a_name(
    database, tmp_path, capsys, options, name
):
    folder = _export(tmp_path, HEADER + b"A-1;;;1;One\n")
    number = uuid.uuid4().int % 10**9
    slug = f"garden-tools-{number}"
    assert main(["import", "akeneo", str(folder), "--org", slug, *options]) == 0
    with public_session() as db:
        assert get_org(db, slug).name == name.format(n=number)


def test_a_byte_order_mark_and_clean_rows_read_as_before(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(b"\xef\xbb\xbfsku;name\nA;Caf\xc3\xa9\n")
    header, [row] = read_csv(path)
    assert header == ["sku", "name"]
    assert (row.cells, row.problem) == ({"sku": "A", "name": "Café"}, None)
