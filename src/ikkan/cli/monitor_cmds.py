"""``ikkan refresh``, ``ikkan status``, ``ikkan explain``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from ikkan.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("refresh")(refresh)
    app.command("status")(status)
    app.command("explain")(explain)


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    from ikkan.errors import UserError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of '{text}' is not a date", hint="write e.g. 2026-11-15") from None


def refresh(
    full: Annotated[bool, typer.Option("--full", help="recompute even if nothing changed")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="last day of data (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Compute every node for every period and dimension from the warehouse."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from ikkan.cli.render import console
    from ikkan.cli.terminal import one_line
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    with Progress(
        TextColumn("[bold]refresh[/]"),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def tick(what: str, done: int, total: int) -> None:
            bar.update(task, description=one_line(what), completed=done, total=total)

        report = ws.refresh(as_of=_as_of(as_of), full=full, progress=tick)
    if report.up_to_date:
        console.print("Up to date: nothing was imported since the last refresh (use --full).")
        return
    console.print(
        f"Computed {report.rows:,} values: {report.nodes_measured} measured nodes, "
        f"{report.nodes_derived} derived, in {report.seconds:.1f} s."
    )
    for line in report.skipped:
        console.print(Text.assemble("  ", ("not computed", "yellow"), f": {one_line(line)}"))


def status(
    period: Annotated[
        str | None, typer.Option("--period", help="2026-10, FY2026-Q3, FY2026-H1, FY2026 …")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="a dimension, e.g. channel")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    checklist: Annotated[
        bool, typer.Option("--checklist", help="the readiness checklist (seed 000)")
    ] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="today, for pacing")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
) -> None:
    """The tree with actual vs target, pacing, MoM / YoY, benchmarks and the bottleneck."""
    from ikkan.cli.status_render import print_checklist, print_status
    from ikkan.cli.terminal import echo_json
    from ikkan.reports.status_json import status_to_json
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    language = lang or ws.lang
    if checklist:
        results = ws.checklist(as_of=_as_of(as_of))
        if as_json:
            echo_json(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        else:
            print_checklist(results, language)
        return
    report = ws.status(period=period, by=by, as_of=_as_of(as_of))
    if as_json:
        echo_json(
            json.dumps(status_to_json(ws.tree, report), ensure_ascii=False, indent=2, default=str)
        )
        return
    assert ws.tree is not None
    print_status(ws.tree, report, language)


def explain(
    node: Annotated[str, typer.Argument(help="node id")],
    grain: Annotated[str, typer.Option("--grain", help="month, quarter, …")] = "month",
    by: Annotated[str | None, typer.Option("--by", help="a dimension")] = None,
    dialect: Annotated[
        str | None, typer.Option("--dialect", help="duckdb, postgres, bigquery, snowflake")
    ] = None,
) -> None:
    """How a node is computed: its definition, formula or query, and its inputs."""
    from ikkan.cli.status_render import print_explanation
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    print_explanation(ws.explain(node, grain=grain, by=by, dialect=dialect), ws.lang)
