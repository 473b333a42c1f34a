"""What ``pim import akeneo`` reports for rows it cannot take, and when it fails."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.catalog.models import Product
from api.catalog.values import CatalogRules, Value
from api.cli import main
from api.database import public_session, tenant_session
from api.imports.akeneo import Accepted, FileReport, _AkeneoImport
from api.imports.csv_rows import MAX_CELL, CsvRow, read_csv
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
            f"    row 3 (line 4): The record has {MAX_CELL + 1:,} characters in "
            f"column 'name', more than the {MAX_CELL:,} a cell may hold "
            "(is a quote left open?)."
        ),
    ]


@pytest.mark.parametrize(
    ("products", "failure"),
    [
        (
            b"sku;family;categories;enabled;n\xe4me\nA-1;;;1;One\nA-2;;;1;Two\n",
            "the header line is not UTF-8 (byte 0xe4)",
        ),
        (
            b"sku;family;sku;enabled;name\nA-1;;A-1;1;One\nA-2;;A-2;1;Two\n",
            "the column 'sku' appears twice in the header",
        ),
        (
            b"sku,family,categories,enabled,name\nA-1,,,1,One\nA-2,,,1,Two\n",
            "expected ';'-separated columns; this file seems to use ','",
        ),
        (
            (
                b"sku\tfamily\tcategories\tenabled\tname\n"
                b"A-1\t\t\t1\tOne\nA-2\t\t\t1\tTwo\n"
            ),
            "expected ';'-separated columns; this file seems to use tabs",
        ),
        (
            b"Lorem ipsum dolor sit amet\nconsectetur adipiscing elit\nsed do\n",
            (
                "the file has no 'sku' column to identify each row; its columns: "
                "Lorem ipsum dolor sit amet"
            ),
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_reported_once_and_fails(
    database, tmp_path, capsys, products, failure
):
    code, out, err, _ = _import(capsys, _export(tmp_path, products))
    assert code == 1
    assert _file_lines(out, "products.csv") == [
        f"products.csv: failed: {failure} (2 rows not imported)"
    ]
    assert out.splitlines()[-1].endswith(": 2 rows imported, 2 rejected")
    assert err.splitlines()[-1] == (
        f"error: products.csv could not be imported: {failure}. "
        "(import_file_unreadable)"
    )


@pytest.mark.parametrize(
    ("products", "failure"),
    [
        (
            bytes(range(256)) * 4,
            "the header line contains a NUL character",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
            "the header line is not UTF-8 (byte 0x89)",
        ),
        (b"", "the file is empty: it has no header line"),
    ],
    ids=["bytes", "png", "empty"],
)
def test_a_binary_or_empty_product_file_fails(
    database, tmp_path, capsys, products, failure
):
    code, out, err, _ = _import(capsys, _export(tmp_path, products))
    assert code == 1
    [line] = _file_lines(out, "products.csv")
    assert line.startswith(f"products.csv: failed: {failure}")
    assert err.splitlines()[-1] == (
        f"error: products.csv could not be imported: {failure}. "
        "(import_file_unreadable)"
    )


def test_a_product_file_with_a_header_only_imports_nothing_and_says_so(
    database, tmp_path, capsys
):
    code, out, err, _ = _import(capsys, _export(tmp_path, HEADER))
    assert code == 0
    assert "error" not in err
    assert _file_lines(out, "products.csv") == [
        "products.csv: 0 imported, 0 rejected",
        "    note: the file has a header line and no rows",
    ]


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
    table = read_csv(path)
    [row] = table.rows
    assert (table.header, table.problem) == (["sku", "name"], None)
    assert (row.cells, row.problem) == ({"sku": "A", "name": "Café"}, None)


def test_a_nul_character_rejects_its_row_only(database, tmp_path, capsys):
    rows = [b"N-%d;;;1;Name %d\n" % (n, n) for n in range(1, 301)]
    rows[149] = b"N-150;;;1;bad\x00name\n"
    code, out, err, slug = _import(capsys, _export(tmp_path, HEADER + b"".join(rows)))
    assert code == 0
    assert _file_lines(out, "products.csv") == [
        "products.csv: 299 imported, 1 rejected",
        "    row 150 (line 151): The record contains a NUL character in column 'name'.",
    ]
    assert "Traceback" not in err
    with tenant_session(slug) as db:
        assert db.scalar(select(func.count()).select_from(Product)) == 299


def test_a_batch_the_database_refuses_is_written_row_by_row(database, tmp_path, capsys):
    _, _, _, slug = _import(capsys, _export(tmp_path, HEADER))
    with tenant_session(slug) as db:
        rules = CatalogRules.load(db)
    names = {"B-1": "One", "B-2": "bad\x00name", "B-3": "Three"}
    batch = [
        Accepted(
            row=CsvRow(number, number + 1, {}),
            sku=sku,
            family=None,
            enabled=True,
            parent=None,
            categories=[],
            values=[Value("name", None, None, name)],
        )
        for number, (sku, name) in enumerate(names.items(), start=1)
    ]
    file = FileReport("products.csv")
    _AkeneoImport(tmp_path, slug, lambda _: None)._write(file, batch, rules)
    assert (file.imported, file.rejected) == (2, 1)
    assert file.reasons == [
        "row 2 (line 3): Not written: unsupported Unicode escape sequence."
    ]
    with tenant_session(slug) as db:
        assert sorted(db.scalars(select(Product.sku))) == ["B-1", "B-3"]


def test_an_unclosed_quote_rejects_its_row_and_keeps_the_next(
    database, tmp_path, capsys
):
    products = HEADER + b'Q1;;;1;"unterminated\nQ2;;;1;ok\n'
    code, out, _, slug = _import(capsys, _export(tmp_path, products))
    assert code == 0
    assert _file_lines(out, "products.csv") == [
        "products.csv: 1 imported, 1 rejected",
        (
            "    row 1 (line 2): The record opens a quote that is never closed: "
            "lines 2 to 3, the end of the file, would read as one record, so the "
            "lines after line 2 are read on their own."
        ),
    ]
    with tenant_session(slug) as db:
        assert list(db.scalars(select(Product.sku))) == ["Q2"]


@pytest.mark.parametrize(
    ("files", "held"),
    [
        ({}, "it is empty"),
        (
            {"notes.txt": "hello", "Products.CSV": "sku\nA\n"},
            "it holds Products.CSV, notes.txt",
        ),
    ],
)
def test_a_folder_without_export_files_is_refused(
    database, tmp_path, capsys, files, held
):
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    code, _out, err, slug = _import(capsys, folder)
    assert code == 1
    assert err.splitlines() == [
        (
            f"error: {folder} is not an Akeneo CSV export: {held}, and none of "
            "products.csv, product_models.csv, attributes.csv, categories.csv, "
            "families.csv or the other files an export holds. (not_an_akeneo_export)"
        )
    ]
    with public_session() as db:
        assert get_org(db, slug) is None
