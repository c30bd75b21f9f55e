"""The channels page on the demo: the channel KPI set leads the columns, and each CPL /
CPA / CAC / ROMI cell says, with an icon and a word, whether it is within the plan's
allowable value (judged as the monthly review report judges)."""

from __future__ import annotations

import re

import httpx

from ikkan.web.view_model import channel_kpis, over_allowable
from tests.web.conftest import WebProject

PERIOD = "FY2026-H1"  # a closed half with spend, leads and won deals on every channel


def test_the_channel_kpi_set_comes_first(client: httpx.Client, web_project: WebProject) -> None:
    tree = web_project.open().tree
    kpis = channel_kpis(tree)
    assert kpis == ["leads", "mql", "opportunity_rate", "cpl", "cpa", "cac", "romi"]
    body = client.get(f"/api/channels?period={PERIOD}").json()
    ids = [c["id"] for c in body["columns"]]
    assert ids[: len(body["kpis"])] == body["kpis"]
    assert {"leads", "cpl", "cac", "romi"} <= set(body["kpis"])  # measured by channel
    assert [c["id"] for c in body["columns"] if c["kpi"]] == body["kpis"]


def test_cost_cells_are_judged_against_the_allowable_value(
    client: httpx.Client, web_project: WebProject
) -> None:
    tree = web_project.open().tree
    body = client.get(f"/api/channels?period={PERIOD}&lang=en").json()
    judged = {"over": 0, "within": 0}
    for k, column in enumerate(body["columns"]):
        node = tree.nodes[column["id"]]
        cost = node.metric is not None and node.metric.type in ("cost_per", "romi")
        assert column["cost"] is cost
        for row in body["rows"]:
            cell = row["cells"][k]
            if not cost or column["allowable"] is None or cell["value"] is None:
                assert cell["allowable"] is None
                continue
            worse = (
                cell["value"] > column["allowable"]
                if str(node.direction) == "lower"
                else cell["value"] < column["allowable"]
            )
            assert cell["allowable"]["over"] is worse
            assert worse is over_allowable(str(node.direction), cell["value"], column["allowable"])
            assert cell["allowable"]["icon"] == ("✖" if worse else "✔")
            assert cell["allowable"]["word"] == (
                "outside allowable" if worse else "within allowable"
            )
            judged["over" if worse else "within"] += 1
    assert sum(judged.values()) >= 3, judged  # spend is measured on several channels


def test_the_page_shows_the_verdict_in_words(client: httpx.Client) -> None:
    html = client.get(f"/channels?period={PERIOD}&lang=ja").text
    verdicts = re.findall(r'<span class="allow allow-(red|green)">([✖✔]) ([^<]+)</span>', html)
    assert verdicts
    for rag, icon, word in verdicts:
        assert (rag, icon, word) in (("red", "✖", "許容値超過"), ("green", "✔", "許容値内"))
    assert '<th scope="row">許容値</th>' in html
