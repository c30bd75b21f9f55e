"""The demo exports through ingest → refresh → status, checked against the generator's own
manifest (figures computed while writing the files, not by ikkan)."""

from __future__ import annotations

import pytest

from tests.services.conftest import DemoProject


def test_every_file_loads_and_bad_rows_are_quarantined(demo_project: DemoProject) -> None:
    outcomes = demo_project.first_ingest
    assert outcomes and all(o.ok for o in outcomes), [
        (o.path.name, o.error) for o in outcomes if not o.ok
    ]
    assert {o.reader for o in outcomes} >= {
        "hubspot_contacts",
        "hubspot_deals",
        "salesforce_opportunities",
        "ga4",
        "google_ads",
        "meta_ads",
        "yahoo_ads",
        "zoom",
        "manual_values",
    }
    rejected = (
        demo_project.open()
        .warehouse()
        .query("SELECT file_path, row_number, column_name, raw_value, reason FROM rejected_rows")
        .to_pylist()
    )
    logical = [b for b in demo_project.manifest.bad_rows if "before" in b.reason]
    unreadable = [b for b in demo_project.manifest.bad_rows if b not in logical]
    assert unreadable
    for bad in unreadable:
        assert any(
            r["file_path"].endswith(bad.path) and r["row_number"] == bad.line for r in rejected
        ), f"bad row not quarantined: {bad}"
    # readable but impossible rows load, and the quality report flags them
    if logical:
        finding = demo_project.open().quality().finding("stage_order")
        assert finding is not None and finding.count >= len(logical)


def test_reimport_changes_nothing(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    before = ws.warehouse().query("SELECT count(*) AS n FROM leads").column("n")[0].as_py()
    again = ws.ingest(force=True)
    assert all(o.ok for o in again)
    assert sum(o.report.changes for o in again if o.report) == 0
    after = ws.warehouse().query("SELECT count(*) AS n FROM leads").column("n")[0].as_py()
    assert before == after


def _impossible_won_amount(demo_project: DemoProject, fy: int) -> float:
    """Deals the manifest leaves out of its totals because they are impossible (won before
    created) but that load, flagged by the quality report: they count in the warehouse."""
    ids = [b.record_id for b in demo_project.manifest.bad_rows if "before" in b.reason]
    if not ids:
        return 0.0
    marks = ", ".join("?" for _ in ids)
    rows = (
        demo_project.open()
        .warehouse()
        .query(f"SELECT amount, closed_at FROM deals WHERE is_won AND source_id IN ({marks})", ids)
        .to_pylist()
    )
    start, end = f"{fy}-04-01", f"{fy + 1}-04-01"
    return sum(r["amount"] for r in rows if start <= r["closed_at"].date().isoformat() < end)


def test_won_amount_per_fiscal_year_matches_the_manifest(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    for fy in (2025, 2026):
        expected = demo_project.manifest.totals(fy).won_amount + _impossible_won_amount(
            demo_project, fy
        )
        got = (
            ws.warehouse()
            .query(
                "SELECT value FROM kpi_values WHERE node_id = 'revenue' AND grain = 'fiscal_year' "
                "AND period = ? AND dimension = ''",
                [f"FY{fy}"],
            )
            .column("value")[0]
            .as_py()
        )
        assert got == pytest.approx(expected), fy


def test_spend_matches_the_manifest(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    expected = demo_project.manifest.totals(2025).spend
    got = (
        ws.warehouse()
        .query(
            "SELECT value FROM kpi_values WHERE node_id = 'marketing_budget' "
            "AND grain = 'fiscal_year' AND period = 'FY2025' AND dimension = ''"
        )
        .column("value")[0]
        .as_py()
    )
    assert got == pytest.approx(expected)


def test_months_add_up_to_the_year_in_kpi_values(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    rows = (
        ws.warehouse()
        .query(
            "SELECT grain, sum(value) AS total FROM kpi_values WHERE node_id = 'mql' "
            "AND dimension = '' AND period_start >= DATE '2025-04-01' "
            "AND period_end <= DATE '2026-03-31' AND grain IN ('month', 'quarter', 'fiscal_year') "
            "GROUP BY grain"
        )
        .to_pylist()
    )
    totals = {r["grain"]: r["total"] for r in rows}
    assert totals["month"] == totals["quarter"] == totals["fiscal_year"] > 0


def test_status_of_a_closed_year(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    report = ws.status(period="FY2025")
    assert not report.running
    revenue = report.nodes["revenue"]
    assert revenue.actual == pytest.approx(
        demo_project.manifest.totals(2025).won_amount + _impossible_won_amount(demo_project, 2025)
    )
    assert revenue.commit is None  # FY2025 is outside the FY2026 plan
    assert revenue.comparison.yoy.previous is None


def test_status_of_the_running_month_paces_and_names_a_bottleneck(
    demo_project: DemoProject,
) -> None:
    ws = demo_project.open()
    report = ws.status(period="FY2026-H1")
    revenue = report.nodes["revenue"]
    assert revenue.commit == pytest.approx(1_000_000_000 / 2, rel=0.2)  # seasonality
    assert revenue.status.achievement == pytest.approx(revenue.actual / revenue.commit)
    d = report.bottleneck
    assert d is not None
    total = sum(c.contribution for c in d.nodes.values() if c.is_leaf)
    assert total == pytest.approx(d.actual - d.target, rel=1e-6, abs=1.0)
    worst = d.bottleneck
    assert worst is None or worst.contribution < 0

    month = ws.status(period="2026-11", by="channel")
    assert month.running
    pacing = month.nodes["mql"].pacing
    assert pacing is not None and 0 < pacing.elapsed_fraction < 1
    assert month.by is not None and month.by.values.get("leads")


def test_explain_shows_sql_and_latest_values(demo_project: DemoProject) -> None:
    ws = demo_project.open()
    explanation = ws.explain("opportunity_rate")
    assert "SELECT" in explanation["sql"].upper() and explanation["dialect"] == "duckdb"
    assert explanation["latest"]
    derived = ws.explain("romi", dialect="postgres")
    assert derived["metric"] and derived["dialect"] == "postgres"


def test_checklist_knows_the_data_is_connected(demo_project: DemoProject) -> None:
    results = {r.item.id: r for r in demo_project.open().checklist()}
    states = {k: str(v.state.value) for k, v in results.items()}
    assert "checked" in states.values()
    assert len(results) == 15


def test_quality_report_finds_the_planted_problems(demo_project: DemoProject) -> None:
    report = demo_project.open().quality()
    checks = {f.check: f for f in report.findings}
    rejected = sum(f.count for f in report.findings_for("rejected_rows"))
    assert "rejected_rows" in checks and rejected >= len(demo_project.manifest.bad_rows)
    assert "duplicate_companies" in checks  # 株式会社X / (株)X / ㈱X spellings
