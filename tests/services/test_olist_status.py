"""Real data: the Olist funnel through the generic mapping, MQL → won conversion by origin
and by monthly cohort, against figures computed here with the csv module."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ikkan.workspace import Workspace
from tests.conftest import DATASETS, REPO

OLIST = DATASETS / "olist-funnel"
AS_OF = date(2018, 10, 31)
WINDOW = timedelta(days=180)


def _independent() -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """(by origin, by first-contact month) → (MQLs, won within 180 days by AS_OF)."""
    with (OLIST / "olist_closed_deals_dataset.csv").open(encoding="utf-8") as handle:
        won = {r["mql_id"]: datetime.fromisoformat(r["won_date"]) for r in csv.DictReader(handle)}
    by_origin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cutoff = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time())
    with (OLIST / "olist_marketing_qualified_leads_dataset.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            first = datetime.fromisoformat(row["first_contact_date"])
            hit = (
                row["mql_id"] in won
                and won[row["mql_id"]] <= first + WINDOW
                and (won[row["mql_id"]] < cutoff)
            )
            origin = row["origin"] or "(none)"
            for bucket in (by_origin[origin], by_month[first.strftime("%Y-%m")]):
                bucket[0] += 1
                bucket[1] += int(hit)
    return (
        {k: (v[0], v[1]) for k, v in by_origin.items()},
        {k: (v[0], v[1]) for k, v in by_month.items()},
    )


@pytest.fixture(scope="module")
def olist(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    assert OLIST.is_dir(), f"the shared datasets must be beside the clone: {OLIST}"
    url = "duckdb://" + str(tmp_path_factory.mktemp("olist") / "w.duckdb")
    ws = Workspace.open(REPO / "examples" / "olist", warehouse_url=url)
    outcomes = ws.ingest()
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.rows_read for o in outcomes) == 8000 + 842
    ws.refresh(as_of=AS_OF)
    return ws


def test_loaded_counts(olist: Workspace) -> None:
    wh = olist.warehouse()
    assert wh.query("SELECT count(*) AS n FROM leads").column("n")[0].as_py() == 8000
    assert wh.query("SELECT count(*) AS n FROM deals WHERE is_won").column("n")[0].as_py() == 842


def test_all_time_by_origin_matches(olist: Workspace) -> None:
    """One period holds every cohort: ALL, no adding fiscal years up."""
    by_origin, _ = _independent()
    report = olist.status(period="ALL", by="channel_raw", as_of=AS_OF)
    assert report.period.key == "ALL" and report.period.end == AS_OF
    assert report.by is not None
    got = {
        origin: (int(cell.denominator or 0), int(cell.numerator or 0))
        for origin, cell in report.by.cells["mql_to_won"].items()
    }
    assert got == by_origin
    rate = report.nodes["mql_to_won"]
    assert (rate.denominator, rate.numerator) == (
        sum(v[0] for v in by_origin.values()),
        sum(v[1] for v in by_origin.values()),
    )
    assert report.nodes["mql"].actual == 8000
    with (OLIST / "olist_closed_deals_dataset.csv").open(encoding="utf-8") as handle:
        won = [r for r in csv.DictReader(handle) if r["won_date"][:10] <= AS_OF.isoformat()]
    assert report.nodes["won"].actual == len(won)
    paid = report.by.values["mql_to_won"]["paid_search"]
    assert paid == pytest.approx(by_origin["paid_search"][1] / by_origin["paid_search"][0])


def test_conversion_by_monthly_cohort_matches_and_flags_maturing(olist: Workspace) -> None:
    _, by_month = _independent()
    rows = (
        olist.warehouse()
        .query(
            "SELECT period, numerator, denominator, value, maturing FROM kpi_values "
            "WHERE node_id = 'mql_to_won' AND grain = 'month' AND dimension = ''"
        )
        .to_pylist()
    )
    got = {
        r["period"]: (int(r["denominator"]), int(r["numerator"])) for r in rows if r["denominator"]
    }
    assert got == by_month
    for r in rows:
        assert 0 <= r["value"] <= 1
        # a cohort is maturing while its month end + 180 days is after AS_OF
        month_end = date.fromisoformat(r["period"] + "-01") + timedelta(days=31)
        assert r["maturing"] == (month_end.replace(day=1) - timedelta(days=1) + WINDOW > AS_OF)
    assert any(r["maturing"] for r in rows) and not all(r["maturing"] for r in rows)


def test_series_by_month_matches(olist: Workspace) -> None:
    _, by_month = _independent()
    series = olist.series("mql_to_won", grain="month")
    got = {p.period: (int(p.denominator or 0), int(p.numerator or 0)) for p in series.points}
    assert {k: v for k, v in got.items() if v[0]} == by_month


def test_status_names_the_bottleneck(olist: Workspace) -> None:
    report = olist.status(period="FY2018", as_of=AS_OF)
    won = report.nodes["won"]
    assert won.actual is not None and won.commit == 1000
    assert report.bottleneck is not None
    parts = report.bottleneck.ranked()
    # won is counted from won dates, the cohort rate from first contacts: the measured KGI
    # is not mql × mql_to_won, and the difference is a line of its own
    assert {c.node for c in parts} == {"mql", "mql_to_won", "won:unexplained"}
    assert report.bottleneck.actual == won.actual  # the table's KGI, not the formula's
    assert sum(c.contribution for c in parts) == pytest.approx(report.bottleneck.gap)


def test_example_mapping_file_stays_in_step(olist: Workspace) -> None:
    import yaml

    mappings = yaml.safe_load((REPO / "examples" / "olist" / "mapping.yaml").read_text("utf-8"))
    sources = olist.spec.sources
    assert sources["olist_mqls"].options["mapping"]["columns"] == {
        k: v for k, v in mappings["olist_mqls"]["mapping"]["columns"].items()
    }
    assert Path(sources["olist_mqls"].path).name == Path(mappings["olist_mqls"]["file"]).name
