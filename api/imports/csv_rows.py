"""Reading one ``;``-delimited export file into rows that know where they are.

A problem confined to one record (bytes that are not UTF-8, a cell too long
to be a value, a wrong number of fields) is attached to that record, so the
importer rejects it with a reason and goes on with the rest of the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The longest cell a record may hold, as Python's csv module allows by
# default. A longer one is rejected with its record rather than stopping the
# file; it usually means a quote was left open and swallowed the lines after.
MAX_CELL = 131_072
# How far the reader itself lets a cell grow (it gives up on the file beyond).
_READER_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class CsvRow:
    """One record: its 1-based data row, the physical line it starts on."""

    number: int
    line: int
    cells: dict[str, str]
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"row {self.number} (line {self.line})"

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def reason(row: CsvRow, column: str | None, message: str) -> str:
    if column is None:
        return f"{row.where}: {message}"
    return f"{row.where}, column {column!r}: {message}"


def read_csv(path: Path) -> tuple[list[str], list[CsvRow]]:
    """The header and the records of one export file."""
    text = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    rows: list[CsvRow] = []
    with _long_cells():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        raw_header = next(reader, [])
        header = [_clean(name).strip() for name in raw_header]
        header_problem = _encoding_problem(raw_header, None)
        start = reader.line_num + 1
        for record in reader:
            if record:
                problem = header_problem or _record_problem(record, header)
                cells = dict(zip(header, (_clean(cell) for cell in record)))
                rows.append(CsvRow(len(rows) + 1, start, cells, problem))
            start = reader.line_num + 1
    return header, rows


def _record_problem(record: list[str], header: list[str]) -> str | None:
    problem = _encoding_problem(record, header)
    if problem:
        return problem
    for index, cell in enumerate(record):
        if len(cell) > MAX_CELL:
            return (
                f"has {len(cell):,} characters in {_column(header, index)}, more "
                f"than the {MAX_CELL:,} a cell may hold (is a quote left open?)"
            )
    if len(record) != len(header):
        return f"has {len(record)} fields where the header has {len(header)}"
    return None


def _encoding_problem(record: list[str], header: list[str] | None) -> str | None:
    """Where the first byte that is not UTF-8 sits, if there is one."""
    for index, cell in enumerate(record):
        bad = next((c for c in cell if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            byte = ord(bad) - 0xDC00
            if header is None:
                return (
                    f"cannot be read: the header line is not UTF-8 (byte 0x{byte:02x})"
                )
            return f"is not UTF-8 in {_column(header, index)} (byte 0x{byte:02x})"
    return None


def _column(header: list[str], index: int) -> str:
    return f"column {header[index]!r}" if index < len(header) else f"field {index + 1}"


def _clean(cell: str) -> str:
    """The cell with undecodable bytes shown as U+FFFD, safe to print or store."""
    if cell.isascii() or not any("\udc80" <= c <= "\udcff" for c in cell):
        return cell
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@contextmanager
def _long_cells() -> Iterator[None]:
    """Let the reader hold long cells, so that one is rejected with its record
    rather than ending the file (the limit is process-wide, hence restored)."""
    previous = csv.field_size_limit(_READER_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)
