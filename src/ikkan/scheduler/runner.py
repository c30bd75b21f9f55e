"""The scheduler loop: ``ikkan schedule run`` in the foreground, or a background thread of
``ikkan serve``. Every process may run one: the lease lets exactly one of them run each
slot. The spec is read again at every turn, so edits to ``schedule:`` apply without a
restart.

Which slot runs: the latest scheduled time up to now, if it is not done yet and either it
came after the loop started or the scheduler has run before (then one missed slot, e.g.
while the machine was off, is caught up once; older missed slots are not replayed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from ikkan.alerts.observe import wall_clock
from ikkan.clock import Clock, SystemClock
from ikkan.scheduler.lease import read_lease
from ikkan.scheduler.pipeline import RunOutcome, run_once
from ikkan.scheduler.slots import due_steps, next_run

log = logging.getLogger("ikkan.scheduler")


def serve_forever(
    root: Path,
    stop: threading.Event,
    *,
    clock: Clock | None = None,
    poll: float = 60.0,
    on_run: Callable[[RunOutcome], None] | None = None,
) -> None:
    """Run due slots until ``stop`` is set; never raises (errors are logged and retried)."""
    from ikkan.workspace import Workspace

    clock = clock or SystemClock()
    started = None
    while not stop.is_set():
        wait = poll
        try:
            ws = Workspace.open(root, clock=clock)
            schedule = ws.spec.schedule
            now = wall_clock(ws)
            started = started or now
            if schedule is not None and schedule.enabled:
                tz = ws.spec.company.timezone
                state = read_lease(ws.warehouse())
                done_slot = state.done_slot if state is not None else None
                due, _ = due_steps(schedule, now, tz, done_slot)
                if due is not None and (due >= started or done_slot is not None):
                    outcome = run_once(root, clock=clock, slot=due)
                    log.info("scheduled run %s: %s %s", due, outcome.status, outcome.reason)
                    if on_run is not None:
                        on_run(outcome)
                    now = wall_clock(ws)
                wait = min(poll, max((next_run(schedule, now, tz) - now).total_seconds(), 1))
        except Exception:  # the loop outlives a bad ikkan.yml or a busy warehouse
            log.exception("scheduler turn failed; retrying in %.0f s", poll)
        stop.wait(wait)


def start_background(root: Path, *, clock: Clock | None = None) -> threading.Event:
    """Start the loop in a daemon thread (``ikkan serve``); set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_forever,
        args=(root, stop),
        kwargs={"clock": clock},
        name="ikkan-scheduler",
        daemon=True,
    )
    thread.start()
    return stop
