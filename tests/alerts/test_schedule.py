"""The scheduler: one runner per slot across real processes, a dead holder's lease expires,
failed imports become alerts, the loop runs a due slot once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ikkan.clock import FixedClock
from ikkan.scheduler.lease import read_lease
from ikkan.scheduler.pipeline import RunOutcome, run_once
from ikkan.scheduler.runner import serve_forever
from ikkan.scheduler.slots import latest_slot, next_slot
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo

TOKYO = ZoneInfo("Asia/Tokyo")
SCHEDULE = """
schedule:
  cron: "0 7 * * *"
  lease: 30m
"""


def _project(alert_demo: AlertDemo, tmp_path: Path, extra: str = SCHEDULE) -> Path:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(alert_demo.root, root)
    spec = root / "ikkan.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox", "schedule_runs"):
            session.execute(f"DELETE FROM {table}")
        session.execute("DELETE FROM schedule_lease")
    return root


def _ikkan(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "ikkan", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _runs(root: Path) -> list[dict[str, object]]:
    return (
        Workspace.open(root)
        .warehouse()
        .query("SELECT run_id, step, status, message FROM schedule_runs ORDER BY started_at, step")
        .to_pylist()
    )


def test_slots_in_project_time() -> None:
    at = datetime(2026, 11, 20, 7, 0)
    assert latest_slot("0 7 * * *", at, "Asia/Tokyo") == at  # a slot includes its own minute
    assert latest_slot("0 7 * * *", at.replace(minute=0, hour=6), "Asia/Tokyo") == datetime(
        2026, 11, 19, 7, 0
    )
    # Friday 2026-11-20 07:00 → the next weekday slot is Monday
    assert next_slot("0 7 * * 1-5", at, "Asia/Tokyo") == datetime(2026, 11, 23, 7, 0)


def test_two_processes_race_one_runs(alert_demo: AlertDemo, tmp_path: Path) -> None:
    root = _project(alert_demo, tmp_path)
    args = ("schedule", "run", "--once", "--json", "--now", "2026-11-20T07:05")
    first, second = _ikkan(root, *args), _ikkan(root, *args)
    outs = []
    for proc in (first, second):
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        outs.append(json.loads(stdout))
    ran = [o for o in outs if o["ran"]]
    skipped = [o for o in outs if not o["ran"]]
    assert len(ran) == 1 and len(skipped) == 1, outs
    assert ran[0]["status"] == "ok"
    assert [s["step"] for s in ran[0]["steps"]] == ["import", "refresh", "alerts"]
    assert ran[0]["slot"] == skipped[0]["slot"] == "2026-11-20T07:00:00"
    assert skipped[0]["reason"].startswith(("the run of", "another runner holds"))
    runs = [r for r in _runs(root) if r["step"] == "run"]
    assert len(runs) == 1 and runs[0]["status"] == "ok"
    # the slot is done: a later call in the same slot skips, the next slot runs
    again = run_once(root, clock=FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=TOKYO)))
    assert not again.ran and "done already" in again.reason
    following = run_once(root, clock=FixedClock(datetime(2026, 11, 21, 7, 1, tzinfo=TOKYO)))
    assert following.ran and following.slot == datetime(2026, 11, 21, 7, 0)
    # every run and step is visible in Data health
    from fastapi.testclient import TestClient

    from ikkan.web.app import create_app
    from tests.web.conftest import add_users, sign_in

    add_users(root)
    with TestClient(create_app(root, watch=False)) as client:
        assert sign_in(client, "yui").status_code == 303  # a viewer reads Data health
        health = client.get("/api/health?lang=en").json()
        page = client.get("/health?lang=en").text
    runs = [r for r in health["runs"] if r["step"] == "run"]
    assert len(runs) == 2 and all(r["status"] == "ok" for r in runs)
    assert {r["step"] for r in health["runs"]} == {"run", "import", "refresh", "alerts"}
    assert 'id="schedule-runs"' in page and "Scheduled runs" in page


HOLD = """
import sys, time
from datetime import datetime, timedelta
from ikkan.scheduler import lease
from ikkan.scheduler.runs import log_start
from ikkan.workspace import Workspace
ws = Workspace.open(sys.argv[1])
slot, now = datetime(2026, 11, 20, 7, 0), datetime(2026, 11, 20, 7, 5)
holder = lease.new_holder()
assert lease.acquire(ws.warehouse(), holder, slot, now, timedelta(minutes=30))
log_start(ws.warehouse(), "dead|" + holder, "refresh", slot, holder, now)
print("held", flush=True)
time.sleep(600)
"""


def test_dead_holders_lease_expires(alert_demo: AlertDemo, tmp_path: Path) -> None:
    root = _project(alert_demo, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the lease, mid-step
        holder.wait(timeout=30)
    state = read_lease(Workspace.open(root).warehouse())
    assert state is not None and state.holder and state.done_slot is None
    # within the lease: another runner skips
    early = run_once(root, clock=FixedClock(datetime(2026, 11, 20, 7, 20, tzinfo=TOKYO)))
    assert not early.ran and "another runner holds the lease" in early.reason
    # after it expired (07:35), the slot is run by the next runner
    late = run_once(root, clock=FixedClock(datetime(2026, 11, 20, 7, 40, tzinfo=TOKYO)))
    assert late.ran and late.status == "ok" and late.slot == datetime(2026, 11, 20, 7, 0)
    dead = [r for r in _runs(root) if str(r["run_id"]).startswith("dead|")]
    assert dead and dead[0]["status"] == "failed"
    assert "lease expired" in str(dead[0]["message"])
    state = read_lease(Workspace.open(root).warehouse())
    assert state is not None and state.holder is None
    assert state.done_slot == datetime(2026, 11, 20, 7, 0)


def test_failed_import_is_an_alert_that_inhibits_kpi_rules(
    alert_demo: AlertDemo, tmp_path: Path
) -> None:
    root = _project(alert_demo, tmp_path)
    (root / "exports" / "broken.csv").write_bytes(b"\x00\x01 not an export\n1,2\n")
    # the morning after the demo's import (ingest stamps the wall clock)
    day = alert_demo.imported_at.date() + timedelta(days=1)
    clock = FixedClock(datetime.combine(day, time(7, 5), TOKYO))
    outcome = run_once(root, clock=clock)
    assert outcome.ran and outcome.status == "failed"
    steps = {s.step: s for s in outcome.steps}
    assert steps["import"].status == "failed"
    assert "exports/broken.csv" in steps["import"].message  # relative to the project
    assert steps["refresh"].status == "ok" and steps["alerts"].status == "ok"
    ws = Workspace.open(root)
    assert "import_failed" in ws.spec.alerts and "refresh_failed" in ws.spec.alerts
    states = {
        (r["rule_id"], r["instance"]): r["state"]
        for r in ws.warehouse().query("SELECT * FROM alert_state").to_pylist()
    }
    assert states[("import_failed", "")] == "firing"
    assert states.get(("refresh_failed", ""), "ok") == "ok"
    fired = (
        ws.warehouse()
        .query("SELECT DISTINCT rule_id FROM alert_history WHERE notice = 'firing'")
        .column("rule_id")
        .to_pylist()
    )
    # the import failure fires; the KPI rules breached on the demo are inhibited (no notice)
    assert fired == ["import_failed"]
    breached = [k for k, v in states.items() if v == "firing" and k[0] != "import_failed"]
    assert breached, "the demo breaches KPI rules; they are firing but silenced"
    # fixing the file clears it at the next slot
    (root / "exports" / "broken.csv").unlink()
    next_day = datetime.combine(day + timedelta(days=1), time(7, 5), TOKYO)
    later = run_once(root, clock=FixedClock(next_day))
    assert later.status == "ok"
    state = (
        ws.warehouse()
        .query("SELECT state FROM alert_state WHERE rule_id = 'import_failed'")
        .to_pylist()
    )
    assert state == [{"state": "resolved"}]


def test_loop_runs_a_due_slot_once(alert_demo: AlertDemo, tmp_path: Path) -> None:
    root = _project(alert_demo, tmp_path, SCHEDULE.replace("0 7 * * *", "*/10 * * * *"))
    clock = FixedClock(datetime(2026, 11, 20, 7, 10, tzinfo=TOKYO))  # exactly on a slot
    outcomes: list[RunOutcome] = []
    stop = threading.Event()

    def record(outcome: RunOutcome) -> None:
        outcomes.append(outcome)
        stop.set()

    serve_forever(root, stop, clock=clock, poll=0.05, on_run=record)
    assert [o.slot for o in outcomes] == [datetime(2026, 11, 20, 7, 10)]
    assert outcomes[0].status == "ok"
    # a second scheduler (another worker) at the same time finds the slot done
    again = threading.Event()
    timer = threading.Timer(1.0, again.set)
    timer.start()
    serve_forever(root, again, clock=clock, poll=0.05, on_run=outcomes.append)
    assert len(outcomes) == 1


def test_schedule_spec_errors(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from ikkan.scheduler.spec import ScheduleSpec

    with pytest.raises(ValidationError, match="not a cron expression"):
        ScheduleSpec(cron="every morning")
    with pytest.raises(ValidationError, match="lease must be positive"):
        ScheduleSpec.model_validate({"lease": 0})
