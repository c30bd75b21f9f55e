"""Every byte for a terminal or a spreadsheet leaves through one guarded place.

The terminal: ``ikkan.cli.terminal`` (a console that shows strings literally and strips
control characters). Spreadsheets: ``ikkan.reports.excel_safety`` (formula-injection guard).
A new module that made its own Rich console or saved a workbook itself would bypass them.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "ikkan"
# readers parse exports, the demo writes sample *input* files in the tools' own formats
NOT_OUTPUT = ("ingest/", "demo/")


def _sources() -> list[tuple[str, str]]:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 50
    return [(str(p.relative_to(SRC)), p.read_text(encoding="utf-8")) for p in files]


def test_only_the_terminal_module_makes_a_rich_console() -> None:
    pattern = re.compile(r"\bConsole\(|from rich import print|rich\.print\(")
    offenders = [
        name for name, text in _sources() if pattern.search(text) and name != "cli/terminal.py"
    ]
    assert offenders == []


def test_every_spreadsheet_writer_uses_excel_safety() -> None:
    writes = re.compile(r"csv\.writer\(|\.to_csv\(|openpyxl import Workbook|Workbook\(\)")
    offenders = [
        name
        for name, text in _sources()
        if writes.search(text)
        and name != "reports/excel_safety.py"
        and not name.startswith(NOT_OUTPUT)
        and "ikkan.reports.excel_safety import" not in text
    ]
    assert offenders == []
    assert "save_workbook(" in (SRC / "reports" / "plan_xlsx.py").read_text(encoding="utf-8")
