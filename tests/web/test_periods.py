"""The period filter takes what the CLI takes (calendar keys, ranges of days, ALL), and
the trend API reads ``Workspace.series``: the page shows what ``ikkan status --series``
prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import WebProject

RANGE = "2026-04-01..2026-09-30"


def cli_json(root: Path, *args: str) -> Any:
    """``ikkan --project ROOT … --json`` as a user runs it (a child process)."""
    result = subprocess.run(
        [sys.executable, "-m", "ikkan", "--project", str(root), *args, "--json"],
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("node", "period", "grain"),
    [("leads", "ALL", "quarter"), ("win_rate", RANGE, "month"), ("leads", "FY2026", "month")],
)
def test_trends_show_what_the_cli_series_prints(
    client: httpx.Client, web_project: WebProject, node: str, period: str, grain: str
) -> None:
    body = client.get("/api/trends", params={"node": node, "period": period, "grain": grain}).json()
    printed = cli_json(
        web_project.root, "status", "--series", node, "--grain", grain, "--period", period
    )
    shown = [(p["period"], p["actual"], p["maturing"]) for p in body["points"]]
    assert shown == [(p["period"], p["value"], p["maturing"]) for p in printed["points"]]
    assert len(shown) >= 2 and any(value for _, value, _ in shown)
    scale = 100 if node == "win_rate" else 1  # the chart draws a rate in percent
    drawn = body["chart"]["series"][0]["data"]
    assert drawn == pytest.approx([value * scale for _, value, _ in shown], abs=1e-3)


def test_a_sliced_trend_is_that_value_of_the_series_by_its_dimension(
    client: httpx.Client, web_project: WebProject
) -> None:
    series = web_project.open().series("leads", grain="month", by="channel", period="FY2026")
    value = next(p.dimension_value for p in series.points if p.value)
    body = client.get(
        "/api/trends",
        params={"node": "leads", "period": "FY2026", "where": f"channel:{value}"},
    ).json()
    expected = [(p.period, p.value) for p in series.points if p.dimension_value == value]
    assert [(p["period"], p["actual"]) for p in body["points"]] == expected
    assert all(p["target"] is None for p in body["points"])  # targets are for the whole


def test_a_range_and_all_show_the_cli_status(client: httpx.Client, web_project: WebProject) -> None:
    ws = web_project.open()
    for period in (RANGE, "全期間"):
        report = ws.status(period=period)
        body = client.get("/api/tree", params={"period": period, "lang": "en"}).json()
        assert body["header"]["period"] == report.period.key
        assert body["header"]["grain"] == "range"
        cards = {n["id"]: n for n in body["nodes"]}
        for node_id in ("leads", "new_won", "win_rate", "new_revenue"):
            assert cards[node_id]["actual"] == pytest.approx(report.nodes[node_id].actual)
            assert cards[node_id]["target"] is None  # targets are per calendar period
        assert cards["leads"]["actual"] > 0
        assert cards["leads"]["spark"]  # drawn by month up to the range's end
    everything = client.get("/api/overview", params={"period": "ALL", "lang": "en"}).json()
    assert everything["header"]["period_label"].startswith("All time")
    page = client.get("/tree", params={"period": RANGE})
    assert page.status_code == 200 and 'value="ALL"' in page.text  # ALL is in the picker


def test_a_node_page_over_a_range_shows_the_range_sql(client: httpx.Client) -> None:
    body = client.get("/api/nodes/leads", params={"period": RANGE}).json()
    assert "2026-04-01" in body["sql"] and "2026-09-30" in body["sql"]
    assert body["card"]["actual"] > 0
    assert body["history"]  # by month
    assert {d["dimension"] for d in body["drilldown"]} == {"channel"}


@pytest.mark.parametrize(
    ("period", "words", "hint"),
    [
        ("2026-04..2026-09", "not a range of days", "YYYY-MM-DD..YYYY-MM-DD"),
        ("2026-09-30..2026-04-01", "ends before it starts", "2026-04-01..2026-09-30"),
        ("2026-04-01..2026-13-01", "not a range of days", "YYYY-MM-DD..YYYY-MM-DD"),
    ],
)
def test_a_bad_range_gets_a_400_with_a_hint(
    client: httpx.Client, period: str, words: str, hint: str
) -> None:
    for url in ("/api/overview", "/api/trends", "/export/tree/nodes.csv"):
        response = client.get(url, params={"period": period})
        assert response.status_code == 400, response.text
        assert words in response.json()["error"] and hint in response.json()["hint"]
    page = client.get("/tree", params={"period": period})
    assert page.status_code == 400 and words in page.text
