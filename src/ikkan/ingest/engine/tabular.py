"""Rows out of a CSV/TSV or XLSX file: encoding, delimiter, header search, batches.

Row numbers are 1-based physical line numbers (CSV; the line a record starts on) or sheet
row numbers (XLSX), so a rejected row points at what the user sees in an editor or Excel.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ikkan.errors import Location, SourceError
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.xlsx import xlsx_rows
from ikkan.ingest.parsing.encoding import read_head, sniff_encoding
from ikkan.ingest.parsing.layout import (
    is_blank_row,
    is_comment_row,
    is_footer_row,
    is_total_row,
    sniff_delimiter,
)

Cells = list[object]
NumberedRow = tuple[int, Cells]
HEADER_SCAN_ROWS = 200
BATCH_ROWS = 50_000
_XLSX_MAGIC = b"PK\x03\x04"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class FileRows:
    """A file opened for reading rows."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    rows: Iterator[NumberedRow]


def is_xlsx(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == _XLSX_MAGIC


def open_rows(path: Path, sheet: str | None = None) -> FileRows:
    """Every row of the file with its 1-based number. Raises SourceError for files that are
    not CSV/TSV/XLSX or cannot be decoded."""
    if not path.is_file():
        raise SourceError("file not found", location=Location(str(path)))
    if path.suffix.lower() == ".xls":
        raise SourceError(
            "old Excel .xls files are not supported",
            location=Location(str(path)),
            hint="save the file as .xlsx or export CSV",
        )
    if is_xlsx(path):
        return FileRows(path, "xlsx", None, None, xlsx_rows(path, sheet))
    encoding = sniff_encoding(path)
    delimiter = sniff_delimiter(read_head(path, encoding))
    return FileRows(path, "csv", encoding, delimiter, _csv_rows(path, encoding, delimiter))


def head_text(path: Path, lines: int = 40) -> str:
    """The first rows of a file re-written as comma-separated CSV (whatever the delimiter,
    encoding or XLSX), for ``Reader.sniff``."""
    rows = open_rows(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for count, (_, cells) in enumerate(rows.rows, start=1):
        writer.writerow(["" if c is None else str(c) for c in cells])
        if count >= lines:
            break
    rows.rows.close()  # type: ignore[attr-defined]
    return buffer.getvalue()


def head_rows(head: str) -> list[list[str]]:
    """The rows of a ``head_text`` string (a carriage return inside a quoted cell stays in
    the cell: the buffer is read with ``newline=""``, as ``csv`` requires)."""
    return list(csv.reader(io.StringIO(head, newline="")))


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[NumberedRow]:
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        start = 1
        for row in reader:
            if row and row[0].startswith("\ufeff"):
                row[0] = row[0][1:]
            yield start, list(row)
            start = reader.line_num + 1


@dataclass
class LocatedTable:
    """The header of a table inside a file, and the rows after it."""

    header: list[str]
    header_row: int
    preamble: list[NumberedRow]
    rows: Iterator[NumberedRow]


def locate_header(
    file_rows: FileRows, is_header: Callable[[Cells], bool], expected: Sequence[str]
) -> LocatedTable:
    """Skip preamble rows (``#`` lines, titles, date ranges, meta blocks) up to the first row
    ``is_header`` accepts. SourceError naming the expected columns if none is found."""
    preamble: list[NumberedRow] = []
    for number, cells in file_rows.rows:
        if not is_comment_row(cells) and is_header(cells):
            header = ["" if c is None else str(c).strip() for c in cells]
            return LocatedTable(header, number, preamble, file_rows.rows)
        preamble.append((number, cells))
        if len(preamble) >= HEADER_SCAN_ROWS:
            break
    raise SourceError(
        f"no header row found in the first {len(preamble)} rows",
        location=Location(str(file_rows.path)),
        hint="expected columns such as " + ", ".join(expected[:8]),
    )


@dataclass
class RawBatch:
    """Data rows (already padded to the header width) and their row numbers."""

    rows: list[Cells] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def column(self, index: int) -> list[object]:
        return [row[index] for row in self.rows]


def iter_batches(
    table: LocatedTable, log: ReadLog, batch_rows: int = BATCH_ROWS
) -> Iterator[RawBatch]:
    """Data rows in batches; every row is counted in ``log.rows_seen``.

    Blank rows are not data. A total/footer-looking row (``Total``, ``合計``, ``Grand
    Totals``…) is a footer only when nothing but footer lines and one-cell trailer lines
    (org name, run date) follow it: then it is skipped with its reason and the trailer
    lines are layout. If a data row follows, the held rows were data after all and are
    read as such (a campaign called ``Total`` in the middle of a report stays). Rows with
    more cells than the header are rejected."""
    width = len(table.header)
    batch = RawBatch()
    held: list[NumberedRow] = []  # footer-like rows and what followed them

    def take(number: int, cells: Cells) -> None:
        log.rows_seen += 1
        if len(cells) > width:
            extra = cells[width:]
            if any(c not in (None, "") for c in extra):
                log.reject(
                    number,
                    None,
                    None,
                    f"row has {len(cells)} cells but the header has {width}",
                    dict(zip(table.header, cells, strict=False)),
                )
                return
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        batch.rows.append(cells)
        batch.numbers.append(number)

    for number, cells in table.rows:
        if is_blank_row(cells):
            continue
        if is_footer_row(cells) or (held and _filled_count(cells) <= 1):
            held.append((number, cells))
            continue
        for row in held:  # data followed: they were data rows
            take(*row)
        held = []
        take(number, cells)
        if len(batch.rows) >= batch_rows:
            yield batch
            batch = RawBatch()
    if batch.rows:
        yield batch
    for number, cells in held:  # one-cell lines after a footer are report furniture
        if is_total_row(cells) or _filled_count(cells) > 1:
            log.rows_seen += 1
            log.skip(
                number,
                "a total/footer line of the report (nothing but footer lines follows it)",
                dict(zip(table.header, cells, strict=False)),
            )


def _filled_count(cells: Cells) -> int:
    return sum(1 for c in cells if c is not None and str(c).strip() != "")
