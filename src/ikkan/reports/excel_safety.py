"""Spreadsheet formula injection guard (OWASP CSV injection) for every cell we export.

Every export goes through here, XLSX and CSV alike:

* ``safe_row`` / ``safe_cell`` guard values as they are written (``ws.append(safe_row(...))``);
* ``save_workbook`` / ``workbook_bytes`` walk every cell of every sheet once more before
  saving, so a cell written any other way is guarded too, and no cell is stored as a formula;
* ``write_csv`` / ``csv_bytes`` / ``write_csv_rows`` write CSV whose every cell is guarded.

A module that writes CSV or XLSX imports this one (a test checks it).

A text that a spreadsheet would run (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, full-width forms,
a leading tab or line break) gets a leading ``'``: shown, never run. Control characters that
XLSX cannot store are removed instead of failing the export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# what XLSX (XML 1.0) cannot hold: C0 controls but tab, line feed and carriage return
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LEADING_BLANKS = " \u3000"


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show, never run: a leading ' defuses formulas."""
    value = _ILLEGAL_IN_XLSX.sub("", value)
    if value.startswith(DANGEROUS_PREFIXES) or value.lstrip(_LEADING_BLANKS).startswith(
        DANGEROUS_PREFIXES
    ):
        return "'" + value
    return value


def safe_cell(value: object) -> object:
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[object]) -> list[object]:
    """A row of cells, each guarded."""
    return [safe_cell(v) for v in values]


def guard_workbook(workbook: Any) -> int:
    """Guard every text cell of every sheet in place; returns how many cells changed."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    guarded = safe_text(value)
                    if guarded != value or cell.data_type == "f":
                        cell.value = guarded
                        cell.data_type = "s"
                        changed += 1
    return changed


def save_workbook(workbook: Any, path: Path) -> Path:
    """Save an openpyxl workbook after guarding every cell: the one way we write XLSX."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(workbook))
    return path


def workbook_bytes(workbook: Any) -> bytes:
    """The XLSX file of a workbook, every cell guarded first (for downloads)."""
    guard_workbook(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv_rows(handle: IO[str], rows: Iterable[Iterable[object]]) -> None:
    """CSV rows to an open text handle (opened with ``newline=""``), every cell guarded."""
    writer = csv.writer(handle, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """A CSV file in UTF-8 with a BOM (Excel in Japan opens it without mojibake), guarded."""
    buffer = io.StringIO()
    write_csv_rows(buffer, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_csv(path: Path, rows: Iterable[Iterable[object]]) -> Path:
    """Write a CSV file with every cell guarded: the one way we write CSV exports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows))
    return path
