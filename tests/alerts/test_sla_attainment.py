"""SLA attainment as a node's metric, refreshed on the demo: the metric's numerator and
denominator are the counts the SLA alert judges with the same cutoff (one rule for both),
``explain`` states the rule, and a stage → stage rule (sql → opportunity) works end to
end, backtest included."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from ikkan.alerts.backtest import backtest
from ikkan.alerts.sla_read import sla_cases
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import INGESTED_AT, AlertDemo

NODES = """
  mql_contact_sla:
    kind: KPI
    label: {ja: MQL初回接触SLA達成率, en: MQL first-contact SLA attainment}
    definition: MQLs called within 24 business hours of becoming MQL
    unit: ratio
    owner: {department: inside_sales}
    metric: {type: sla_attainment, stage: mql, within: 24}

  sql_opportunity_sla:
    kind: KPI
    label: {ja: SQL商談化SLA達成率, en: SQL to opportunity SLA attainment}
    definition: SQLs that became opportunities within 80 business hours
    unit: ratio
    owner: {department: sales}
    metric: {type: sla_attainment, stage: sql, to: opportunity, within: 80}
"""

RULE = "  sql_to_opportunity: {kind: sla, from_stage: sql, to_stage: opportunity, within: 80}\n"


@pytest.fixture(scope="module")
def sla_project(alert_demo: AlertDemo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sla-node") / "p"
    shutil.copytree(alert_demo.root, root)
    spec = (root / "ikkan.yml").read_text(encoding="utf-8")
    spec = spec.replace("\nscoring:", NODES + "\nscoring:", 1)
    spec = spec.replace("dimensions: [channel]", "dimensions: [channel, owner]", 1)
    (root / "ikkan.yml").write_text(spec + RULE, encoding="utf-8")
    ws = Workspace.open(root, clock=FixedClock(INGESTED_AT))
    ws.refresh()
    return root


def _stored(ws: Workspace, node: str, dimension: str = "") -> dict[tuple[str, str], dict]:
    rows = (
        ws.warehouse()
        .query(
            "SELECT period, dimension_value, value, numerator, denominator, maturing "
            "FROM kpi_values WHERE node_id = ? AND grain = 'month' AND dimension = ?",
            [node, dimension],
        )
        .to_pylist()
    )
    return {(r["period"], r["dimension_value"]): r for r in rows}


@pytest.mark.parametrize(
    ("node", "rule"), [("mql_contact_sla", "mql_first_contact"), ("sql_opportunity_sla", None)]
)
def test_metric_counts_are_the_alerts_counts(
    sla_project: Path, node: str, rule: str | None
) -> None:
    ws = Workspace.open(sla_project, clock=FixedClock(INGESTED_AT))
    as_of = ws.measured_as_of()
    spec = ws.spec.alerts[rule or "sql_to_opportunity"]
    cutoff = datetime.combine(as_of + timedelta(days=1), time())
    cases = sla_cases(ws, spec, cutoff, entered_from=datetime(2000, 1, 1))
    want: dict[tuple[str, str], list[int]] = {}  # (month, owner) → [met, judged, open]
    for case in cases:
        for owner in ("", case.lead.owner):
            counts = want.setdefault((f"{case.lead.entered_at:%Y-%m}", owner), [0, 0, 0])
            counts[0] += case.status == "met"
            counts[1] += case.status != "open"
            counts[2] += case.status == "open"
    whole = _stored(ws, node)
    by_owner = _stored(ws, node, "owner")
    assert len(whole) >= 12 and len(by_owner) > len(whole)
    for (month, owner), (met, judged, pending) in want.items():
        if owner == "(unassigned)":
            owner = "(none)"
        row = (whole if owner == "" else by_owner)[(month, owner)]
        assert (row["numerator"], row["denominator"]) == (met, judged), (month, owner)
        assert bool(row["maturing"]) == (pending > 0), (month, owner)
        if judged:
            assert row["value"] == pytest.approx(met / judged)
    statuses = {c.status for c in cases}
    assert {"met", "late"} <= statuses  # the demo reaches both sides of the line


def test_explain_states_the_rule(sla_project: Path) -> None:
    ws = Workspace.open(sla_project, clock=FixedClock(INGESTED_AT))
    out = ws.explain("mql_contact_sla")
    note = " ".join(out["notes"])
    assert "24 business hours" in note and "09:00–18:00" in note
    assert "call, connect, meeting" in note and "public holidays" in note
    assert "missed" in note and "not judged" in note and "maturing" in note
    assert "ikkan_business_days" in out["sql"]
    assert "opportunity or a later stage" in " ".join(ws.explain("sql_opportunity_sla")["notes"])


def test_stage_to_stage_rule_fires_and_backtests(sla_project: Path) -> None:
    ws = Workspace.open(sla_project, clock=FixedClock(INGESTED_AT))
    result = backtest(ws, "sql_to_opportunity")
    assert result.judged > 50
    assert result.hits, "some SQLs wait longer than 80 business hours in the demo"
    assert all("opportunity" in h.finding.why for h in result.hits)
    assert all(h.finding.observed is None or h.finding.observed > 80 for h in result.hits)
    assert result.alerts <= len(result.hits)
    assert date.fromisoformat(result.hits[0].when) >= result.since - timedelta(days=31)
