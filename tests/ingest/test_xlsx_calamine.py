"""XLSX rows through python-calamine are exactly openpyxl's rows (the reference the rest of
ikkan was built on), on every workbook the tests build; what calamine reports differently
sends the workbook to openpyxl by an explicit rule."""

from __future__ import annotations

import csv
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from ikkan.errors import SourceError
from ikkan.ingest.engine.tabular import open_rows
from ikkan.ingest.engine.xlsx import _calamine_rows, openpyxl_needed, openpyxl_rows, xlsx_rows

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def trimmed(rows):
    """Rows without the trailing empty ones (openpyxl yields a sheet's empty styled rows
    after the data, calamine stops at the last value; every reader skips blank rows)."""
    rows = list(rows)
    while rows and not rows[-1][1]:
        rows.pop()
    return rows


def workbook(path: Path, rows, title: str = "Sheet") -> Path:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def typed(cell: str) -> object:
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    for layout in ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(cell, layout)
        except ValueError:
            pass
    return cell


def fixture_workbooks(folder: Path) -> list[Path]:
    """Every CSV fixture as a workbook of text and as one of typed cells, the workbooks
    other tests build, and the benchmark's Salesforce XLSX export."""
    from import_files import salesforce_leads_xlsx

    out = []
    for source in sorted(FIXTURES.glob("*.csv")):
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = source.read_text(encoding=encoding)
                break
            except UnicodeDecodeError:
                continue
        rows = list(csv.reader(text.splitlines()))
        out.append(workbook(folder / f"{source.stem}-text.xlsx", rows))
        out.append(
            workbook(folder / f"{source.stem}-typed.xlsx", [[typed(c) for c in r] for r in rows])
        )
    out.append(
        workbook(
            folder / "report.xlsx",
            [
                ["Opportunities by Stage"],
                [],
                ["Stage", "Opportunity Name", "Amount", "Close Date", "Opportunity ID"],
                ["Closed Won", "Deal A", 100000, datetime(2026, 3, 1), "006A"],
                [None, "Deal B", "JPY 70,000", 46100, "006B"],
                ["Subtotal", None, 300000],
                [],
                ["Confidential Information - Do Not Distribute"],
            ],
        )
    )
    leads = folder / "leads.xlsx"
    salesforce_leads_xlsx(leads, 300, "xlsx")
    out.append(leads)
    return out


def every_kind(path: Path) -> Path:
    """A sheet starting at C3 with every kind of value calamine maps onto openpyxl's."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet["C3"], sheet["D3"] = "head", "  padded  "
    numbers = [1, 2.0, 2.5, -0.0, 999999999999999, True, False, ""]
    moments = [datetime(2026, 3, 1), datetime(2026, 3, 1, 12, 30, 5, 123000), date(2026, 3, 2)]
    others = [time(13, 45, 10), timedelta(hours=30), "=1+2", datetime(1900, 1, 15)]
    sheet.append([None, None, *numbers, *moments, *others, 1 / 3, 1e20, 1.5e-7])
    sheet.append([])
    sheet.merge_cells("D6:E7")
    sheet["D6"] = "merged"
    sheet["F9"] = "after a gap"
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden["B2"], hidden["C2"] = "hidden", 12
    book.save(path)
    return path


def test_calamine_rows_equal_openpyxl_rows_on_every_fixture_workbook(tmp_path):
    paths = [*fixture_workbooks(tmp_path), every_kind(tmp_path / "kinds.xlsx")]
    assert len(paths) > 20
    for path in paths:
        assert openpyxl_needed(path) is None, path
        expected = trimmed(openpyxl_rows(path, None))
        assert trimmed(_calamine_rows(path, None)) == expected, path
        assert trimmed(open_rows(path).rows) == expected, path
        for a, b in zip(expected, trimmed(_calamine_rows(path, None)), strict=True):
            assert [type(v) for v in a[1]] == [type(v) for v in b[1]], (path, a)


def test_cells_keep_their_sheet_row_and_column(tmp_path):
    rows = dict(_calamine_rows(every_kind(tmp_path / "kinds.xlsx"), None))
    assert rows[3] == [None, None, "head", "padded"]
    assert rows[4][2:6] == [1, 2, 2.5, 0] and rows[4][10] == datetime(2026, 3, 1)
    assert rows[4][12:14] == [datetime(2026, 3, 2), time(13, 45, 10)]
    assert rows[6] == [None, None, None, "merged"] and rows[7] == []
    assert rows[9] == [None] * 5 + ["after a gap"]


def test_a_sheet_is_chosen_by_name_even_hidden(tmp_path):
    path = every_kind(tmp_path / "kinds.xlsx")
    assert list(_calamine_rows(path, "Hidden")) == list(openpyxl_rows(path, "Hidden"))
    assert dict(_calamine_rows(path, "Hidden"))[2] == [None, "hidden", 12]
    with pytest.raises(SourceError, match="no sheet named 'Nope'") as raised:
        list(xlsx_rows(path, "Nope"))
    assert raised.value.hint == "sheets are: Data, Hidden"


@pytest.mark.parametrize(
    ("cell", "openpyxl_value"),
    [
        ("#N/A", "#N/A"),  # an error cell: calamine gives ""
        ("line_x000D_end", "line_x000D_end"),  # calamine decodes the escape
    ],
)
def test_what_calamine_reports_differently_is_read_by_openpyxl(tmp_path, cell, openpyxl_value):
    path = workbook(tmp_path / "odd.xlsx", [["id", "value"], ["1", cell]])
    assert openpyxl_needed(path) is not None
    value = dict(xlsx_rows(path, None))[2][1]
    assert (value, type(value)) == (openpyxl_value, type(openpyxl_value))
    fast = dict(_calamine_rows(path, None))[2][1:]
    assert [(v, type(v)) for v in fast] != [(value, type(value))]  # the rule is needed


@pytest.mark.parametrize(
    ("text", "openpyxl_value"),
    [
        (b"5.0", 5.0),  # openpyxl: a float, calamine: 5.0 made an int
        (b"1E+3", 1000.0),  # the same with an exponent
        (b"12345678901234567", 12345678901234567),  # calamine: a rounded float
    ],
)
def test_numbers_written_as_openpyxl_keeps_apart_are_read_by_openpyxl(
    tmp_path, text, openpyxl_value
):
    whole = workbook(tmp_path / "whole.xlsx", [["id", "value"], ["1", 5]])
    path = tmp_path / "point.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"<v>5</v>", b"<v>" + text + b"</v>")
            target.writestr(item, data)
    assert openpyxl_needed(path) is not None
    value = dict(xlsx_rows(path, None))[2][1]
    assert (value, type(value)) == (openpyxl_value, type(openpyxl_value))
    fast = dict(_calamine_rows(path, None))[2][1]
    assert (fast, type(fast)) != (value, type(value))  # the rule is needed


def test_a_1904_workbook_is_read_by_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.active.append([datetime(1900, 3, 1)])
    book.save(tmp_path / "mac.xlsx")
    path = tmp_path / "mac.xlsx"
    assert openpyxl_needed(path) == "1904 date system"
    assert dict(xlsx_rows(path, None))[1] == [datetime(1900, 3, 1)]
    assert dict(_calamine_rows(path, None))[1] != [datetime(1900, 3, 1)]


def test_a_zip_that_is_no_workbook_says_so(tmp_path):
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SourceError, match="cannot open the workbook"):
        list(open_rows(path).rows)
