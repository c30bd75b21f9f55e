"""Golden plan cases from the seeds and awkward numbers (tests/cases/plan/*.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ikkan.model.planning import make_plan
from ikkan.workspace import Workspace

CASES = sorted((Path(__file__).parents[1] / "cases" / "plan").glob("*.yml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_plan(case: Path, tmp_path: Path) -> None:
    document = yaml.safe_load(case.read_text(encoding="utf-8"))
    (tmp_path / "ikkan.yml").write_text(
        yaml.safe_dump(document["project"], allow_unicode=True), encoding="utf-8"
    )
    ws = Workspace.open(tmp_path)
    assert ws.validate() == [] or not ws.has_errors, ws.validate()
    plan = ws.plan()
    expect = document["expect"]
    checked = 0
    for scenario in ("commit", "stretch"):
        for period, values in (expect.get(scenario) or {}).items():
            got = plan.for_period(scenario, str(period))
            for node, value in values.items():
                assert got.values[node].value == pytest.approx(value, rel=1e-9), (
                    scenario,
                    period,
                    node,
                )
                checked += 1
    for node, how in (expect.get("how") or {}).items():
        assert str(plan.scenarios["commit"].values[node].how) == how
        checked += 1
    for scenario, values in (expect.get("unrounded") or {}).items():
        for node, raw in values.items():
            value = plan.scenarios[scenario].values[node]
            assert value.rounded and value.raw == pytest.approx(raw), node
            checked += 1
    assert checked > 0


def test_months_add_up_to_the_year(tmp_path: Path) -> None:
    case = yaml.safe_load((CASES[0].parent / "seed002_web_funnel.yml").read_text("utf-8"))
    (tmp_path / "ikkan.yml").write_text(
        yaml.safe_dump(case["project"], allow_unicode=True), encoding="utf-8"
    )
    plan = Workspace.open(tmp_path).plan()
    for node in ("won", "visits", "revenue", "leads"):
        months = [m.values[node].value for m in plan.months["commit"]]
        assert sum(months) == pytest.approx(plan.scenarios["commit"].values[node].value)
        if node != "revenue":
            assert all(float(m).is_integer() for m in months), node
    # each month-to-date of a count is the pro-rata share rounded up
    cumulative = 0.0
    for index, month in enumerate(plan.months["commit"], start=1):
        cumulative += month.values["won"].value
        assert cumulative >= 100 * index / 12


def test_gaps_and_bottom_up_levers(write_project) -> None:  # type: ignore[no-untyped-def]
    folder = write_project("""
ikkan: 1
company: {name: 株式会社サンプル}
plan: {period: FY2026}
nodes:
  won: {kind: KGI, unit: count, formula: opportunities * win_rate, target: 120}
  win_rate: {kind: KPI, unit: ratio, target: 20%, baseline: 20%}
  opportunities: {kind: KPI, unit: count, formula: mql * opportunity_rate}
  opportunity_rate: {kind: KPI, unit: ratio, target: 30%, baseline: 20%}
  mql: {kind: KPI, unit: count, period: month, target: 150, baseline: 200}
""")
    plan = Workspace.open(folder).plan()
    commit = plan.scenarios["commit"]
    # top-down needs 600 opportunities; the MQL and 商談化率 targets give 1,800 × 30% = 540
    gap = next(g for g in commit.gaps if g.node == "opportunities")
    assert (gap.given, gap.computed) == (600, pytest.approx(540))
    bottom = plan.bottom_up
    assert bottom is not None
    # current: 2,400 MQL × 20% × 20% = 96 won against 120
    assert bottom.kgi_projected == pytest.approx(96)
    assert bottom.gap == pytest.approx(-24)
    lever = next(lv for lv in bottom.levers if lv.node == "opportunity_rate")
    assert lever.required == pytest.approx(0.25)  # 商談化率 20% → 25% closes it alone
    assert lever.change == pytest.approx(0.25)
    assert bottom.elasticity["mql"] == pytest.approx(1.0, rel=1e-3)


def test_undetermined_nodes_name_the_missing_input(write_project) -> None:  # type: ignore[no-untyped-def]
    folder = write_project("""
ikkan: 1
company: {name: x}
plan: {period: FY2026}
nodes:
  revenue: {kind: KGI, unit: JPY, formula: won * deal_size, target: 1000}
  won: {kind: KPI, unit: count}
  deal_size: {kind: KPI, unit: JPY}
""")
    plan = make_plan(Workspace.open(folder).tree)  # type: ignore[arg-type]
    assert set(plan.scenarios["commit"].undetermined) == {"won", "deal_size"}
