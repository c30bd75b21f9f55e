"""Backtests and runs on the demo: the numbers are the ones status shows, transitions and
notifications land in the warehouse, stale data inhibits the node alerts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from ikkan.alerts.backtest import backtest
from ikkan.alerts.engine import run_alerts
from ikkan.alerts.history import read_history
from ikkan.alerts.inhibit import dependent_nodes
from ikkan.alerts.lifecycle import AlertState
from ikkan.errors import UserError
from ikkan.monitor.status import achievement
from tests.alerts.conftest import AlertDemo
from tests.cli.test_cli_plan import ikkan


def _reset(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.warehouse().transaction() as session:
        session.execute("DELETE FROM alert_state")
        session.execute("DELETE FROM alert_history")


def test_template_rules_are_valid(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open()
    assert [str(i) for i in ws.validate() if i.severity == "error"] == []
    assert set(ws.spec.alerts) == {
        "mql_pacing",
        "opportunities_target",
        "cpa_allowable",
        "exports_stale",
        "mql_first_contact",
    }


def test_target_backtest_uses_the_numbers_status_shows(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open()
    result = backtest(ws, "opportunities_target")
    assert result.judged > 0
    hits = {h.when: h for h in result.hits}
    judged_periods = 0
    for month in ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
        node = ws.status(period=month).nodes["opportunities"]
        if node.actual is None or node.commit is None:
            continue
        judged_periods += 1
        ratio = achievement(node.actual, node.commit, "higher")
        assert ratio is not None
        assert (month in hits) == (ratio < 0.9), (month, ratio)
        if month in hits:
            assert hits[month].finding.observed == node.actual
            assert hits[month].finding.line == node.commit
    assert judged_periods == result.judged
    # one alert per run of consecutive breached months
    from ikkan.model.periods import parse_period, shift

    runs = [m for m in sorted(hits) if shift(parse_period(m), -1).key not in hits]
    assert result.alerts == len(runs)
    assert [h.when for h in result.hits if h.starts_alert] == runs


def test_cli_backtest_json_and_japanese_labels(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open()
    expected = backtest(ws, "opportunities_target", as_of=ws.data_as_of())
    out = ikkan(
        "alerts",
        "test",
        "opportunities_target",
        "--json",
        "--as-of",
        ws.data_as_of().isoformat(),
        cwd=alert_demo.root,
    )
    data = json.loads(out.stdout)
    assert data["alerts"] == expected.alerts
    assert [h["when"] for h in data["hits"]] == [h.when for h in expected.hits]
    text = ikkan(
        "alerts",
        "test",
        "opportunities_target",
        "--lang",
        "ja",
        "--as-of",
        ws.data_as_of().isoformat(),
        cwd=alert_demo.root,
    ).stdout
    assert f"アラート {expected.alerts} 件" in text
    bad = ikkan("alerts", "test", "opportunity_target", cwd=alert_demo.root, check=False)
    assert bad.returncode == 1
    assert "unknown alert rule" in bad.stderr and "opportunities_target" in bad.stderr


def test_run_records_transitions_and_notifies_once(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open(alert_demo.imported_at + timedelta(hours=1))
    _reset(ws)
    as_of = ws.data_as_of()
    first = run_alerts(ws, as_of=as_of)
    by_rule = {(e.rule_id, e.instance): e for e in first.evaluated}
    target = by_rule[("opportunities_target", "")]
    # the whole-node observation is the value status shows for the last closed month
    status = ws.status(period=target.period).nodes["opportunities"]
    assert target.finding.observed == status.actual
    fired = {a.rule_id for a in first.alerts if a.notice.kind == "firing"}
    for e in first.evaluated:
        if e.finding.breached and e.rule_id != "mql_pacing":  # no pending period
            assert e.state.state is AlertState.FIRING and e.rule_id in fired
    second = run_alerts(alert_demo.open(alert_demo.imported_at + timedelta(hours=2)), as_of=as_of)
    assert [a for a in second.alerts if a.notice.kind == "firing" and a.rule_id in fired] == []
    history = read_history(ws.warehouse())
    notices = [h for h in history if h["event"] == "notice"]
    assert len(notices) == len(first.alerts) + len(second.alerts)
    assert len({h["notice_key"] for h in notices}) == len(notices)
    for row in notices:
        assert row["observed"] is not None or row["rule_id"] == "exports_stale"
    # a clock behind the stored state is a clear error, not a crash
    with pytest.raises(UserError, match="before the state's start"):
        run_alerts(alert_demo.open(alert_demo.imported_at), as_of=as_of)


def test_stale_source_fires_and_inhibits_dependent_rules(alert_demo: AlertDemo) -> None:
    ws = alert_demo.open(alert_demo.imported_at + timedelta(days=8))
    _reset(ws)
    as_of = ws.data_as_of()
    result = run_alerts(ws, as_of=as_of)
    stale = [a for a in result.alerts if a.rule_id == "exports_stale"]
    assert [a.notice.kind for a in stale] == ["firing"]
    assert stale[0].finding.observed is not None and stale[0].finding.observed > 7
    assert ws.tree is not None
    silenced = dependent_nodes(ws, ws.spec.alerts["exports_stale"])
    assert {"mql", "opportunities", "cpa"} <= silenced
    for e in result.evaluated:
        if e.rule_id != "exports_stale":
            assert e.inhibited
    assert {a.rule_id for a in result.alerts} == {"exports_stale"}
    # nothing stale a day after the import
    _reset(ws)
    fresh = run_alerts(alert_demo.open(alert_demo.imported_at + timedelta(days=1)), as_of=as_of)
    assert not any(e.inhibited for e in fresh.evaluated)
