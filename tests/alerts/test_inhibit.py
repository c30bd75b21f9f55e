"""Inhibition by source: a stale source silences the nodes whose metric reads a table the
source loads (and the nodes computed from them), not every measured node. On a copy of
the demo with stale rules on the GA4 reader family and on the inside-sales call log."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from ikkan.alerts.engine import run_alerts
from ikkan.alerts.inhibit import dependent_nodes, measured_nodes, source_tables
from ikkan.alerts.rules import AlertRuleSpec
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo

RULES = """  exports_stale: {kind: stale, source: exports, days: 7, enabled: false}
  ga4_stale: {kind: stale, source: ga4, days: 1}
  calls_stale: {kind: stale, source: calls, days: 1}
  visits_change: {node: visits, kind: change, margin: 0%}
"""
DEALS = {"revenue", "new_revenue", "avg_deal_size", "win_rate", "opportunities", "mql"}


def _project(alert_demo: AlertDemo, root: Path) -> Path:
    shutil.copytree(alert_demo.root, root)
    spec = root / "ikkan.yml"
    text = spec.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("  exports_stale:"))
    spec.write_text(text.replace(line, RULES), encoding="utf-8")
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    return root


def _stale(source: str) -> AlertRuleSpec:
    return AlertRuleSpec.model_validate({"kind": "stale", "source": source, "days": 7})


def test_source_tables_and_dependent_nodes(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open()
    assert source_tables(ws, "ga4") == {"web_traffic"}
    assert source_tables(ws, "google_ads") == {"spend"}
    assert source_tables(ws, "calls") == {"activities"}  # the configured generic source
    # deals re-stamped by attribution still belong to the CRM exports, not the call log
    assert {"deals", "leads", "lead_stages"} <= source_tables(ws, "hubspot")  # type: ignore[operator]
    web = dependent_nodes(ws, _stale("ga4"))
    assert {"visits", "cvr"} <= web and not web & DEALS
    spend = dependent_nodes(ws, _stale("google_ads"))
    assert {"marketing_budget", "cpa", "cac"} <= spend and not spend & DEALS
    assert dependent_nodes(ws, _stale("calls")) & DEALS == set()
    assert ws.tree is not None
    everything = measured_nodes(ws.tree)
    assert DEALS | {"visits"} <= everything
    # a source never imported: its reach is not known, every measured node is silenced
    assert source_tables(ws, "salesforce_leads_nowhere") is None
    assert dependent_nodes(ws, _stale("salesforce_leads_nowhere")) == everything
    # the folder source holding every export silences every measured node and the
    # manual values imported with them
    exports = dependent_nodes(ws, _stale("exports"))
    assert everything <= exports and "nps" in exports
    written = AlertRuleSpec.model_validate(
        {"kind": "stale", "source": "ga4", "days": 7, "inhibits": ["mql"]}
    )
    assert dependent_nodes(ws, written) == {"mql"}


def test_stale_ga4_and_call_log_silence_only_what_reads_them(
    alert_demo: AlertDemo, tmp_path: Path
) -> None:
    root = _project(alert_demo, tmp_path / "p")
    later = alert_demo.imported_at + timedelta(days=2)  # both sources 2 days old (> 1)
    ws = Workspace.open(root, clock=FixedClock(later))
    assert not [i for i in ws.validate() if i.severity == "error"]
    result = run_alerts(ws)
    firing = {a.rule_id for a in result.alerts if a.notice.kind == "firing"}
    assert {"ga4_stale", "calls_stale"} <= firing
    inhibited = {e.rule_id: e.inhibited for e in result.evaluated}
    assert inhibited["visits_change"] is True  # reads web_traffic (GA4)
    assert inhibited["mql_first_contact"] is True  # the SLA reads the call log
    for rule in ("opportunities_target", "cpa_allowable", "mql_pacing"):
        assert inhibited[rule] is False, rule  # deals, stages and spend are fresh
    assert "visits_change" not in {a.rule_id for a in result.alerts}
    # a day after the imports nothing is stale and nothing inhibited
    with ws.warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    fresh = Workspace.open(root, clock=FixedClock(alert_demo.imported_at + timedelta(hours=12)))
    assert not any(e.inhibited for e in run_alerts(fresh).evaluated)
