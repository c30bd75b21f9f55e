from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ikkan.reports.excel_safety import safe_text
from ikkan.reports.plan_xlsx import write_plan_xlsx
from ikkan.workspace import Workspace


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+81 3", "'+81 3"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ('＝HYPERLINK("x")', '\'＝HYPERLINK("x")'),
        ("売上", "売上"),
        ("a=b", "a=b"),
    ],
)
def test_safe_text(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_plan_export_defuses_formulas_in_labels(write_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_project("""
ikkan: 1
company: {name: x}
plan: {period: FY2026}
nodes:
  revenue:
    kind: KGI
    unit: JPY
    label: {ja: "=HYPERLINK(\\"http://evil\\",\\"click\\")", en: "@cmd"}
    target: 100
""")
    path = write_plan_xlsx(Workspace.open(folder).plan(), tmp_path / "p.xlsx", "ja")
    sheet = load_workbook(path)["計画"]
    assert sheet["B2"].value.startswith("'=HYPERLINK")
    assert sheet["B2"].data_type == "s"


DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
HOSTILE_SPEC = """
ikkan: 1
company: {name: "=HYPERLINK(\\"http://evil\\",\\"co\\")"}
plan: {period: FY2026}
departments:
  "=HYPERLINK(\\"http://evil\\",\\"dept\\")": {label: {ja: "+cmd|' /C calc'!A0", en: "-2+3"}}
nodes:
  revenue:
    kind: KGI
    unit: JPY
    label: {ja: " =1+1", en: "\\e[2J@SUM(A1)"}
    owner: {department: "=HYPERLINK(\\"http://evil\\",\\"dept\\")"}
    formula: deals * deal_size
    target: {commit: 100_000_000, stretch: 120_000_000}
  deals:
    kind: KPI
    unit: count
    label: {ja: "＝1+1", en: "\\tx"}
    owner: {department: "=HYPERLINK(\\"http://evil\\",\\"dept\\")"}
  deal_size:
    kind: KPI
    unit: JPY
    label: {ja: "＠x", en: "\\x01-1"}
    assumption: 1_000_000
"""


def _assert_every_cell_inert(path: Path) -> int:
    """Open the file as a spreadsheet user would and check every cell of every sheet."""
    book = load_workbook(path)
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    bare = cell.value.lstrip(" \u3000")
                    assert not bare.startswith(DANGEROUS), (sheet.title, cell.coordinate)
    return texts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_plan_export_guards_every_cell_of_every_sheet(
    write_project,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    lang: str,
) -> None:
    """The CLI's ``plan --export``: department, labels, every sheet (issue 14, point 17)."""
    from tests.cli.test_cli_plan import ikkan

    folder = write_project(HOSTILE_SPEC)
    target = tmp_path / f"plan-{lang}.xlsx"
    result = ikkan("plan", "--export", str(target), "--lang", lang, cwd=folder)
    assert "Internal error" not in result.stderr
    assert _assert_every_cell_inert(target) > 10
    plan = load_workbook(target).worksheets[0]
    departments = [row[4].value for row in plan.iter_rows(min_row=2) if row[4].value]
    assert departments and all(d.startswith("'=HYPERLINK") for d in departments)
    names = {row[1].value for row in plan.iter_rows(min_row=2)}
    label = "' =1+1" if lang == "ja" else "[2J@SUM(A1)"  # control character removed
    assert label in names


def test_write_csv_guards_every_cell(tmp_path: Path) -> None:
    import csv

    from ikkan.reports.excel_safety import write_csv

    rows = [["id", "name", "amount"], ["=1+1", "@x", -5], ["a\x01b", "－1", None]]
    path = write_csv(tmp_path / "out.csv", rows)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read == [["id", "name", "amount"], ["'=1+1", "'@x", "-5"], ["ab", "'－1", ""]]
    for row in read:
        for value in row[:2]:
            assert not value.startswith(DANGEROUS)


def test_save_workbook_guards_cells_written_without_safe_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from ikkan.reports.excel_safety import save_workbook

    book = Workbook()
    book.active.append(['=HYPERLINK("http://evil","x")', "+1", "fine", 3])
    book.create_sheet("two")["B2"] = "@SUM(A1)"
    path = save_workbook(book, tmp_path / "raw.xlsx")
    assert _assert_every_cell_inert(path) == 4
    assert load_workbook(path).active["A1"].value == '\'=HYPERLINK("http://evil","x")'
