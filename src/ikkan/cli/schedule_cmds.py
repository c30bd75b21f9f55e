"""``ikkan schedule run | status``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

from ikkan.cli.state import STATE

schedule_app = typer.Typer(help="Run import → refresh → alerts on the schedule in ikkan.yml.")


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.command("run")(run_now)


def _clock(now: str | None) -> Any:
    if now is None:
        return None
    from zoneinfo import ZoneInfo

    from ikkan.clock import FixedClock
    from ikkan.errors import UserError
    from ikkan.workspace import Workspace

    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise UserError(
            f"--now '{now}' is not a date and time", hint="write e.g. 2026-11-20T07:00"
        ) from None
    if moment.tzinfo is None:
        tz = Workspace.open(STATE.project).spec.company.timezone
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return FixedClock(moment)


def _outcome_json(outcome: Any) -> dict[str, Any]:
    return {
        "slot": outcome.slot.isoformat(),
        "holder": outcome.holder,
        "ran": outcome.ran,
        "status": outcome.status,
        "reason": outcome.reason,
        "steps": [
            {"step": s.step, "status": s.status, "message": s.message} for s in outcome.steps
        ],
    }


@schedule_app.command("run")
def run(
    once: Annotated[
        bool, typer.Option("--once", help="run the latest due slot now and exit (for cron / CI)")
    ] = False,
    now: Annotated[
        str | None, typer.Option("--now", help="act as if it were this time (project zone)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Run the schedule: import the sources, refresh, evaluate alerts, deliver. Only one
    runner runs each slot, however many processes run this (a lease in the warehouse)."""
    from ikkan.scheduler.pipeline import run_once

    clock = _clock(now)
    if once:
        outcome = run_once(STATE.project, clock=clock)
        if as_json:
            typer.echo(json.dumps(_outcome_json(outcome), ensure_ascii=False))
        else:
            _print(outcome)
        if outcome.status == "failed":
            raise typer.Exit(1)
        return
    import logging
    import threading

    from ikkan.scheduler.runner import serve_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    typer.echo("ikkan scheduler running (Ctrl+C to stop)")
    stop = threading.Event()
    try:
        serve_forever(STATE.project, stop, clock=clock, on_run=_print)
    except KeyboardInterrupt:
        stop.set()


def run_now(
    now: Annotated[
        str | None, typer.Option("--now", help="act as if it were this time (project zone)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Run the latest due slot of the schedule now and exit: the same as
    ``ikkan schedule run --once`` (import, refresh, alerts, scheduled reports)."""
    run(once=True, now=now, as_json=as_json)


def _print(outcome: Any) -> None:
    from rich.text import Text

    from ikkan.cli.render import console

    slot = f"{outcome.slot:%Y-%m-%d %H:%M}"
    if not outcome.ran:
        console.print(Text(f"{slot}: skipped: {outcome.reason}"))
        return
    console.print(Text(f"{slot}: {outcome.status}"))
    for step in outcome.steps:
        console.print(Text(f"  {step.step}: {step.status} {step.message}".rstrip()))


@schedule_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """The schedule, the lease and the latest runs with their steps."""
    from rich.table import Table
    from rich.text import Text

    from ikkan.alerts.observe import wall_clock
    from ikkan.cli.render import console
    from ikkan.scheduler.lease import read_lease
    from ikkan.scheduler.pipeline import schedule_of
    from ikkan.scheduler.runs import recent_runs
    from ikkan.scheduler.slots import next_run
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    schedule = schedule_of(ws)
    now = wall_clock(ws)
    upcoming = next_run(schedule, now, ws.spec.company.timezone)
    state = read_lease(ws.warehouse())
    runs = recent_runs(ws.warehouse())
    if as_json:
        payload = {
            "cron": schedule.cron,
            "step_cron": {step: schedule.cron_of(step) for step in schedule.all_steps()},
            "next": upcoming.isoformat(),
            "lease": None
            if state is None
            else {
                k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(state).items()
            },
            "runs": [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()}
                for r in runs
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console.print(Text(f"cron {schedule.cron} ({ws.spec.company.timezone}); next {upcoming}"))
    for step, cron in schedule.step_cron.items():
        console.print(Text(f"  {step}: cron {cron}"))
    if state is not None and state.holder:
        console.print(Text(f"running: {state.holder} until {state.expires_at}"))
    table = Table("slot", "step", "status", "started", "finished", "message")
    for r in runs:
        table.add_row(
            str(r["slot"]),
            str(r["step"]),
            str(r["status"]),
            str(r["started_at"]),
            str(r["finished_at"] or ""),
            Text(str(r["message"] or "")),
        )
    console.print(table)
