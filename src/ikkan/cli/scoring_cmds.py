"""``ikkan leads score|show`` and ``ikkan scoring quality|whatif|publish|log``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikkan.cli.state import STATE

if TYPE_CHECKING:
    from ikkan.services.scoring.facade import Scoring

leads_app = typer.Typer(help="Lead scores: score every lead, show one lead's reasons.")
scoring_app = typer.Typer(help="Scoring rules: quality, what-if, publish, log.")

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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


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
    from rich.table import Table

    from ikkan.cli.render import console
    from ikkan.cli.terminal import clean

    found = _scoring().lead(lead)
    if as_json:
        _json(found.to_dict())
        return
    mql = "MQL: yes" if found.mql else "MQL: no"
    console.print(
        f"{clean(found.name or found.lead_key)} {clean(found.company or '')} "
        f"({clean(found.lead_key)}, created {found.created_at})"
    )
    console.print(
        f"Score {found.score:g} = fit {found.fit:g} + engagement {found.engagement:g}  "
        f"grade {found.grade}, level {found.level}, cell {found.cell}  {mql}  "
        f"(as of {found.as_of})"
    )
    table = Table(title="Reasons (they add up to the score)")
    for name in ("kind", "group", "rule", "events", "points"):
        table.add_column(name, justify="right" if name in ("events", "points") else "left")
    for r in found.reasons:
        table.add_row(r.kind, clean(r.group), clean(r.label), str(r.events), f"{r.points:g}")
    table.add_row("", "", "total", "", f"{found.score:g}")
    console.print(table)
    history = Table(title="History (current rules)")
    for name in ("as of", "fit", "engagement", "score", "cell", "MQL"):
        history.add_column(name)
    for h in found.history:
        history.add_row(
            str(h.as_of),
            f"{h.fit:g}",
            f"{h.engagement:g}",
            f"{h.score:g}",
            h.cell,
            "yes" if h.mql else "",
        )
    console.print(history)


def _window(s: Scoring, months: int, mature_days: int, days_after: int) -> Any:
    return s.window(months=months, mature_days=mature_days, days_after=days_after)


def quality(
    months: Months = 12, mature_days: Mature = 90, days_after: After = 0, as_json: AsJson = False
) -> None:
    """Does the score predict? Conversion by band and cell, AUC, calibration, MQL capture,
    on a time split (score as of the day each lead entered, outcome later)."""
    from rich.table import Table

    from ikkan.cli.render import console

    s = _scoring()
    result = s.quality(_window(s, months, mature_days, days_after))
    if as_json:
        _json(result.to_dict())
        return
    f, w = result.figures, result.window
    console.print(
        f"Leads created {w.start} … {w.end} (before), scored {w.days_after} day(s) after entry: "
        f"{f.leads:,} leads, {f.opportunities:,} later opportunities, {f.won:,} won "
        f"({result.excluded:,} left out: opportunity on or before the scoring day)."
    )
    console.print(
        f"AUC: opportunity {_num(f.auc_opportunity)}, won {_num(f.auc_won)} "
        "(0.5 = no better than chance)"
    )
    for title, groups in (("By score band", f.bands), ("By grid cell", f.cells)):
        table = Table(title=title)
        for name in ("", "leads", "opportunity", "opp. rate", "won", "win rate"):
            table.add_column(name, justify="right")
        for g in groups:
            table.add_row(
                g.name,
                f"{g.leads:,}",
                f"{g.opportunities:,}",
                _pct(g.opportunity_rate),
                f"{g.won:,}",
                _pct(g.win_rate),
            )
        console.print(table)
    table = Table(title="Calibration (score deciles)")
    for name in ("decile", "leads", "score range", "mean", "opp. rate", "win rate"):
        table.add_column(name, justify="right")
    for c in f.calibration:
        table.add_row(
            str(c.decile),
            f"{c.leads:,}",
            f"{c.min_score:g}–{c.max_score:g}",
            f"{c.mean_score:.1f}",
            _pct(c.opportunity_rate),
            _pct(c.win_rate),
        )
    console.print(table)
    console.print(
        "Rates rise with the score." if f.monotone else "Rates do not rise steadily with the score."
    )
    m = f.mql
    console.print(
        f"MQL rule: {m.mql:,} MQL ({_pct(m.share_of_leads)} of leads); MQL → opportunity "
        f"{_pct(m.opportunity_rate)} vs {_pct(m.other_opportunity_rate)} for the rest; catches "
        f"{_pct(m.opportunities_caught)} of opportunities and {_pct(m.wins_caught)} of wins."
    )


def whatif(
    rules: Annotated[Path, typer.Option("--rules", help="YAML with the changed scoring: section")],
    months: Months = 12,
    mature_days: Mature = 90,
    days_after: After = 0,
    as_json: AsJson = False,
) -> None:
    """How a changed rule would have moved MQL count, MQL → opportunity rate and AUC."""
    from rich.table import Table

    from ikkan.cli.render import console

    s = _scoring()
    result = s.what_if(rules, _window(s, months, mature_days, days_after))
    if as_json:
        _json(result.to_dict())
        return
    w = result.window
    table = Table(title=f"What-if on leads created {w.start} … {w.end} (before)")
    for name in ("", "current", "new", "change"):
        table.add_column(name, justify="right")
    a, b = result.current, result.new
    table.add_row("MQL", f"{a.mql:,}", f"{b.mql:,}", f"{b.mql - a.mql:+,}")
    for label, x, y in (
        ("MQL → opportunity", a.mql_opportunity_rate, b.mql_opportunity_rate),
        ("wins caught", a.wins_caught, b.wins_caught),
    ):
        change = "–" if x is None or y is None else f"{(y - x) * 100:+.1f} pt"
        table.add_row(label, _pct(x), _pct(y), change)
    for label, x, y in (
        ("AUC (opportunity)", a.auc_opportunity, b.auc_opportunity),
        ("AUC (won)", a.auc_won, b.auc_won),
    ):
        change = "–" if x is None or y is None else f"{y - x:+.3f}"
        table.add_row(label, _num(x), _num(y), change)
    console.print(table)
    console.print(f"{result.moved_in:,} leads would become MQL, {result.moved_out:,} would not be.")


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
