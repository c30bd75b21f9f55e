"""Rich output of ``ikkan ingest`` and ``ikkan quality``."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from ikkan.cli.render import console, print_error

HEAD = {
    "en": ("File", "Reader", "Read", "New", "Updated", "Unchanged", "Rejected", "s"),
    "ja": ("ファイル", "形式", "読込", "新規", "更新", "変更なし", "除外", "秒"),
}


def print_ingest(outcomes: list[Any], lang: str) -> None:
    table = Table(box=None, header_style="bold")
    for i, name in enumerate(HEAD["ja" if lang == "ja" else "en"]):
        if i == 0:
            table.add_column(name, min_width=18, overflow="fold")
        else:
            table.add_column(name, justify="left" if i < 2 else "right", no_wrap=True)
    totals = [0, 0, 0, 0, 0]
    for o in outcomes:
        r = o.report
        if o.error is not None:
            table.add_row(
                o.path.name,
                o.reader or "?",
                Text("error", style="red"),
                "",
                "",
                "",
                "",
                f"{o.seconds:.1f}",
            )
            continue
        assert r is not None
        label = {"already_imported": "skipped (same file)", "failed": "FAILED"}.get(r.status)
        values = [o.rows_read, r.inserted, r.updated, r.unchanged, o.rejected]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        table.add_row(
            o.path.name,
            o.reader or "",
            f"{o.rows_read:,}",
            label or f"{r.inserted:,}",
            "" if label else f"{r.updated:,}",
            "" if label else f"{r.unchanged:,}",
            Text(f"{o.rejected:,}", style="yellow" if o.rejected else ""),
            f"{o.seconds:.1f}",
        )
    table.add_row(Text("total", style="bold"), "", *[f"{t:,}" for t in totals], "")
    console.print(table)
    for o in outcomes:
        if o.error is not None:
            console.print(Text(f"{o.path}:", style="bold red"))
            print_error(o.error)
        for warning in o.warnings[:5]:
            console.print(Text(f"  {o.path.name}: {warning}", style="dim"))
        if len(o.warnings) > 5:
            console.print(
                Text(f"  {o.path.name}: … {len(o.warnings) - 5} more warnings", style="dim")
            )
    if any(o.rejected for o in outcomes):
        console.print(
            Text(
                "Rejected rows are kept with file, row, column and reason: see 'ikkan quality'.",
                style="yellow",
            )
        )


def print_quality(report: Any, lang: str) -> None:
    if not report.findings:
        console.print(
            Text(
                "No data quality problems found."
                if lang != "ja"
                else "データ品質の問題は見つかりませんでした。",
                style="green",
            )
        )
        return
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for f in report.findings:
        console.print(
            Text.assemble(
                (f"{f.severity} ", style.get(str(f.severity), "")),
                (f"[{f.check}] ", "dim"),
                f"{f.count:,} — {f.message}",
            )
        )
        for example in f.examples[:3]:
            console.print(
                Text("    " + ", ".join(f"{k}={v}" for k, v in example.items()), style="dim")
            )
        if f.hint:
            console.print(Text(f"  hint: {f.hint}", style="dim"))
