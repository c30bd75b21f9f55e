"""Rows out of an XLSX sheet: python-calamine (Rust) where it gives exactly what openpyxl
gives, openpyxl where a workbook holds something calamine reports differently.

The rest of ikkan relies on openpyxl's read-only values (``data_only``): ``None`` for an
empty cell, ``int`` for a number written without a point or exponent, ``datetime`` for any
date cell, an error cell as its text (``"#N/A"``), the file's own row numbers. Calamine
reads the same sheet ~20x faster; ``_calamine_value`` maps its values onto openpyxl's:
``""`` → ``None``, ``date`` → ``datetime``, an integral float below 2**53 → ``int``.

What calamine cannot report as openpyxl does is found by ``openpyxl_needed`` from the XML
before reading, and such a workbook is read by openpyxl (slow, never different):

- an error cell (``t="e"``): calamine gives ``""``, openpyxl the error text;
- a number whose text openpyxl keeps apart: 16+ digits (openpyxl: an exact ``int``;
  calamine: a rounded float), a point or an exponent of 0..15 that may make an integral
  value (``2.0``, ``1E+3``; openpyxl: ``float``, not ``int``);
- an ``_xHHHH_`` escape in a string (calamine decodes it, openpyxl keeps the text);
- the 1904 date system (calamine reads dates before 1904 as times).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ikkan.errors import Location, SourceError

Cells = list[object]
NumberedRow = tuple[int, Cells]

_EXACT_FLOAT = 2**53
_CHUNK = 1 << 22
_OVERLAP = 256
# What calamine would report differently. Each pattern starts with a literal, which ``re``
# finds fast (one alternation of them all scans ~10x slower).
_SUSPECTS = (
    re.compile(rb'\bt="e"'),  # an error cell
    # a long integer (exact in openpyxl, rounded in calamine), an integral number written
    # with a point, an exponent that may make one (openpyxl: a float)
    re.compile(rb"<v>-?\d+(?:\d{15,}|\.0*|(?:\.\d+)?[eE]\+?(?:0?\d|1[0-5]))</v>"),
    re.compile(rb"_x[0-9A-Fa-f]{4}_"),  # an escaped character in a string
)
_DATE1904 = re.compile(rb'date1904="(?:1|true)"')


def openpyxl_needed(path: Path) -> str | None:
    """Why this workbook must be read by openpyxl (``None``: calamine gives the same rows)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" in names and _DATE1904.search(archive.read("xl/workbook.xml")):
                return "1904 date system"
            for name in names:
                part = name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"
                if part and _scan(archive, name):
                    return f"{name} holds a value calamine reports differently"
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile):
        return "not a readable zip archive"  # openpyxl's error message says what is wrong
    return None


def _scan(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as handle:
        while chunk := handle.read(_CHUNK):
            text = tail + chunk
            if any(pattern.search(text) for pattern in _SUSPECTS):
                return True
            tail = chunk[-_OVERLAP:]
    return False


def xlsx_rows(path: Path, sheet: str | None) -> Iterator[NumberedRow]:
    """Every row of the sheet (the first one unless named) with its sheet row number,
    trailing empty cells dropped, strings stripped: the same rows as ``openpyxl_rows``."""
    if openpyxl_needed(path) is not None:
        yield from openpyxl_rows(path, sheet)
    else:
        yield from _calamine_rows(path, sheet)


def _calamine_rows(path: Path, sheet: str | None) -> Iterator[NumberedRow]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several kinds for broken files
        raise SourceError(f"cannot open the workbook: {exc}", location=Location(str(path))) from exc
    try:
        names = [m.name for m in book.sheets_metadata]
        if sheet is not None and sheet not in names:
            raise _no_sheet(path, sheet, names)
        worksheet = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        # iter_rows starts at the sheet's row 1 but at its first used column
        last_row = worksheet.end[0] if worksheet.end else -1
        lead: Cells = [None] * (worksheet.start[1] if worksheet.start else 0)
        number = 0
        for number, values in enumerate(worksheet.iter_rows(), start=1):
            cells = [*lead, *map(_calamine_value, values)]
            while cells and cells[-1] is None:
                cells.pop()
            yield number, cells
        if number != last_row + 1:  # rows were numbered wrongly: never go on quietly
            raise SourceError(
                f"the sheet was read as {number} rows but ends at row {last_row + 1}",
                location=Location(str(path)),
                hint="nothing was imported; save the workbook again in Excel, or export the "
                "sheet as CSV, and import that",
            )
    finally:
        book.close()


def _calamine_value(value: object) -> object:
    if value.__class__ is str:
        return value.strip() or None
    if value.__class__ is float:
        if value.is_integer() and -_EXACT_FLOAT < value < _EXACT_FLOAT:
            return int(value)
        return value
    if value.__class__ is date:
        return datetime(value.year, value.month, value.day)
    return value


def openpyxl_rows(path: Path, sheet: str | None) -> Iterator[NumberedRow]:
    """The sheet read by openpyxl (read-only, cached formula values): the reference values."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise SourceError(f"cannot open the workbook: {exc}", location=Location(str(path))) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise _no_sheet(path, sheet, book.sheetnames)
        worksheet = book[sheet] if sheet else book.worksheets[0]
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells: Cells = [v.strip() if isinstance(v, str) else v for v in values]
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            yield number, cells
    finally:
        book.close()


def _no_sheet(path: Path, sheet: str, names: list[str]) -> SourceError:
    return SourceError(
        f"no sheet named {sheet!r}",
        location=Location(str(path)),
        hint="sheets are: " + ", ".join(names),
    )
