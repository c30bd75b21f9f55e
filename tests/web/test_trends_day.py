"""Trends at the day grain (computed on demand for one node: refresh does not store days)
and the RAG bands of the trend chart served by the API."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import WebProject


def test_day_grain_for_a_measured_node_adds_up_to_the_month(client: httpx.Client) -> None:
    body = client.get("/api/trends?node=leads&grain=day&period=2026-10&lang=en").json()
    assert body["grain"] == "day" and body["on_demand"] is True
    assert "day" in body["grains"]
    days = [p["period"] for p in body["points"]]
    assert days == sorted(days) and all(d.startswith("2026-10-") for d in days)
    assert len(days) >= 20  # leads arrive on most days of a month
    month = client.get("/api/trends?node=leads&grain=month&period=FY2026").json()
    october = next(p["actual"] for p in month["points"] if p["period"] == "2026-10")
    assert sum(p["actual"] for p in body["points"]) == pytest.approx(october)
    assert all(p["target"] is None for p in body["points"])  # the plan has no day targets
    assert body["chart"]["xAxis"]["data"] == [p["label"] for p in body["points"]]


def test_day_grain_keeps_a_dimension_filter(client: httpx.Client) -> None:
    whole = client.get("/api/trends?node=leads&grain=day&period=2026-10").json()
    sliced = client.get(
        "/api/trends?node=leads&grain=day&period=2026-10&where=channel:paid_search"
    ).json()
    total = sum(p["actual"] for p in whole["points"])
    part = sum(p["actual"] for p in sliced["points"])
    assert 0 < part < total


def test_day_grain_of_a_formula_node_is_a_clear_4xx(
    client: httpx.Client, web_project: WebProject
) -> None:
    tree = web_project.open().tree
    node = next(n for n in tree.order if tree.nodes[n].metric is None and tree.nodes[n].formula)
    response = client.get(f"/api/trends?node={node}&grain=day")
    assert response.status_code == 400
    body = response.json()
    assert "no day values" in body["error"] and "week or a month" in body["hint"]


def test_trend_chart_has_rag_bands_in_words(client: httpx.Client) -> None:
    body = client.get("/api/trends?node=leads&grain=month&period=FY2026&lang=ja").json()
    bands = [s for s in body["chart"]["series"] if s.get("stack") == "rag"]
    assert [s["name"] for s in bands] == ["✖ 未達圏", "▲ 注意圏", "✔ 達成圏"]  # higher is better
    targets = [p["target"] for p in body["points"]]
    for i, target in enumerate(targets):
        if target is None:
            assert bands[0]["data"][i] is None
        else:  # red up to amber × target, amber up to the target
            assert bands[0]["data"][i] == pytest.approx(0.9 * target, rel=1e-3)
            assert bands[0]["data"][i] + bands[1]["data"][i] == pytest.approx(target, rel=1e-3)
    cpl = client.get("/api/trends?node=cpl&grain=month&period=FY2026&lang=en").json()
    names = [s["name"] for s in cpl["chart"]["series"] if s.get("stack") == "rag"]
    assert names == ["✔ on target zone", "▲ at risk zone", "✖ off target zone"]  # lower
