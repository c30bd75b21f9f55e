"""``ikkan ingest`` and ``ikkan quality``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ikkan.cli.state import STATE
from ikkan.errors import UserError


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("quality")(quality)
    app.command("rejects")(rejects)


def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="[SOURCE or READER] files or folders (default: every source in ikkan.yml)"
        ),
    ] = None,
    reader: Annotated[
        str | None,
        typer.Option(
            "--reader",
            help="hubspot_contacts, salesforce_opportunities, ga4 … "
            "(default: detected from the file)",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="re-read files already imported")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
) -> None:
    """Import exports (HubSpot, Salesforce, GA4, ad platforms, Zoom, generic CSV/XLSX)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ikkan.cli.data_render import print_ingest
    from ikkan.cli.render import console
    from ikkan.cli.terminal import one_line
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    with Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("", total=None)

        def tick(name: str, rows: int, index: int, total: int) -> None:
            bar.update(
                task,
                completed=index - 1,
                total=total,
                description=one_line(f"{name}: {rows:,} rows"),
            )

        outcomes = ws.ingest(list(paths or []), reader=reader, force=force, progress=tick)
    if as_json:
        from ikkan.cli.terminal import echo_json

        echo_json(
            json.dumps(
                [
                    {
                        "file": str(o.path),
                        "reader": o.reader,
                        "rows_read": o.rows_read,
                        "rejected": o.rejected,
                        "skipped": o.skipped,
                        "warnings": o.warnings,
                        "missing": o.missing,
                        "error": o.error.render() if o.error else None,
                        "load": o.report.to_dict() if o.report else None,
                    }
                    for o in outcomes
                ],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        print_ingest(outcomes, ws.lang)
    if any(not o.ok for o in outcomes):
        raise typer.Exit(1)


def quality(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
) -> None:
    """Data quality: duplicates, missing fields, dates out of order, unmapped values …"""
    from ikkan.cli.data_render import print_quality
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    report = ws.quality()
    if as_json:
        from ikkan.cli.terminal import echo_json

        echo_json(report.to_json())
        return
    print_quality(report, ws.lang)


def rejects(
    file: Annotated[
        str | None, typer.Option("--file", help="only files whose path contains this")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="at most this many rows")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable list")] = False,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="all, rejected (could not be read) or skipped (left out on purpose: "
            "summary, subtotal, staff and merged rows)",
        ),
    ] = "all",
) -> None:
    """Rows that could not be imported, with file, row, column, value and reason."""
    from rich.table import Table

    from ikkan.cli.render import console
    from ikkan.cli.terminal import one_line
    from ikkan.workspace import Workspace

    if kind not in ("all", "rejected", "skipped"):
        raise UserError(f"unknown --kind {kind!r}", hint="use all, rejected or skipped")
    ws = Workspace.open(STATE.project)
    rows = ws.rejected_rows(file=file, limit=limit + 1, kind=kind)  # one more: to say when cut
    more, rows = len(rows) > limit, rows[:limit]
    if as_json:
        from ikkan.cli.terminal import echo_json

        echo_json(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        console.print("No rejected rows." if ws.lang != "ja" else "除外された行はありません。")
        return
    table = Table(box=None, header_style="bold")
    for name in ("file", "row", "column", "value", "reason"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(
            one_line(Path(r["file_path"]).name),
            str(r["row_number"]),
            one_line(r["column_name"] or ""),
            one_line(r["raw_value"] or ""),
            one_line(r["reason"]),
        )
    console.print(table)
    if more:
        from rich.text import Text

        console.print(
            Text(
                f"Only the first {limit:,} rows are shown; there are more (--limit N)."
                if ws.lang != "ja"
                else f"先頭の {limit:,} 行のみ表示しています。ほかにもあります（--limit N）。",
                style="yellow",
            )
        )
