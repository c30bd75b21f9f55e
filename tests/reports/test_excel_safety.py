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
