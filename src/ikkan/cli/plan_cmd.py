"""``ikkan plan``: the tree with every target worked out, top-down, per scenario and period."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ikkan.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def plan(
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="commit or stretch (default: both)")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="FY2026, FY2026-H1, FY2026-Q2 or a month like 2026-04"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    export: Annotated[
        Path | None, typer.Option("--export", help="write an Excel workbook (plan.xlsx)")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en (default: project)")] = None,
) -> None:
    """Work the targets back from the KGI: commit and stretch, by month of the fiscal year."""
    from ikkan.cli.render import console, print_plan
    from ikkan.errors import UserError
    from ikkan.model.planning import SCENARIOS
    from ikkan.reports.plan_json import plan_to_json
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    result = ws.plan()
    language = lang or ws.lang
    if scenario is not None and scenario not in SCENARIOS:
        raise UserError(f"unknown scenario '{scenario}'", hint="use commit or stretch")
    scenarios = (scenario,) if scenario else SCENARIOS
    key = period or (result.period.key if result.period else "")
    chosen = {s: result.for_period(s, key) for s in scenarios}
    issues = ws.validate()
    if export is not None:
        from ikkan.reports.plan_xlsx import write_plan_xlsx

        write_plan_xlsx(result, export, language)
    if as_json:
        periods = [chosen[scenarios[0]].period.key] if period else None
        document = plan_to_json(result, issues, scenarios=scenarios, periods=periods)
        from ikkan.cli.terminal import echo_json

        echo_json(json.dumps(document, ensure_ascii=False, indent=2))
        return
    print_plan(result, chosen, language)
    if export is not None:
        console.print(f"Wrote {export}")
