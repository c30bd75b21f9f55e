"""One scheduled run: take the lease for the slot, then import (the ``sources:``, i.e. the
watched folders), refresh, evaluate alerts and deliver, e-mail scheduled review reports
(``reports:``), logging every step in
``schedule_runs``. A failing step is recorded and the run goes on (alerts still run after a
failed refresh, so that ``refresh_failed`` fires and inhibits the KPI rules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ikkan.alerts.observe import wall_clock
from ikkan.clock import Clock, SystemClock
from ikkan.errors import UserError
from ikkan.scheduler import lease
from ikkan.scheduler.runs import StepOutcome, log_end, log_start
from ikkan.scheduler.slots import due_steps, latest_slot

if TYPE_CHECKING:
    from ikkan.scheduler.spec import ScheduleSpec
    from ikkan.warehouse.base import SqlWarehouse
    from ikkan.workspace import Workspace


@dataclass
class RunOutcome:
    slot: datetime
    holder: str
    ran: bool
    reason: str = ""  # why it did not run
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.ran:
            return "skipped"
        return "failed" if any(s.status == "failed" for s in self.steps) else "ok"


def schedule_of(ws: Workspace) -> ScheduleSpec:
    schedule = ws.spec.schedule
    if schedule is None:
        raise UserError(
            "ikkan.yml has no schedule:",
            hint="add e.g. schedule: {cron: '0 7 * * 1-5'} (see docs/alerts.md)",
        )
    return schedule


def run_once(root: Path, *, clock: Clock | None = None, slot: datetime | None = None) -> RunOutcome:
    """Run the steps due for ``slot`` (default: the latest scheduled time up to now of any
    step, ``slots.due_steps``) unless another runner holds the lease or the slot is done.
    A step with its own cron (``step_cron``) runs only in the slots of that cron."""
    from ikkan.workspace import Workspace

    clock = clock or SystemClock()
    ws = Workspace.open(root, clock=clock)
    schedule = schedule_of(ws)
    now = wall_clock(ws)
    tz = ws.spec.company.timezone
    warehouse = ws.warehouse()
    state = lease.read_lease(warehouse)
    due, steps = due_steps(schedule, slot or now, tz, state.done_slot if state else None)
    slot = slot or due or latest_slot(schedule.cron, now, tz)
    steps = steps or schedule.all_steps()  # an explicit slot nothing was due in: all
    holder = lease.new_holder()
    outcome = RunOutcome(slot, holder, ran=False)
    if not lease.acquire(warehouse, holder, slot, now, schedule.lease):
        outcome.reason = _why_not(warehouse, slot)
        return outcome
    outcome.ran = True
    run_id = f"{slot:%Y-%m-%dT%H:%M}|{holder}"
    _abandon_stale_runs(warehouse, now)
    log_start(warehouse, run_id, "run", slot, holder, now)
    try:
        for step in steps:
            started = wall_clock(ws)
            log_start(warehouse, run_id, step, slot, holder, started)
            result = _run_step(root, clock, step, (run_id, slot, holder))
            outcome.steps.append(result)
            done = wall_clock(ws)
            log_end(warehouse, run_id, step, done, result.status, result.message)
            if not lease.renew(warehouse, holder, done, schedule.lease):
                outcome.steps.append(
                    StepOutcome("lease", "failed", "the lease expired and another runner took it")
                )
                break
    finally:
        summary = "; ".join(f"{s.step}: {s.status}" for s in outcome.steps)
        log_end(warehouse, run_id, "run", wall_clock(ws), outcome.status, summary)
        lease.finish(warehouse, holder, slot)
    return outcome


STEPS: dict[str, Callable[[Workspace], StepOutcome]] = {}


def _run_step(root: Path, clock: Clock, step: str, run: tuple[str, datetime, str]) -> StepOutcome:
    from ikkan.workspace import Workspace

    try:
        ws = Workspace.open(root, clock=clock)  # fresh: a step sees the previous one's data
        if step == "reports":  # after alerts: e-mail the review of a period that closed
            from ikkan.scheduler.reports import send_reports

            return send_reports(ws, *run, wall_clock(ws))
        return STEPS[step](ws)
    except Exception as exc:  # recorded as the step's outcome: the scheduler goes on
        return StepOutcome(step, "failed", f"{type(exc).__name__}: {exc}")


def _import(ws: Workspace) -> StepOutcome:
    if not ws.spec.sources:
        return StepOutcome("import", "skipped", "no sources: in ikkan.yml")
    outcomes = ws.ingest()
    bad = [o for o in outcomes if not o.ok]
    loaded = sum(1 for o in outcomes if o.report is not None and o.report.status == "ok")
    if bad:
        from ikkan.warehouse.paths import stored_path

        detail = "; ".join(f"{stored_path(o.path, ws.root)}: {o.error}" for o in bad[:5])
        return StepOutcome(
            "import", "failed", f"{len(bad)} of {len(outcomes)} file(s) failed: {detail}"
        )
    missing = [o for o in outcomes if o.missing]
    message = f"{len(outcomes) - len(missing)} file(s), {loaded} loaded"
    if missing:
        message += f"; {len(missing)} source path(s) not found"
    return StepOutcome("import", "ok", message)


def _refresh(ws: Workspace) -> StepOutcome:
    report = ws.refresh()
    if report.up_to_date:
        return StepOutcome("refresh", "ok", "up to date")
    return StepOutcome(
        "refresh", "ok", f"{report.rows} value(s), {report.nodes_measured} node(s) measured"
    )


def _alerts(ws: Workspace) -> StepOutcome:
    from ikkan.alerts.delivery import queue_alerts, send_due
    from ikkan.alerts.engine import run_alerts

    result = run_alerts(ws)
    queued = queue_alerts(ws, result.alerts, result.at)
    sent = send_due(ws, result.at)
    message = (
        f"{len(result.evaluated)} evaluated, {len(result.alerts)} notification(s), "
        f"{queued} queued, {len(sent.sent)} sent, {len(sent.failed)} failed"
    )
    return StepOutcome("alerts", "failed" if sent.failed else "ok", message)


STEPS.update({"import": _import, "refresh": _refresh, "alerts": _alerts})


def _why_not(warehouse: SqlWarehouse, slot: datetime) -> str:
    state = lease.read_lease(warehouse)
    if state is not None and state.done_slot is not None and state.done_slot >= slot:
        return f"the run of {slot:%Y-%m-%d %H:%M} is done already"
    if state is not None and state.holder:
        until = f"{state.expires_at:%Y-%m-%d %H:%M:%S}" if state.expires_at else "?"
        return f"another runner holds the lease ({state.holder}, until {until})"
    return "the lease was taken by another runner"


def _abandon_stale_runs(warehouse: SqlWarehouse, now: datetime) -> None:
    """Steps left 'running' by a runner that died: it lost its lease, so they failed."""
    with warehouse.transaction() as session:
        session.execute(
            "UPDATE schedule_runs SET status = 'failed', finished_at = ?, "
            "message = 'the runner stopped before this step finished (its lease expired)' "
            "WHERE status = 'running'",
            [now],
        )
