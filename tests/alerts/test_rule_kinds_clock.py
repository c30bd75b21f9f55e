"""Every rule kind through the engine on a fake clock: ok → pending → firing → recovering
→ resolved, with ``for: 1h`` and ``keep_firing: 1h``, on a copy of the demo holding only
the rule under test. The condition is switched by rewriting the rule between runs (a
breaching and a clear variant, both checked on the real data: the breaching one must
breach); the exact notifications of every run are asserted: firing once per breached
instance when ``for`` has passed, resolved once when ``keep_firing`` has passed, nothing
else (no repeat is set)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from ikkan.alerts.engine import run_alerts
from ikkan.clock import FixedClock
from ikkan.scheduler.runs import log_end, log_start
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo

TIMERS = "for: 1h, keep_firing: 1h"
# kind → (breaching rule, clear rule), as written under alerts:
KINDS = {
    "threshold": (
        "{node: mql, kind: threshold, value: 1_000_000_000_000}",
        "{node: mql, kind: threshold, value: 0}",
    ),
    "pacing": ("{node: mql, kind: pacing, margin: 0%}", "{node: mql, kind: pacing, margin: 90%}"),
    "target": (
        "{node: opportunities, kind: target, margin: 0%}",
        "{node: opportunities, kind: target, margin: 90%}",
    ),
    "change": (
        "{node: mql, kind: change, margin: 0%, dimension: channel}",
        "{node: mql, kind: change, margin: 95%, dimension: channel}",
    ),
    "anomaly": (
        "{node: mql, kind: anomaly, sensitivity: 0.01, side: both}",
        "{node: mql, kind: anomaly, sensitivity: 1000, side: both}",
    ),
    "allowable": (
        "{node: cpa, kind: allowable, margin: 0%, dimension: channel}",
        "{node: cpa, kind: allowable, margin: 1000%, dimension: channel}",
    ),
    "sla": (
        "{kind: sla, from_stage: mql, within: 1}",
        "{kind: sla, from_stage: mql, within: 2000}",
    ),
    "stale": (
        "{kind: stale, source: exports, days: 1}",
        "{kind: stale, source: exports, days: 365}",
    ),
    "refresh_failed": ("{kind: refresh_failed}", "{kind: refresh_failed}"),  # the run log
}


def _write_rule(root: Path, template: str, rule: str) -> None:
    body = rule.rstrip("}") + f", {TIMERS}}}"
    (root / "ikkan.yml").write_text(template + f"\nalerts:\n  k: {body}\n", encoding="utf-8")


def _refresh_ran(ws: Workspace, status: str, at: object) -> None:
    """A scheduled refresh step that ended with ``status`` at ``at`` (the run log)."""
    run_id = f"test-{status}-{at}"
    log_start(ws.warehouse(), run_id, "refresh", at, "test", at)  # type: ignore[arg-type]
    log_end(ws.warehouse(), run_id, "refresh", at, status, "test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def project(alert_demo: AlertDemo, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("kinds") / "p"
    shutil.copytree(alert_demo.root, root)
    text = (root / "ikkan.yml").read_text(encoding="utf-8")
    start = text.index("\nalerts:\n")
    end = text.index("\n", text.index("mql_first_contact:", start))
    return root, text[:start] + text[end:]


@pytest.mark.parametrize("kind", list(KINDS))
def test_rule_kind_lifecycle(kind: str, project: tuple[Path, str], alert_demo: AlertDemo) -> None:
    root, template = project
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox", "schedule_runs"):
            session.execute(f"DELETE FROM {table}")
    breach, clear = KINDS[kind]
    t0 = alert_demo.imported_at + timedelta(days=2)  # the exports are two days old
    wall = t0.replace(tzinfo=None)

    def run(hours: float, rule: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
        _write_rule(root, template, rule)
        ws = Workspace.open(root, clock=FixedClock(t0 + timedelta(hours=hours)))
        assert not [str(i) for i in ws.validate() if i.severity == "error"], kind
        result = run_alerts(ws)
        states = {e.instance: str(e.state.state) for e in result.evaluated if e.rule_id == "k"}
        assert all(not e.inhibited for e in result.evaluated), kind
        sent = sorted((a.instance, str(a.notice.kind)) for a in result.alerts)
        return states, sent

    if kind == "refresh_failed":
        _refresh_ran(Workspace.open(root), "failed", wall - timedelta(minutes=1))
    states, sent = run(0, breach)
    breached = sorted(i for i, s in states.items() if s == "pending")
    assert breached, f"the {kind} rule breaches on the demo: {states}"
    assert sent == []
    assert run(0.5, breach) == ({**states}, [])  # within for: still pending
    states, sent = run(1, breach)
    assert sent == [(i, "firing") for i in breached]
    assert all(states[i] == "firing" for i in breached)
    assert run(2, breach)[1] == []  # firing, no repeat
    if kind == "refresh_failed":
        _refresh_ran(Workspace.open(root), "ok", wall + timedelta(hours=2, minutes=50))
    states, sent = run(3, clear)
    assert sent == [] and all(states[i] == "recovering" for i in breached), states
    states, sent = run(4, clear)
    assert sent == [(i, "resolved") for i in breached]
    assert all(states[i] in ("resolved", "ok") for i in breached), states
    assert run(5, clear)[1] == []
