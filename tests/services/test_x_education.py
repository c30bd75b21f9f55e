"""Real data: examples/x-education loads Leads.csv unedited (read from ../shared, never
copied) on DuckDB and PostgreSQL; leads, conversions and conversion rates overall and by
Lead Origin, Lead Source and City equal a computation of their own with the csv module."""

from __future__ import annotations

import csv
import json
import uuid
from collections import defaultdict
from datetime import date

import pytest

from ikkan.warehouse.testing import postgres_test_url, require_postgres
from ikkan.workspace import Workspace
from tests.conftest import DATASETS, REPO

LEADS_CSV = DATASETS / "x-education-leads" / "Leads.csv"
AS_OF = date(2021, 1, 31)
MISSING = ("", "Select")  # README: "Select" is an unfilled dropdown, i.e. missing


def _source() -> list[dict[str, str]]:
    with LEADS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by(column: str) -> dict[str, tuple[int, int]]:
    """Lead count and converted count per value of ``column`` ('(none)' when missing)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _source():
        value = row[column].strip()
        bucket = out["(none)" if value in MISSING else value]
        bucket[0] += 1
        bucket[1] += row["Converted"] == "1"
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def xedu(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    assert LEADS_CSV.is_file(), f"the shared datasets must be beside the clone: {LEADS_CSV}"
    if request.param == "postgres":
        require_postgres()
        url = postgres_test_url(f"ikkan_test_{uuid.uuid4().hex[:12]}")
    else:
        url = "duckdb://" + str(tmp_path_factory.mktemp("xedu") / "w.duckdb")
    ws = Workspace.open(REPO / "examples" / "x-education", warehouse_url=url)
    assert ws.validate() == []
    (outcome,) = ws.ingest()
    assert outcome.ok, outcome.error
    assert (outcome.rows_read, outcome.rejected) == (9240, 0)
    ws.refresh(as_of=AS_OF)
    yield ws
    warehouse = ws.warehouse()
    warehouse.close()
    drop = getattr(warehouse, "drop_schema", None)
    if drop is not None:
        drop()


def test_the_file_is_read_from_shared_not_copied() -> None:
    assert not list((REPO / "examples" / "x-education").glob("*.csv"))
    text = (REPO / "examples" / "x-education" / "ikkan.yml").read_text(encoding="utf-8")
    assert "../../../shared/datasets/x-education-leads/Leads.csv" in text


def test_totals_match(xedu: Workspace) -> None:
    rows = _source()
    converted = sum(1 for r in rows if r["Converted"] == "1")
    status = xedu.status(period="FY2020", as_of=AS_OF)
    assert status.nodes["leads"].actual == len(rows) == 9240
    assert status.nodes["converted"].actual == converted == 3561
    assert status.nodes["lead_to_converted"].actual == pytest.approx(converted / len(rows))


@pytest.mark.parametrize(
    ("dimension", "column"),
    [("segment", "Lead Origin"), ("channel_raw", "Lead Source"), ("region", "City")],
)
def test_breakdowns_match(xedu: Workspace, dimension: str, column: str) -> None:
    expected = _by(column)
    rows = xedu.warehouse().query(
        "SELECT node_id, dimension_value, value, numerator, denominator FROM kpi_values "
        "WHERE grain = 'fiscal_year' AND period = 'FY2020' AND dimension = ?",
        [dimension],
    )
    got = {(r["node_id"], r["dimension_value"]): r for r in rows.to_pylist()}
    leads = {v: int(r["value"]) for (n, v), r in got.items() if n == "leads" and r["value"]}
    converted = {v: int(r["value"]) for (n, v), r in got.items() if n == "converted" and r["value"]}
    assert leads == {k: v[0] for k, v in expected.items()}
    assert converted == {k: v[1] for k, v in expected.items() if v[1]}
    for value, (n, won) in expected.items():
        rate = got[("lead_to_converted", value)]
        assert (rate["numerator"], rate["denominator"]) == (won, n)
        assert rate["value"] == pytest.approx(won / n)


def test_nothing_is_invented_or_lost(xedu: Workspace) -> None:
    rows = {r["Prospect ID"]: r for r in _source()}
    stored = (
        xedu.warehouse()
        .query("SELECT source_id, created_at, country, status, score, attributes FROM leads")
        .to_pylist()
    )
    assert len(stored) == len(rows)
    for lead in stored:
        row = rows[lead["source_id"]]
        assert lead["created_at"].date() == date(2021, 1, 27)  # the stated snapshot date
        assert lead["country"] == (None if row["Country"] in MISSING else row["Country"])
        assert lead["status"] == (None if row["Tags"] in MISSING else row["Tags"])
        raw_score = row["Asymmetrique Activity Score"]
        assert lead["score"] == (float(raw_score) if raw_score else None)
        kept = json.loads(lead["attributes"])
        assert kept["Lead Number"] == row["Lead Number"]  # as exported
        assert kept.get("Specialization") == (row["Specialization"] or None)
    explained = xedu.explain("leads")
    assert any("dated 2021-01-27" in note for note in explained["row_dates"])
