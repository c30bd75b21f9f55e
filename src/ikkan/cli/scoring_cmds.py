"""``ikkan leads score|show`` and ``ikkan scoring quality|whatif|advise|publish|log``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikkan.cli.state import STATE

if TYPE_CHECKING:
    from ikkan.services.scoring.facade import Scoring

leads_app = typer.Typer(help="Lead scores: score every lead, show one lead's reasons.")
scoring_app = typer.Typer(help="Scoring rules: quality, what-if, advise, publish, log.")

Months = Annotated[int, typer.Option("--months", help="back-test window length in months")]
Mature = Annotated[
    int, typer.Option("--mature-days", help="leave out leads younger than this (still converting)")
]
After = Annotated[
    int, typer.Option("--days-after", help="score each lead this many days after it entered")
]
AsJson = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def register(app: typer.Typer) -> None:
    leads_app.command("score")(score)
    leads_app.command("show")(show)
    scoring_app.command("quality")(quality)
    scoring_app.command("whatif")(whatif)
    scoring_app.command("advise")(advise)
    scoring_app.command("publish")(publish)
    scoring_app.command("log")(log)
    app.add_typer(leads_app, name="leads")
    app.add_typer(scoring_app, name="scoring")


def _scoring() -> Scoring:
    from ikkan.workspace import Workspace

    return Workspace.open(STATE.project).scoring()


def _json(data: Any) -> None:
    from ikkan.cli.terminal import echo_json

    echo_json(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def score(
    as_of: Annotated[str | None, typer.Option("--as-of", help="score as of (YYYY-MM-DD)")] = None,
    as_json: AsJson = False,
) -> None:
    """Score every lead in the warehouse (also part of `ikkan refresh`)."""
    from ikkan.cli.monitor_cmds import _as_of
    from ikkan.cli.render import console

    result = _scoring().score(_as_of(as_of))
    if as_json:
        _json(result.__dict__)
        return
    console.print(
        f"Scored {result.leads:,} leads as of {result.as_of}: {result.mql:,} MQL, "
        f"{result.changed:,} changed, in {result.seconds:.1f} s (rules {result.rules_hash})."
    )
    console.print("  " + "  ".join(f"{c} {n:,}" for c, n in result.cells.items()))
    if not result.published:
        console.print(
            "These rules differ from the last published version "
            "(`ikkan scoring publish --why ...` records the change)."
        )


def show(
    lead: Annotated[str, typer.Argument(help="lead key, source record id or e-mail")],
    as_json: AsJson = False,
) -> None:
    """One lead's score: grade, cell, MQL, the points rule by rule, and its history."""
    from ikkan.cli.scoring_render import print_lead

    s = _scoring()
    found = s.lead(lead)
    if as_json:
        _json(found.to_dict())
        return
    print_lead(found, s.lang)


def _window(s: Scoring, months: int, mature_days: int, days_after: int) -> Any:
    return s.window(months=months, mature_days=mature_days, days_after=days_after)


def quality(
    months: Months = 12, mature_days: Mature = 90, days_after: After = 0, as_json: AsJson = False
) -> None:
    """Does the score predict? Conversion by band and cell, AUC, calibration, MQL capture,
    on a time split (score as of the day each lead entered, outcome later)."""
    from ikkan.cli.scoring_render import print_quality

    s = _scoring()
    result = s.quality(_window(s, months, mature_days, days_after))
    if as_json:
        _json(result.to_dict())
        return
    print_quality(result, s.lang)


def whatif(
    rules: Annotated[Path, typer.Option("--rules", help="YAML with the changed scoring: section")],
    months: Months = 12,
    mature_days: Mature = 90,
    days_after: After = 0,
    as_json: AsJson = False,
) -> None:
    """How a changed rule would have moved MQL count, MQL → opportunity rate and AUC."""
    from ikkan.cli.scoring_render import print_what_if

    s = _scoring()
    result = s.what_if(rules, _window(s, months, mature_days, days_after))
    if as_json:
        _json(result.to_dict())
        return
    print_what_if(result, s.lang)


def advise(
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", help="leads a month inside sales can work (scoring.capacity)"),
    ] = None,
    months: Months = 12,
    mature_days: Mature = 90,
    days_after: After = 0,
    as_json: AsJson = False,
) -> None:
    """The MQL rule (minimum score or grid cells) that fills inside sales' capacity with the
    most later opportunities, from the back-test (docs/scoring.md states the method)."""
    from ikkan.cli.scoring_render import print_advice

    s = _scoring()
    result = s.advise(_window(s, months, mature_days, days_after), capacity)
    if as_json:
        _json(result.to_dict())
        return
    print_advice(result, s.lang)


def publish(
    why: Annotated[str, typer.Option("--why", help="the reason for the change")],
    by: Annotated[str | None, typer.Option("--by", help="who publishes (default: login)")] = None,
    months: Months = 12,
    mature_days: Mature = 90,
) -> None:
    """Record the scoring: section of ikkan.yml as the next version and rescore every lead."""
    import getpass

    from ikkan.cli.render import console

    s = _scoring()
    record = s.publish(
        by=by or getpass.getuser(), why=why, window=_window(s, months, mature_days, 0)
    )
    console.print(
        f"Published scoring rules version {record.version} ({record.rules_hash}) by "
        f"{record.published_by} at {record.published_at}; every lead rescored."
    )


def log(as_json: AsJson = False) -> None:
    """Published scoring rule versions: who, when, why."""
    from rich.table import Table

    from ikkan.cli.render import console
    from ikkan.cli.terminal import clean

    versions = _scoring().log()
    if as_json:
        _json([v.__dict__ for v in versions])
        return
    table = Table(title="Scoring rule versions")
    for name in ("version", "rules", "published", "by", "why", "MQL change"):
        table.add_column(name)
    for v in versions:
        moved = ""
        if v.effect:
            moved = f"{v.effect['current']['mql']:,} → {v.effect['new']['mql']:,}"
        table.add_row(
            str(v.version),
            v.rules_hash,
            str(v.published_at),
            clean(v.published_by),
            clean(v.why),
            moved,
        )
    console.print(table)
