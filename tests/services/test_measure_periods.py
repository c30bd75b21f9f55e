"""Periods beyond the calendar: all time (ALL) and custom ranges in status, explain and
the JSON; a node period by period (series). DuckDB and PostgreSQL, against figures
worked out here from the rows loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ikkan.errors import UserError
from ikkan.reports.status_json import status_to_json

from .measure_support import ENGINES, PARTNER_DEALS, rows, small_workspace


def _by_hand(first: date, last: date) -> dict[str, float]:
    """leads entering, leads winning (stage entries) and won deals with their amounts,
    dated first … last."""
    data = rows()
    inside = [s for s in data["lead_stages"] if first <= s["entered_at"].date() <= last]
    deals = [d for d in data["deals"] if first <= d["closed_at"].date() <= last]
    return {
        "leads": sum(1 for s in inside if s["stage"] == "lead"),
        "wins": sum(1 for s in inside if s["stage"] == "won"),
        "won": len(deals),
        "revenue": sum(d["amount"] for d in deals),
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_all_time(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        report = ws.status(period="ALL")
        assert (report.period.start, report.period.end) == (date(2026, 4, 1), date(2026, 6, 20))
        expected = _by_hand(date(2000, 1, 1), date(2026, 6, 20))
        assert expected["won"] == 90 + PARTNER_DEALS
        n = report.nodes
        assert n["won"].actual == expected["won"] and n["leads"].actual == expected["leads"]
        assert (n["win_rate"].numerator, n["win_rate"].denominator) == (90, 234)
        assert n["revenue"].actual == expected["revenue"]
        assert n["won"].commit is None and n["won"].comparison.mom.previous is None
        assert report.bottleneck is None and "range" in (report.bottleneck_note or "")
        data = status_to_json(ws.tree, report)
        assert (data["period"], data["grain"]) == ("ALL", "range")
        assert (data["period_start"], data["period_end"]) == ("2026-04-01", "2026-06-20")
        assert data["period_label"]["ja"] == "全期間（2026年4月1日〜2026年6月20日）"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_custom_range_counts_its_days(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        report = ws.status(period="2026-04-15..2026-05-10", by="channel")
        expected = _by_hand(date(2026, 4, 15), date(2026, 5, 10))
        n = report.nodes
        assert n["leads"].actual == expected["leads"] and n["won"].actual == expected["won"]
        assert n["revenue"].actual == expected["revenue"]
        assert (n["win_rate"].numerator, n["win_rate"].denominator) == (
            expected["wins"],
            expected["leads"],
        )
        assert report.by is not None
        by_channel = report.by.values["leads"]
        assert sum(v or 0 for v in by_channel.values()) == expected["leads"]
        # the 30 days before it, for "vs prev."
        before = _by_hand(date(2026, 3, 19), date(2026, 4, 14))
        assert n["leads"].comparison.mom.previous == before["leads"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_range_of_one_month_shows_the_month(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        month = ws.status(period="2026-05", by="channel")
        days = ws.status(period="2026-05-01..2026-05-31", by="channel")
        assert {k: v.actual for k, v in days.nodes.items()} == {
            k: v.actual for k, v in month.nodes.items()
        }
        assert days.by is not None and month.by is not None
        assert days.by.values == month.by.values


@pytest.mark.parametrize("engine", ENGINES)
def test_series_period_by_period(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        leads = ws.series("leads", grain="month")
        assert [(p.period, p.value) for p in leads.points] == [
            ("2026-04", 78),
            ("2026-05", 78),
            ("2026-06", 78),
        ]
        rate = ws.series("win_rate", grain="month", by="channel", period="2026-05-01..2026-06-30")
        assert rate.periods() == ["2026-05", "2026-06"]
        c12 = [p for p in rate.points if p.dimension_value == "c12"]
        assert [(p.numerator, p.denominator) for p in c12] == [(4, 12), (4, 12)]
        quarter = ws.series("won", grain="quarter", period="ALL")
        assert [(p.period, p.value) for p in quarter.points] == [("FY2026-Q1", 93)]
        assert quarter.to_dict()["points"][0]["start"] == "2026-04-01"
        with pytest.raises(UserError, match="grain 'week'"):
            ws.series("won", grain="week")
        with pytest.raises(UserError, match="did you mean 'leads'"):
            ws.series("lead")


@pytest.mark.parametrize("engine", ENGINES)
def test_explain_a_range(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        explanation = ws.explain("leads", period="ALL")
        assert explanation["grain"] == "range"
        assert explanation["period"]["start"] == date(2026, 4, 1)
        assert explanation["latest"] == [{"period": "ALL", "value": 234}]
        sql = explanation["sql"].replace(" ", "")
        assert "MAKE_DATE(2026,4,1)" in sql and "MAKE_DATE(2026,6,20)" in sql


@pytest.mark.parametrize("engine", ENGINES)
def test_a_range_by_a_column_some_nodes_lack(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        report = ws.status(period="ALL", by="deal_type")  # a deals column, not a leads one
        assert report.by is not None
        assert report.by.values["won"] == {"new": 93}
        assert {line.split(":")[0] for line in report.by.skipped} == {"leads", "win_rate"}
        data = status_to_json(ws.tree, report)
        assert len(data["by"]["not_split"]) == 2
        with pytest.raises(UserError, match="not a column"):
            ws.status(period="ALL", by="no_such_column")
