"""Reading broken export files: what a record or a whole file is refused for."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.imports.csv_rows import read_csv


def _read(tmp_path: Path, data: bytes):
    path = tmp_path / "products.csv"
    path.write_bytes(data)
    return read_csv(path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty: it has no header line"),
        (b"\n\n", "the file is empty: it has no header line"),
        (
            b"sku;sku;family\nA;B;shoes\n",
            "the column 'sku' appears twice in the header",
        ),
        (
            b"sku;name; family ;family\n",
            "the column 'family' appears twice in the header",
        ),
        (
            b"sku,family,name\nA,shoes,One\n",
            "expected ';'-separated columns; this file seems to use ','",
        ),
        (
            b"sku\tfamily\tname\nA\tshoes\tOne\n",
            "expected ';'-separated columns; this file seems to use tabs",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "the header line is not UTF-8 (byte 0x89)",
        ),
        (b"sku;na\x00me\nA;B\n", "the header line contains a NUL character"),
        (
            b'sku;"name\nA;B\n',
            (
                "the header line cannot be read: it opens a quote that is never "
                "closed: lines 1 to 2, the end of the file, would read as one record, "
                "so the lines after line 1 are read on their own"
            ),
        ),
    ],
)
def test_a_header_that_cannot_be_used_makes_the_file_unreadable(
    tmp_path, data, problem
):
    assert _read(tmp_path, data).problem == problem


@pytest.mark.parametrize(
    "data",
    [b"sku\nA\n", b"sku;name\nA;one, two\n", b"sku;name\n", b"sku;name\nA;tab\there\n"],
)
def test_a_single_column_or_commas_in_cells_are_not_another_delimiter(tmp_path, data):
    assert _read(tmp_path, data).problem is None


def test_an_unclosed_quote_rejects_its_row_and_the_rows_after_it_are_read(tmp_path):
    table = _read(tmp_path, b'sku;family;name\nQ1;shoes;"unterminated\nQ2;shoes;ok\n')
    first, second = table.rows
    assert (first.where, first.problem) == (
        "row 1 (line 2)",
        (
            "opens a quote that is never closed: lines 2 to 3, the end of the file, "
            "would read as one record, so the lines after line 2 are read on their own"
        ),
    )
    assert (second.where, second.cells, second.problem) == (
        "row 2 (line 3)",
        {"sku": "Q2", "family": "shoes", "name": "ok"},
        None,
    )


def test_an_unclosed_quote_on_the_last_line_is_a_rejected_row(tmp_path):
    table = _read(tmp_path, b'sku;family;name\nQ0;shoes;fine\nQ1;shoes;"open\n')
    assert [(row.where, row.problem) for row in table.rows] == [
        ("row 1 (line 2)", None),
        ("row 2 (line 3)", "opens a quote that is never closed"),
    ]


def test_a_quote_closed_lines_later_names_the_lines_it_took(tmp_path):
    table = _read(
        tmp_path,
        b'sku;family;name\nQ1;shoes;"open\nQ2;shoes;ok\nQ3;shoes;"quoted"\n',
    )
    assert [(row.where, row.get("sku"), row.problem) for row in table.rows] == [
        (
            "row 1 (line 2)",
            "",
            (
                "has text after the closing quote of a field at line 4; lines 2 to 4 "
                "read as one record (is a quote left open?)"
            ),
        ),
        ("row 2 (line 3)", "Q2", None),
        ("row 3 (line 4)", "Q3", None),
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            b'sku;family;name\nQ1;"open\nQ2;x;y"\n',
            (
                "has 2 fields where the header has 3; lines 2 to 3 read as one record "
                "(is a quote left open?)"
            ),
        ),
        (
            b'sku;family;name\nQ1;shoes;"open\nQ2;shoes;ok"\n',
            (
                "holds in column 'name' a line that reads as a record of its own "
                "(line 3); lines 2 to 3 read as one record (is a quote left open?)"
            ),
        ),
        (b"sku;family;name\nQ1;shoes\n", "has 2 fields where the header has 3"),
        (
            b"sku;family;name\nQ1;shoes;bad\x00name\n",
            "contains a NUL character in column 'name'",
        ),
    ],
)
def test_a_record_that_took_other_lines_or_holds_a_nul_is_refused(
    tmp_path, data, problem
):
    [row] = _read(tmp_path, data).rows
    assert row.problem == problem


def test_a_quoted_cell_over_two_lines_is_still_one_value(tmp_path):
    table = _read(tmp_path, b'sku;family;name\nQ1;shoes;"two\nlines"\n')
    [row] = table.rows
    assert (row.cells["name"], row.problem) == ("two\nlines", None)
