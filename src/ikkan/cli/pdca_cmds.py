"""``ikkan targets|actions|notes|checkins``: target revisions and the PDCA log on the CLI.

The CLI acts as the person running it (``--by``, ``IKKAN_USER`` or the login name) with an
admin's rights: see ``services.pdca_access.local_actor`` (a placeholder until sign-in).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikkan.cli.state import STATE

if TYPE_CHECKING:
    from ikkan.services.pdca_records import ActionView
    from ikkan.workspace import Workspace

PRECEDENCE = (
    "Precedence: for each node, scenario and period the newest revision wins over ikkan.yml "
    "as long as ikkan.yml still holds the target it held when the revision was made; once "
    "that target in ikkan.yml changes, ikkan.yml wins (the revision is kept, shown as "
    "superseded)."
)

targets_app = typer.Typer(help="Target revisions (who, when, old, new, why). " + PRECEDENCE)
actions_app = typer.Typer(help="PDCA actions on a node, with their measured effect.")
notes_app = typer.Typer(help="Qualitative notes on a node: customer voice, meeting minutes.")
checkins_app = typer.Typer(help="Check-ins on a node: value, status, comment.")

By = Annotated[str | None, typer.Option("--by", help="who (default: IKKAN_USER or login)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Lang = Annotated[str | None, typer.Option("--lang", help="ja or en (default: project)")]


def register(app: typer.Typer) -> None:
    app.add_typer(targets_app, name="targets")
    app.add_typer(actions_app, name="actions")
    app.add_typer(notes_app, name="notes")
    app.add_typer(checkins_app, name="checkins")


def _ws() -> Workspace:
    from ikkan.workspace import Workspace

    return Workspace.open(STATE.project)


def _actor(by: str | None) -> Any:
    from ikkan.services.pdca_access import local_actor

    return local_actor(by)


def _print(rows: list[dict[str, Any]], columns: list[str], title: str) -> None:
    from rich.table import Table

    from ikkan.cli.render import console
    from ikkan.cli.terminal import one_line

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(one_line("" if row.get(c) is None else row[c]) for c in columns))
    console.print(table)


def _echo_json(document: Any) -> None:
    from ikkan.cli.terminal import echo_json

    echo_json(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def _date(text: str, option: str) -> date:
    from ikkan.errors import UserError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} '{text}' is not a date", hint="use YYYY-MM-DD") from None


def _percent(text: str | None) -> tuple[float | None, float | None]:
    """``10%..20%`` (or ``0.1..0.2``) → (0.1, 0.2)."""
    from ikkan.errors import UserError

    if not text:
        return None, None
    low, sep, high = text.partition("..")

    def one(part: str) -> float:
        part = part.strip()
        try:
            return float(part[:-1]) / 100 if part.endswith("%") else float(part)
        except ValueError:
            raise UserError(f"--expect '{text}' is not a range", hint="e.g. 10%..20%") from None

    first = one(low)
    return first, one(high) if sep else first


# -- targets --------------------------------------------------------------------------------
@targets_app.command("revise")
def revise(
    node: Annotated[str, typer.Argument(help="node id")],
    value: Annotated[float, typer.Argument(help="the new target, in the node's unit")],
    reason: Annotated[str, typer.Option("--reason", help="why it changes (required)")],
    scenario: Annotated[str, typer.Option("--scenario", help="commit or stretch")] = "commit",
    period: Annotated[
        str, typer.Option("--period", help="'plan' (the target as written) or a month YYYY-MM")
    ] = "plan",
    by: By = None,
    as_json: Json = False,
) -> None:
    """Change a node's commit or stretch target with a reason; the plan is worked out again."""
    ws = _ws()
    revision = ws.pdca().revise_target(
        _actor(by), node, scenario, value, reason, period="" if period == "plan" else period
    )
    moved = [m.to_dict() for m in revision.moved]
    if as_json:
        _echo_json(
            {
                "id": revision.id,
                "old": revision.old_value,
                "new": revision.new_value,
                "moved": moved,
            }
        )
        return
    from rich.text import Text

    from ikkan.cli.render import console

    console.print(
        Text(f"revision #{revision.id}: {node} {scenario} {revision.old_value} → {value}")
    )
    months = [m for m in moved if len(str(m["period"])) == 7 and str(m["period"])[4] == "-"]
    periods = [m for m in moved if m not in months]
    _print(periods, ["node", "scenario", "period", "before", "after"], "targets moved")
    if months:
        console.print(Text(f"and {len(months)} monthly value(s) (--json lists them)"))


@targets_app.command("history")
def history(
    node: Annotated[str | None, typer.Argument(help="node id (default: every node)")] = None,
    as_json: Json = False,
) -> None:
    """Every revision: who, when, old, new, why, whether it applies, what it moved."""
    statuses = _ws().effective_targets().statuses
    rows = [
        {
            "id": s.revision.id,
            "node": s.revision.node_id,
            "scenario": s.revision.scenario,
            "period": s.revision.period or "plan",
            "old": s.revision.old_value,
            "new": s.revision.new_value,
            "reason": s.revision.reason,
            "by": s.revision.actor,
            "at": s.revision.created_at.isoformat(sep=" "),
            "status": s.why,
            "moved": len(s.revision.moved),
        }
        for s in statuses
        if node is None or s.revision.node_id == node
    ]
    if as_json:
        _echo_json(rows)
        return
    _print(rows, list(rows[0]) if rows else ["id"], "target revisions")


@targets_app.command("export")
def export(
    out: Annotated[Path | None, typer.Argument(help="file to write (default: stdout)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="yaml or csv")] = None,
) -> None:
    """Write the targets in force (ikkan.yml + revisions) as YAML or CSV."""
    from ikkan.errors import UserError
    from ikkan.services.targets_io import export_rows, export_text

    chosen = fmt or ("csv" if out is not None and out.suffix.lower() == ".csv" else "yaml")
    if chosen not in ("yaml", "csv"):
        raise UserError(f"unknown format '{chosen}'", hint="use yaml or csv")
    data = export_text(export_rows(_ws().effective_targets()), chosen)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {out}")


@targets_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="a .yml/.yaml or .csv targets file")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="reason for rows without one")
    ] = None,
    by: By = None,
) -> None:
    """Store a revision for each row whose value differs from the target in force.
    Every row is checked first; one bad row and nothing is imported."""
    from ikkan.services.targets_io import import_rows, read_rows

    ws = _ws()
    rows = read_rows(path, reason)
    revised, unchanged = import_rows(ws.pdca(), _actor(by), rows, path)
    typer.echo(f"{revised} target(s) revised, {unchanged} unchanged")


# -- actions --------------------------------------------------------------------------------
@actions_app.command("add")
def add_action(
    node: Annotated[str, typer.Argument(help="node id")],
    title: Annotated[str, typer.Argument(help="what will be done")],
    start: Annotated[str, typer.Option("--start", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--end", help="last day, YYYY-MM-DD")],
    hypothesis: Annotated[str, typer.Option("--hypothesis", help="why it should work")] = "",
    owner: Annotated[str, typer.Option("--owner", help="who does it")] = "",
    status: Annotated[str, typer.Option("--status", help="planned, doing, done, dropped")] = (
        "planned"
    ),
    expect: Annotated[
        str | None, typer.Option("--expect", help="expected effect, e.g. 10%..20%")
    ] = None,
    by: By = None,
    as_json: Json = False,
) -> None:
    """Log an action on a node (what, hypothesis, owner, start/end, expected effect)."""
    low, high = _percent(expect)
    view = (
        _ws()
        .pdca()
        .add_action(
            _actor(by),
            node,
            title,
            _date(start, "--start"),
            _date(end, "--end"),
            hypothesis=hypothesis,
            owner=owner,
            status=status,
            expected_low=low,
            expected_high=high,
        )
    )
    if as_json:
        _echo_json(view.to_dict())
        return
    typer.echo(f"action #{view.id} on {node}: {view.status}")


@actions_app.command("done")
def done(
    action_id: Annotated[int, typer.Argument(help="action number")],
    end: Annotated[str | None, typer.Option("--end", help="actual last day")] = None,
    dropped: Annotated[bool, typer.Option("--dropped", help="mark dropped instead")] = False,
    by: By = None,
    as_json: Json = False,
    lang: Lang = None,
) -> None:
    """Finish an action; prints its measured effect."""
    ws = _ws()
    view = ws.pdca().set_action_status(
        _actor(by),
        action_id,
        "dropped" if dropped else "done",
        end=_date(end, "--end") if end else None,
    )
    if as_json:
        _echo_json(view.to_dict())
        return
    _print([_action_row(ws, view, lang or ws.lang)], _ACTION_COLUMNS, f"action #{view.id}")


_ACTION_COLUMNS = ["id", "node", "title", "status", "start", "end", "owner", "effect"]


def _action_row(ws: Workspace, view: ActionView, lang: str) -> dict[str, Any]:
    from ikkan.monitor.effect_text import describe_effect as effect_text

    node = ws.tree.nodes.get(view.node_id) if ws.tree else None
    return {
        "id": view.id,
        "node": view.node_id,
        "title": view.title,
        "status": view.status,
        "start": view.start.isoformat(),
        "end": view.end.isoformat(),
        "owner": view.owner,
        "effect": effect_text(view.effect, node, lang) if view.effect else "",
    }


@actions_app.command("list")
def list_actions(
    node: Annotated[str | None, typer.Argument(help="node id (default: every node)")] = None,
    status: Annotated[str | None, typer.Option("--status", help="only this status")] = None,
    as_json: Json = False,
    lang: Lang = None,
) -> None:
    """Actions, oldest first; finished ones with their measured effect."""
    ws = _ws()
    views = ws.pdca().actions(node, status)
    if as_json:
        _echo_json([v.to_dict() for v in views])
        return
    _print([_action_row(ws, v, lang or ws.lang) for v in views], _ACTION_COLUMNS, "actions")


# -- notes and check-ins ----------------------------------------------------------------------
@notes_app.command("add")
def add_note(
    node: Annotated[str, typer.Argument(help="node id")],
    body: Annotated[str, typer.Argument(help="the note")],
    kind: Annotated[str, typer.Option("--kind", help="customer_voice, minutes or other")] = "other",
    by: By = None,
) -> None:
    """Add a qualitative note (customer voice, meeting minutes) to a node."""
    entry = _ws().pdca().add_note(_actor(by), node, body, kind)
    typer.echo(f"note #{entry.id} on {node}")


@notes_app.command("list")
def list_notes(
    node: Annotated[str | None, typer.Argument(help="node id (default: every node)")] = None,
    as_json: Json = False,
) -> None:
    """Notes, newest first."""
    entries = [e.to_dict() for e in _ws().pdca().notes(node)]
    if as_json:
        _echo_json(entries)
        return
    _print(entries, ["id", "node", "kind", "body", "actor", "created_at"], "notes")


@checkins_app.command("add")
def add_checkin(
    node: Annotated[str, typer.Argument(help="node id")],
    status: Annotated[str, typer.Argument(help="on_track, at_risk or off_track")],
    value: Annotated[float | None, typer.Option("--value", help="the value seen")] = None,
    comment: Annotated[str, typer.Option("--comment", help="what is going on")] = "",
    by: By = None,
) -> None:
    """Record a check-in (value, status, comment) on a node."""
    entry = _ws().pdca().add_checkin(_actor(by), node, status, value, comment)
    typer.echo(f"check-in #{entry.id} on {node}: {status}")


@checkins_app.command("list")
def list_checkins(
    node: Annotated[str | None, typer.Argument(help="node id (default: every node)")] = None,
    as_json: Json = False,
) -> None:
    """Check-ins, newest first."""
    entries = [e.to_dict() for e in _ws().pdca().checkins(node)]
    if as_json:
        _echo_json(entries)
        return
    _print(entries, ["id", "node", "status", "value", "body", "actor", "created_at"], "check-ins")
