"""The funnel page's basis switch (period / cohort, in the URL and stated on the page) and
its breakdown by a dimension (one funnel row per channel), on the demo."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import WebProject

PERIOD = "FY2026-H1"


def test_period_basis_is_the_default_and_reads_the_stage_nodes(client: httpx.Client) -> None:
    default = client.get(f"/api/funnel?period={PERIOD}").json()
    period = client.get(f"/api/funnel?period={PERIOD}&basis=period").json()
    assert default["basis"] == period["basis"] == "period"
    assert default["stages"] == period["stages"]
    nodes = {n["id"]: n for n in client.get(f"/api/tree?period={PERIOD}").json()["nodes"]}
    for s in period["stages"]:
        if s["node"]:
            assert s["count"] == nodes[s["node"]]["actual"]


def test_cohort_basis_follows_the_periods_leads(
    client: httpx.Client, web_project: WebProject
) -> None:
    body = client.get(f"/api/funnel?period={PERIOD}&basis=cohort").json()
    assert body["basis"] == "cohort"
    as_of = body["header"]["as_of"]
    counts = {s["stage"]: s["count"] for s in body["stages"]}
    assert counts["visit"] is None  # sessions have no lead to follow
    lead_stages = [s["stage"] for s in body["stages"] if s["count"] is not None]
    ordered = [counts[s] for s in lead_stages]
    assert ordered == sorted(ordered, reverse=True)  # inferred: a later stage passed the earlier
    # the last stage counted independently: leads created in the half that were won by as_of
    wh = web_project.open().warehouse()
    won = (
        wh.query(
            "SELECT count(DISTINCT l.lead_key) AS n FROM leads l JOIN lead_stages s"
            " ON s.lead_key = l.lead_key WHERE s.stage = 'won'"
            " AND CAST(l.created_at AS DATE) BETWEEN DATE '2026-04-01' AND DATE '2026-09-30'"
            f" AND CAST(s.entered_at AS DATE) <= DATE '{as_of}'"
        )
        .column("n")[0]
        .as_py()
    )
    assert counts["won"] == won > 0
    period = client.get(f"/api/funnel?period={PERIOD}").json()
    assert counts != {s["stage"]: s["count"] for s in period["stages"]}  # a different basis


@pytest.mark.parametrize("basis", ["period", "cohort"])
def test_breakdown_by_channel_adds_up(client: httpx.Client, basis: str) -> None:
    body = client.get(f"/api/funnel?period={PERIOD}&basis={basis}&by=channel").json()
    assert body["by"] == "channel"
    rows = body["breakdown"]
    assert len(rows) >= 3 and len({r["value"] for r in rows}) == len(rows)
    total = {s["stage"]: s["count"] for s in body["stages"]}
    for k, stage in enumerate(body["stages"]):
        if stage["stage"] not in ("lead", "won") or total[stage["stage"]] is None:
            continue
        per = [r["stages"][k]["count"] or 0 for r in rows]
        if basis == "cohort":  # every lead has one channel (or none: the "" row)
            assert sum(per) == total[stage["stage"]]
        else:  # stored per channel; leads without a channel are in the total only
            assert 0 < sum(per) <= total[stage["stage"]]
    for r in rows:
        for cell in r["stages"]:
            if cell["step_rate"] is not None:
                assert cell["step_text"].endswith("%")


def test_basis_and_breakdown_live_in_the_url_and_on_the_page(client: httpx.Client) -> None:
    html = client.get(f"/funnel?period={PERIOD}&basis=cohort&by=channel&lang=ja").text
    assert "コホート基準: 期間中に作成されたリード" in html
    assert '<option value="cohort" selected>' in html
    assert '<option value="channel" selected>' in html
    assert 'id="funnel-by"' in html
    assert "&amp;basis=cohort" in html and "&amp;by=channel" in html  # kept by the language link
    en = client.get(f"/funnel?period={PERIOD}&lang=en").text
    assert "Period basis: entries into each stage dated in the period" in en
    assert 'id="funnel-by"' not in en


@pytest.mark.parametrize(
    ("query", "needle"),
    [("basis=sideways", "basis"), ("by=colour", "dimension"), ("basis=cohort&by=colour", "")],
)
def test_bad_basis_or_dimension_is_a_clear_4xx(
    client: httpx.Client, query: str, needle: str
) -> None:
    response = client.get(f"/api/funnel?{query}")
    assert response.status_code == 400
    assert needle in response.json()["error"]


def test_export_keeps_the_basis_and_the_breakdown(client: httpx.Client) -> None:
    import csv
    import io

    def rows(url: str) -> list[list[str]]:
        response = client.get(url)
        assert response.status_code == 200, response.text
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    query = f"period={PERIOD}&basis=cohort&by=channel&lang=en"
    body = client.get(f"/api/funnel?{query}").json()
    stages = rows(f"/export/funnel/stages.csv?{query}")
    won = next(s for s in body["stages"] if s["stage"] == "won")
    exported = next(r for r in stages if r[0] == won["label"])
    assert float(exported[1]) == won["count"]  # the cohort's count, not the period's
    breakdown = rows(f"/export/funnel/breakdown.csv?{query}")
    assert breakdown[0] == ["channel", *body["stage_labels"]]
    assert len(breakdown) == len(body["breakdown"]) + 1
    html = client.get(f"/funnel?{query}").text
    assert "/export/funnel/breakdown.csv?" in html and "&amp;basis=cohort&amp;by=channel" in html
