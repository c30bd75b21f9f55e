"""Files damaged the way real exports get damaged, and the check every import must pass.

Used by the property-based test (``tests/fuzz``, Hypothesis draws the damage) and by the
long run (``benchmarks/fuzz_ingest.py``, a seeded random draw). A damage is data
(``Damage``): a kind, a position in the file as a fraction, and a text. ``damaged`` turns
a seed file's rows into the bytes of a damaged CSV or XLSX file.

The check (``check``): the import never fails with an unexpected error (a clear error
naming the file is fine: a file truncated before its header cannot be read), and every
row read is loaded, rejected or skipped with a reason. When the damage left the data rows
in place (no truncation), at least as many rows are read as from the undamaged file, so a
row cannot vanish before it is counted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikkan.ingest.base import ReaderContext

KINDS = (
    "stray_text",  # characters typed into a data cell
    "blank_line",  # an empty line inserted anywhere
    "one_cell_row",  # a note on a line of its own
    "bare_cr",  # a lone carriage return inside a data cell
    "huge_number",  # 1e309, 25 digits, NaN in a data cell
    "subtotal_name",  # a name that starts like a subtotal / footer in the first cell
    "error_value",  # #N/A, #REF! … in a data cell
    "duplicate_row",  # a data row written twice
    "extra_cell",  # a data row one cell wider than the header
    "short_row",  # a data row missing its last cells
    "truncate",  # the file cut off (a partial download)
    "cr_line_ends",  # saved with CR line ends
)
TEXTS = (
    "株式会社A\r- 新規導入",
    "Total Solutions株式会社 - 新規導入",
    "Sum of Amount",
    "Count: 5",
    "合計",
    "Grand Totals (12 records)",
    "Confidential Information",
    "#N/A",
    "#REF!",
    "# a comment",
    "99999999999999999999999",
    "1e309",
    "-1e400",
    "NaN",
    "inf",
    '=HYPERLINK("x")',
    '"',
    "\x00",
    "--",
    "(not set)",
    "－１２３",
    "2026/02/30",
    "",
)
NUMBERS = ("99999999999999999999999", "1e309", "-1e400", "NaN", "inf", "1e305万", "9" * 400)
ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?")
SUBTOTALS = ("Total Solutions株式会社 - 新規導入", "Sum商事", "Count Corp", "Total", "合計", "小計")


@dataclass(frozen=True)
class Damage:
    kind: str
    where: float  # 0 <= where < 1: which row (or byte, or cell) as a fraction
    text: str = ""
    column: float = 0.0  # which cell, as a fraction of the row's width


@dataclass(frozen=True)
class Seed:
    """An undamaged file, how to read it, and which of its rows are data rows."""

    name: str
    rows: list[list[str]]
    reader: str | None
    options: dict[str, Any] = field(default_factory=dict)
    data_rows: tuple[int, ...] = ()  # 0-based indexes into ``rows``
    rows_read: int = 0


@dataclass
class Verdict:
    crashed: bool
    error: str | None
    rows_read: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    unaccounted: int = 0
    lost_before_counting: int = 0

    @property
    def ok(self) -> bool:
        return not self.crashed and self.unaccounted == 0 and self.lost_before_counting == 0


def read_rows(path: Path) -> list[list[str]]:
    """A seed file's rows as text (CSV in UTF-8 or cp932, or XLSX)."""
    from ikkan.ingest.engine.tabular import open_rows

    return [["" if c is None else str(c) for c in cells] for _, cells in open_rows(path).rows]


def make_seed(path: Path, reader: str | None, options: dict[str, Any] | None = None) -> Seed:
    """Read the undamaged file once: its rows, and which rows the reader took as data."""
    from ikkan.ingest.engine.tabular import open_rows
    from ikkan.services.ingest import pick_reader

    numbered = [
        (n, ["" if c is None else str(c) for c in cells]) for n, cells in open_rows(path).rows
    ]
    result = pick_reader(path, reader).read(path, ReaderContext(options=dict(options or {})))
    touched = {r.row_number for r in [*result.rejected, *result.skipped]}
    touched |= {int(n) for n in (() if result.loaded_rows is None else result.loaded_rows)}
    data = tuple(i for i, (n, _) in enumerate(numbered) if n in touched)
    return Seed(
        path.name,
        [cells for _, cells in numbered],
        reader or pick_reader(path, None).name,
        dict(options or {}),
        data,
        result.rows_read,
    )


def damaged(seed: Seed, damages: list[Damage], *, xlsx: bool = False) -> tuple[bytes, bool]:
    """The damaged file's bytes, and whether the damage may remove data rows (truncation)."""
    rows = [list(r) for r in seed.rows]
    data = list(seed.data_rows)
    may_lose = False
    cr_ends = False
    truncate_at: float | None = None
    for damage in damages:
        kind = damage.kind
        if kind == "truncate":
            truncate_at, may_lose = damage.where, True
            continue
        if kind == "cr_line_ends":
            cr_ends = True
            continue
        if kind in ("blank_line", "one_cell_row"):
            at = int(damage.where * (len(rows) + 1))
            rows.insert(at, [] if kind == "blank_line" else [damage.text or "note"])
            data = [i + 1 if i >= at else i for i in data]
            continue
        if not data:
            continue
        index = data[int(damage.where * len(data))]
        row = rows[index]
        if not row:
            continue
        column = min(int(damage.column * len(row)), len(row) - 1)
        if kind == "stray_text":
            row[column] = row[column] + damage.text
        elif kind == "bare_cr":
            text = row[column]
            row[column] = text[: len(text) // 2] + "\r" + text[len(text) // 2 :]
        elif kind == "huge_number":
            row[column] = NUMBERS[int(damage.column * 997) % len(NUMBERS)]
        elif kind == "error_value":
            row[column] = ERRORS[int(damage.column * 997) % len(ERRORS)]
        elif kind == "subtotal_name":
            row[0] = SUBTOTALS[int(damage.column * 997) % len(SUBTOTALS)]
        elif kind == "duplicate_row":
            rows.insert(index + 1, list(row))
            data = [i + 1 if i > index else i for i in data] + [index + 1]
        elif kind == "extra_cell":
            row.append(damage.text or "extra")
        elif kind == "short_row":
            del row[max(1, column) :]
    if xlsx:
        raw = _xlsx_bytes(rows)
    else:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r" if cr_ends else "\r\n").writerows(rows)
        raw = buffer.getvalue().encode("utf-8")
    if truncate_at is not None:
        raw = raw[: int(truncate_at * len(raw))]
    return raw, may_lose


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(spec: Any, warehouse: Any, seed: Seed, path: Path, may_lose: bool) -> Verdict:
    """Import ``path`` as the seed's source would and judge the outcome. Without a
    ``warehouse``, read it and prepare its tables for loading (conformed to the canonical
    schema, hashed) but write nothing: the same checks, many times faster."""
    from ikkan.services.ingest import FileFailed, IngestTarget, ingest_file

    target = IngestTarget(path, seed.reader, dict(seed.options))
    if warehouse is None:
        account, error = _read_and_prepare(spec, target, path)
        if isinstance(error, FileFailed):
            return Verdict(True, error.render())
        if error is not None or account is None:
            return Verdict(False, error.render() if error else None)
    else:
        outcome = ingest_file(spec, warehouse, target, path, force=True)
        if isinstance(outcome.error, FileFailed):
            return Verdict(True, outcome.error.render())
        if outcome.error is not None or outcome.account is None:
            return Verdict(False, outcome.error.render() if outcome.error else None)
        account = outcome.account
    lost = 0 if may_lose else max(0, seed.rows_read - account.read)
    return Verdict(
        False,
        None,
        account.read,
        account.loaded,
        account.rejected,
        account.skipped,
        account.unaccounted,
        lost,
    )


def _read_and_prepare(spec: Any, target: Any, path: Path) -> tuple[Any, Any]:
    from ikkan.errors import Location, UserError
    from ikkan.ingest.base import account_rows
    from ikkan.ingest.load_rows import prepare
    from ikkan.services.ingest import FileFailed, pick_reader, reader_context

    try:
        reader = pick_reader(path, target.reader)
        result = reader.read(path, reader_context(spec, target.options, None))
        prepare(result, [])
        return account_rows(result), None
    except UserError as exc:
        return None, exc
    except Exception as exc:  # what ingest_file records as a failed file
        failed = FileFailed(
            f"could not import this file: {type(exc).__name__}: {exc}",
            location=Location(str(path)),
        )
        return None, failed
