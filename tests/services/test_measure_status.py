"""Status on a small project of its own (DuckDB and PostgreSQL): the bottleneck decomposes
the gap the table shows, explain renders the SQL refresh ran."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.reports.status_json import status_to_json

from .measure_support import ENGINES, PARTNER_DEALS, PROJECT, expected_by_channel, small_workspace


@pytest.mark.parametrize("engine", ENGINES)
def test_bottleneck_parts_add_up_to_the_measured_kgi_gap(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path) as ws:
        report = ws.status(period="2026-05")
        won = report.nodes["won"]
        may = expected_by_channel(5)
        wins = sum(w for _, w in may.values())
        assert (sum(n for n, _ in may.values()), wins) == (78, 30)  # ceil(n / 3) summed
        assert won.actual == wins + PARTNER_DEALS and won.commit == 40
        d = report.bottleneck
        assert d is not None and d.gap == pytest.approx(won.actual - won.commit)
        parts = {c.node: c.contribution for c in d.ranked()}
        assert parts["won:unexplained"] == pytest.approx(PARTNER_DEALS)
        assert sum(parts.values()) == pytest.approx(won.actual - won.commit)
        data = status_to_json(ws.tree, report)["bottleneck"]
        assert data["gap"] == pytest.approx(won.actual - won.commit)
        line = next(c for c in data["contributions"] if c["node"] == "won:unexplained")
        assert line["unexplained"] and line["actual"] == 33 and line["target"] == pytest.approx(30)


def test_an_unmeasured_rate_shows_the_value_its_measured_parent_implies(tmp_path: Path) -> None:
    """win_rate without a metric: the bottleneck counts won ÷ leads for it, and the status
    shows that value marked as implied rather than 'no data'."""
    from ikkan.cli.render import console
    from ikkan.cli.status_render import print_status

    def printed(lang: str) -> str:
        assert ws.tree is not None
        saved = console.width
        console.width = 160
        try:
            with console.capture() as captured:
                print_status(ws.tree, report, lang)
        finally:
            console.width = saved
        return captured.get()

    project = PROJECT.replace("    metric: {type: conversion, from: lead, to: won}\n", "")
    assert project != PROJECT
    with small_workspace("duckdb", tmp_path, project) as ws:
        report = ws.status(period="2026-05")
        rate = report.nodes["win_rate"]
        assert rate.actual is None
        assert rate.implied == pytest.approx((30 + PARTNER_DEALS) / 78)
        d = report.bottleneck
        assert d is not None and d.nodes["win_rate"].actual == pytest.approx(rate.implied)
        assert report.nodes["leads"].implied is None  # measured: nothing implied
        data = status_to_json(ws.tree, report)
        row = next(n for n in data["nodes"] if n["id"] == "win_rate")
        assert row["actual"] is None and row["implied"] == pytest.approx(rate.implied)
        out = printed("en")
        assert "42.3% (implied)" in out and "implied: not measured" in out, out
        assert "42.3% (推定)" in printed("ja")  # the web's word too


@pytest.mark.parametrize("engine", ENGINES)
def test_explain_renders_the_sql_with_the_refresh_as_of(engine: str, tmp_path: Path) -> None:
    cohort = PROJECT.replace(
        "metric: {type: conversion, from: lead, to: won}",
        "metric: {type: conversion, from: lead, to: won, basis: cohort, window_days: 30}",
    )
    with small_workspace(engine, tmp_path, cohort) as ws:
        assert ws.today().isoformat() == "2026-07-20"
        refreshed = ws.measured_as_of()
        assert refreshed.isoformat() == "2026-06-20"  # the last day with data
        explanation = ws.explain("win_rate")
        assert explanation["as_of"] == "2026-06-20"
        sql = explanation["sql"].replace(" ", "")
        assert "MAKE_DATE(2026,6,20)" in sql or "'2026-06-20'" in sql, sql
        assert "2026,7,20" not in sql and "2026-07-20" not in sql


@pytest.mark.parametrize("engine", ENGINES)
def test_velocity_leaves_out_what_quality_reports(engine: str, tmp_path: Path) -> None:
    from datetime import datetime

    from .test_refresh_support import load

    project = PROJECT + (
        "  days_to_win: {kind: KPI, unit: days, metric: {type: velocity, from: lead, to: won,"
        " stat: max}}\n"
    )
    with small_workspace(engine, tmp_path, project) as ws:
        before = ws.status(period="2026-05").nodes["days_to_win"]
        assert before.actual == 10  # every win is 10 days after its lead entry
        bad = {"lead_key": "t:bad", "source_system": "t", "source_id": "bad",
               "created_at": datetime(2026, 5, 1), "channel": "c01"}  # fmt: skip
        stages = [
            {"lead_key": "t:bad", "stage": "lead", "entered_at": datetime(2026, 5, 20)},
            {"lead_key": "t:bad", "stage": "won", "entered_at": datetime(2026, 5, 2)},
        ]
        load(ws.warehouse(), 2, leads=[bad], lead_stages=stages)
        ws.refresh()
        after = ws.status(period="2026-05").nodes["days_to_win"]
        assert after.actual == 10 and after.denominator == before.denominator  # left out
        finding = next(f for f in ws.quality().findings if f.check == "stage_order")
        assert finding.count == 1 and "leaves a lead" in finding.hint
        assert any(e.get("lead_key") == "t:bad" for e in finding.examples)


@pytest.mark.parametrize("engine", ENGINES)
def test_velocity_in_business_days_after_refresh(engine: str, tmp_path: Path) -> None:
    from datetime import timedelta

    from .measure_support import rows

    project = PROJECT + (
        "  days_to_win: {kind: KPI, unit: days, metric: {type: velocity, from: lead, to: won,"
        " days: business, stat: mean}}\n"
        "calendar: {obon: true}\n"
    )
    with small_workspace(engine, tmp_path, project) as ws:
        calendar = ws.calendar()
        entries: dict[str, dict[str, object]] = {}
        for s in rows()["lead_stages"]:
            entries.setdefault(s["lead_key"], {})[s["stage"]] = s["entered_at"].date()
        days = [
            calendar.business_days(e["lead"] + timedelta(days=1), e["won"])  # type: ignore[operator]
            for e in entries.values()
            if "won" in e and e["won"].month == 5  # type: ignore[union-attr]
        ]
        node = ws.status(period="2026-05").nodes["days_to_win"]
        assert node.denominator == len(days) == 30
        assert node.actual == pytest.approx(sum(days) / len(days))
        assert node.actual != 10  # ten calendar days are fewer business days
        assert "ikkan_business_days" in ws.explain("days_to_win")["sql"]


def test_business_days_before_any_refresh_say_so(tmp_path: Path) -> None:
    from ikkan.errors import UserError
    from ikkan.warehouse.testing import temporary_warehouse
    from ikkan.workspace import Workspace

    from .measure_support import NOW, rows
    from .test_refresh_support import load

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "ikkan.yml").write_text(
        PROJECT + "  days_to_win: {kind: KPI, unit: days, metric: {type: velocity, from: lead,"
        " to: won, days: business}}\n",
        encoding="utf-8",
    )
    with temporary_warehouse("duckdb", tmp_path) as wh:
        ws = Workspace.open(folder, clock=NOW)
        ws._warehouse = wh
        load(wh, 1, **rows())
        with pytest.raises(UserError, match="run 'ikkan refresh' first"):
            ws.status(period="ALL")
