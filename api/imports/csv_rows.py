"""Reading one ``;``-delimited export file into rows that know where they are.

A problem confined to one record (bytes that are not UTF-8, a NUL character,
a cell too long to be a value, a wrong number of fields, a quote left open)
is attached to that record, so the importer rejects it with a reason and goes
on with the rest of the file. A problem with the header (unreadable, another
delimiter, a column named twice) makes the whole file unreadable: it is
reported once, as the file's problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DELIMITER = ";"
# The longest cell a record may hold, as Python's csv module allows by
# default. A longer one is rejected with its record rather than stopping the
# file; it usually means a quote was left open and swallowed the lines after.
MAX_CELL = 131_072
# How far the reader itself lets a cell grow (it gives up on the file beyond).
_READER_LIMIT = 2**31 - 1
_OTHER_DELIMITERS = {",": "','", "\t": "tabs", "|": "'|'"}
_LEFT_OPEN = "is a quote left open?"


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


@dataclass(frozen=True)
class CsvTable:
    """A file's header and records; ``problem`` says why none can be used."""

    header: list[str]
    rows: list[CsvRow]
    problem: str | None = None  # a sentence of its own, unlike a row's


@dataclass(frozen=True)
class _Record:
    fields: list[str]
    line: int
    last_line: int
    error: str | None = None


def reason(row: CsvRow, column: str | None, message: str) -> str:
    if column is None:
        return f"{row.where}: {message}"
    return f"{row.where}, column {column!r}: {message}"


def read_csv(path: Path) -> CsvTable:
    """The header and the records of one export file."""
    text = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    lines = io.StringIO(text, newline="").readlines()
    with _long_cells():
        records = list(_records(lines))
    if not records:
        return CsvTable([], [], "the file is empty: it has no header line")
    first, *rest = records
    header = [_clean(name).strip() for name in first.fields]
    problem = _header_problem(first, header)
    rows = [
        CsvRow(
            number,
            record.line,
            dict(zip(header, (_clean(cell) for cell in record.fields))),
            record.error or _record_problem(record, header),
        )
        for number, record in enumerate(rest, start=1)
    ]
    return CsvTable(header, rows, problem)


def _records(lines: Sequence[str]) -> Iterator[_Record]:
    """Every non-blank record, read strictly.

    A record the reader refuses is yielded with its error, and reading starts
    again on the line after the one it began on: a quote left open must not
    take the rows after it down with it.
    """
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=DELIMITER, strict=True)
        begins = start
        try:
            for fields in reader:
                ends = start + reader.line_num
                if fields:
                    yield _Record(fields, begins + 1, ends)
                begins = ends
            return
        except csv.Error as exc:
            ends = start + reader.line_num
            yield _Record([], begins + 1, ends, _syntax_problem(exc, begins + 1, ends))
            start = begins + 1


def _syntax_problem(exc: csv.Error, line: int, last_line: int) -> str:
    message = str(exc)
    if message == "unexpected end of data":
        if last_line == line:
            return "opens a quote that is never closed"
        return (
            f"opens a quote that is never closed: lines {line} to {last_line}, the "
            f"end of the file, would read as one record, so the lines after line "
            f"{line} are read on their own"
        )
    if message.endswith("expected after '\"'"):
        problem = "has text after the closing quote of a field"
    else:
        problem = f"cannot be read as CSV ({message})"
    if last_line > line:
        return (
            f"{problem} at line {last_line}; lines {line} to {last_line} read as one "
            f"record ({_LEFT_OPEN})"
        )
    return problem


def _header_problem(record: _Record, header: list[str]) -> str | None:
    if record.error:
        return f"the header line cannot be read: it {record.error}"
    encoding = _encoding_problem(record.fields, None)
    if encoding:
        return f"the header line {encoding}"
    if len(header) == 1:
        used = [d for d in _OTHER_DELIMITERS if d in record.fields[0]]
        if used:
            likely = max(used, key=record.fields[0].count)
            return (
                f"expected {DELIMITER!r}-separated columns; this file seems to use "
                f"{_OTHER_DELIMITERS[likely]}"
            )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            return f"the column {name!r} appears twice in the header"
        seen.add(name)
    return None


def _record_problem(record: _Record, header: list[str]) -> str | None:
    problem = _encoding_problem(record.fields, header)
    if problem:
        return problem
    for index, cell in enumerate(record.fields):
        if len(cell) > MAX_CELL:
            return (
                f"has {len(cell):,} characters in {_column(header, index)}, more "
                f"than the {MAX_CELL:,} a cell may hold ({_LEFT_OPEN})"
            )
    spans = record.last_line > record.line
    if len(record.fields) != len(header):
        problem = f"has {len(record.fields)} fields where the header has {len(header)}"
        if spans:
            problem += (
                f"; lines {record.line} to {record.last_line} read as one record "
                f"({_LEFT_OPEN})"
            )
        return problem
    if spans:
        return _swallowed_line(record, header)
    return None


def _swallowed_line(record: _Record, header: list[str]) -> str | None:
    """A line inside a quoted cell that reads as a record of its own."""
    if len(header) < 3:
        return None
    for index, cell in enumerate(record.fields):
        for offset, line in enumerate(cell.splitlines()[1:], start=1):
            if line.count(DELIMITER) >= len(header) - 1:
                return (
                    f"holds in {_column(header, index)} a line that reads as a "
                    f"record of its own (line {record.line + offset}); lines "
                    f"{record.line} to {record.last_line} read as one record "
                    f"({_LEFT_OPEN})"
                )
    return None


def _encoding_problem(record: list[str], header: list[str] | None) -> str | None:
    """Where the first byte that is not UTF-8 or NUL character sits, if any."""
    for index, cell in enumerate(record):
        place = "" if header is None else f" in {_column(header, index)}"
        bad = next((c for c in cell if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            byte = ord(bad) - 0xDC00
            return f"is not UTF-8{place} (byte 0x{byte:02x})"
        if "\x00" in cell:
            # PostgreSQL stores no NUL in text or JSON: written, it would fail
            # the whole batch of rows around it.
            return f"contains a NUL character{place}"
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
