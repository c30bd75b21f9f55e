"""Every API endpoint in-process: shapes, the same numbers as the CLI's status, and clear
4xx for bad input (unknown node, bad period, unknown dimension …)."""

from __future__ import annotations

import csv
import io
import itertools

import httpx
import pytest
from openpyxl import load_workbook

from ikkan.reports.status_json import status_to_json
from ikkan.services import reading
from tests.web.conftest import HOSTILE_EN, HOSTILE_JA, WebProject

PAGES = ["overview", "tree", "funnel", "trends", "channels", "health"]


def test_overview_matches_cli_status(client: httpx.Client, web_project: WebProject) -> None:
    ws = web_project.open()
    report = ws.status()
    expected = status_to_json(ws.tree, report)
    body = client.get("/api/overview?lang=en").json()
    kgi = body["kgi"]
    assert kgi["id"] == expected["bottleneck"]["kgi"]
    by_id = {n["id"]: n for n in expected["nodes"]}
    assert kgi["actual"] == by_id[kgi["id"]]["actual"]
    assert kgi["target"] == by_id[kgi["id"]]["commit"]
    assert kgi["achievement"] == pytest.approx(by_id[kgi["id"]]["achievement"])
    assert kgi["pacing"]["projected"] == pytest.approx(by_id[kgi["id"]]["pacing"]["projected"])
    bottleneck = body["bottleneck"]
    assert bottleneck["node"] == expected["bottleneck"]["node"]
    gap = expected["bottleneck"]["gap"]
    contribution = next(
        c["contribution"]
        for c in expected["bottleneck"]["contributions"]
        if c["node"] == bottleneck["node"]
    )
    assert bottleneck["effect"] == pytest.approx(contribution)
    assert bottleneck["share"] == pytest.approx(contribution / gap)
    if 0 <= contribution / gap <= 1:
        assert bottleneck["share_text"].endswith("%")
    else:
        assert "offset" in bottleneck["share_text"]
    assert 5 <= len(body["headline"]) + 1 <= 7  # the KGI card plus 5–7 headline cards in all
    for card in body["headline"]:
        assert card["rag"] in ("green", "amber", "red", "unknown")
        assert card["rag_word"] and card["rag_icon"]


def test_tree_has_every_node_and_formula_edges(
    client: httpx.Client, web_project: WebProject
) -> None:
    ws = web_project.open()
    body = client.get("/api/tree").json()
    assert {n["id"] for n in body["nodes"]} == set(ws.tree.nodes)
    edges = {(e["parent"], e["child"]): e for e in body["edges"]}
    assert edges[("new_won", "opportunities")]["operator"] == "×"
    assert edges[("new_won", "win_rate")]["operator"] == "×"
    assert edges[("revenue", "new_revenue")]["operator"] == "+"
    assert edges[("cpl", "marketing_budget")]["operator"] == "×"  # the numerator
    assert edges[("cpl", "leads")]["operator"] == "÷"
    assert edges[("romi", "marketing_budget")]["operator"] == "−"
    shares = [e for e in edges.values() if e["share"] is not None]
    assert all(e["share_text"].endswith("%") for e in shares)


def test_node_that_cannot_be_computed_shows_dashes_and_a_reason(
    client: httpx.Client, web_project: WebProject
) -> None:
    nodes = client.get("/api/tree?lang=en").json()["nodes"]
    missing = [n for n in nodes if n["actual"] is None]
    assert missing, "the demo has manual nodes without values"
    for n in missing:
        assert n["actual_text"] == "--"
        assert n["reason"]
    tree = web_project.open().tree
    for n in missing:
        node = tree.nodes[n["id"]]
        if node.metric is None and node.formula is None:
            assert n["reason"] == "no data binding and no formula"
        elif node.metric is not None and node.metric.type == "manual":
            assert n["reason"] == "no manual value imported"
        elif node.metric is None:
            assert n["reason"].startswith("missing inputs: ")
        else:
            assert n["reason"] == "no value for this period"


def test_sparklines_hold_the_last_periods(client: httpx.Client, web_project: WebProject) -> None:
    nodes = {n["id"]: n for n in client.get("/api/tree?period=2026-10").json()["nodes"]}
    spark = nodes["leads"]["spark"]
    assert 2 <= len(spark) <= 12
    history = reading.history(
        web_project.open(), "month", upto=__import__("datetime").date(2026, 10, 1)
    )
    assert spark == [r["value"] for r in history["leads"]]


def test_node_page_api(client: httpx.Client) -> None:
    body = client.get("/api/nodes/leads?lang=en").json()
    assert body["card"]["id"] == "leads"
    assert body["sql"] and "SELECT" in body["sql"].upper()
    assert body["history"] and body["plan"]
    assert isinstance(body["lint"], list)
    crossed = client.get("/api/nodes/cross_sell_rate").json()
    assert any(i["code"].startswith("smart-") for i in crossed["lint"])
    drill = body["drilldown"][0]
    assert drill["dimension"] == "channel" and drill["items"]
    total_change = sum(i["change"] for i in drill["items"])
    actual = sum(i["actual"] for i in drill["items"])
    basis = sum(i["basis"] for i in drill["items"])
    assert total_change == pytest.approx(actual - basis)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_and_its_api(client: httpx.Client, page: str, lang: str) -> None:
    path = "/" if page == "overview" else f"/{page}"
    html = client.get(f"{path}?lang={lang}")
    assert html.status_code == 200
    assert f'<html lang="{lang}">' in html.text
    api = client.get(f"/api/{page}?lang={lang}")
    assert api.status_code == 200
    assert api.json()["header"]["period"]


def test_funnel_rates(client: httpx.Client) -> None:
    stages = client.get("/api/funnel?period=FY2026-H1").json()["stages"]
    measured = [s for s in stages if s["measured"]]
    assert len(measured) >= 3
    first = measured[0]["count"]
    for prev, cur in itertools.pairwise(measured):
        assert cur["step_rate"] == pytest.approx(cur["count"] / prev["count"])
        assert cur["cumulative_rate"] == pytest.approx(cur["count"] / first)
    unmeasured = [s for s in stages if not s["measured"]]
    assert all(s["count"] is None for s in unmeasured)


def test_channels_rows_add_up_to_the_total_for_counts(client: httpx.Client) -> None:
    body = client.get("/api/channels?period=FY2026-H1").json()
    column = next(i for i, c in enumerate(body["columns"]) if c["id"] == "leads")
    total = sum(r["cells"][column]["value"] or 0 for r in body["rows"])
    whole = client.get("/api/tree?period=FY2026-H1").json()["nodes"]
    assert total == pytest.approx(next(n["actual"] for n in whole if n["id"] == "leads"))


def test_trends_chart_spec(client: httpx.Client) -> None:
    body = client.get("/api/trends?node=leads&grain=month").json()
    chart = body["chart"]
    assert chart["animation"] is False
    assert chart["series"][0]["data"] == [p["actual"] for p in body["points"]]
    assert chart["xAxis"]["data"] == [p["label"] for p in body["points"]]


def test_trends_pacing_chart_for_a_flow_node_over_a_half(client: httpx.Client) -> None:
    body = client.get("/api/trends?node=leads&period=FY2026-H2").json()
    pacing = body["pacing"]
    bars = pacing["series"][0]["data"]
    monthly = {p["period"]: p["actual"] for p in body["points"]}
    months = ["2026-10", "2026-11"]
    assert bars[0] == pytest.approx(monthly[months[0]])
    assert bars[1] == pytest.approx(monthly[months[0]] + monthly[months[1]])
    expected = pacing["series"][1]["data"]
    target = pacing["series"][1]["markLine"]["data"][0]["yAxis"]
    assert 0 < expected[0] < expected[1] < target  # phased toward the half's target
    month = client.get("/api/trends?node=leads&period=2026-10").json()
    assert month["pacing"] is None  # a month has no months to accumulate


def test_health(client: httpx.Client) -> None:
    body = client.get("/api/health").json()
    assert body["sources"] and all(s["status"] for s in body["sources"])
    assert body["refresh"]["computed_at"]
    assert isinstance(body["rejects"], list)


def test_period_filter(client: httpx.Client) -> None:
    for key in ("FY2026", "FY2026-H1", "FY2026-Q2", "2026-09", "2026年度上期"):
        body = client.get("/api/overview", params={"period": key}).json()
        assert body["header"]["period"] in (key, "FY2026-H1")


def test_comparison_mode(client: httpx.Client) -> None:
    for mode, field in (("year", "vs_year"), ("previous", "vs_previous")):
        nodes = client.get("/api/tree", params={"compare": mode}).json()["nodes"]
        for n in nodes:
            assert n["comparison"]["mode"] == mode
            assert n["comparison"]["text"] == n[field]["text"]
            assert n["comparison"]["favourable"] == n[field]["favourable"]
    default = client.get("/api/tree").json()["nodes"]
    kgi = next(n for n in default if n["kind"] == "KGI" and n["pacing"])
    assert kgi["comparison"]["mode"] == "target"
    assert kgi["comparison"]["text"] == kgi["pacing"]["pace_text"]
    cpa = next(n for n in default if n["direction"] == "lower" and n["vs_previous"]["change"])
    assert cpa["vs_previous"]["favourable"] == (cpa["vs_previous"]["change"] < 0)


def test_dimension_filter_reads_that_slice(client: httpx.Client) -> None:
    whole = {n["id"]: n for n in client.get("/api/tree?period=FY2026-H1").json()["nodes"]}
    channels = client.get("/api/channels?period=FY2026-H1").json()
    column = next(i for i, c in enumerate(channels["columns"]) if c["id"] == "leads")
    row = next(r for r in channels["rows"] if r["cells"][column]["value"])
    body = client.get(
        "/api/tree", params={"period": "FY2026-H1", "where": f"channel:{row['value']}"}
    ).json()
    sliced = {n["id"]: n for n in body["nodes"]}
    assert sliced["leads"]["actual"] == row["cells"][column]["value"]
    assert sliced["leads"]["actual"] < whole["leads"]["actual"]
    assert sliced["leads"]["target"] is None  # targets are for the whole
    assert sliced["leads"]["reason"]
    overview = client.get(
        "/api/overview", params={"period": "FY2026-H1", "where": f"channel:{row['value']}"}
    ).json()
    assert overview["bottleneck"] is None
    assert (
        "targets are planned for the whole"
        in client.get(
            "/api/overview",
            params={"period": "FY2026-H1", "where": f"channel:{row['value']}", "lang": "en"},
        ).json()["bottleneck_note"]
    )


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/nodes/no_such_node", 404, "unknown node"),
        ("/api/nodes/leeds", 404, "leads"),  # did you mean
        ("/node/no_such_node", 404, "unknown node"),
        ("/api/overview?period=2026-13", 400, "2026-13"),
        ("/api/overview?period=nonsense", 400, "not a period"),
        ("/api/tree?period=2026-10-05", 400, "day"),  # a grain refresh does not compute
        ("/api/tree?where=colour:red", 400, "unknown dimension"),
        ("/api/tree?where=channel", 400, "dimension:value"),
        ("/api/tree?where=channel:no_such_channel", 400, "no values"),
        ("/api/tree?compare=sideways", 400, "comparison"),
        ("/api/tree?lang=fr", 400, "language"),
        ("/api/trends?node=nope", 404, "unknown node"),
        ("/api/trends?grain=hour", 400, "grain"),
        ("/tree?collapse=nope", 404, "unknown node"),
        ("/export/tree/nodes.pdf", 400, "format"),
        ("/export/tree/nope.csv", 404, "no table"),
        ("/export/nope/nodes.csv", 404, "unknown page"),
        ("/export/node/history.csv", 400, "node"),
    ],
)
def test_bad_input_gets_a_clear_4xx(
    client: httpx.Client, url: str, status: int, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert words in response.text
    if url.startswith(("/api/", "/export/")):
        assert response.json()["hint"] is not None or status == 404


def test_bad_input_changes_nothing(client: httpx.Client, web_project: WebProject) -> None:
    before = reading.data_version(web_project.open())
    client.get("/api/tree?where=colour:red")
    client.get("/api/nodes/nope")
    assert reading.data_version(web_project.open()) == before


def test_openapi_lists_every_api(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for page in PAGES:
        assert f"/api/{page}" in paths
    assert "/api/nodes/{node_id}" in paths
    assert "/api/tree.svg" in paths


def test_hostile_labels_are_text(client: httpx.Client) -> None:
    for lang, label in (("ja", HOSTILE_JA), ("en", HOSTILE_EN)):
        for path in (
            "/",
            "/tree",
            "/node/avg_deal_size",
            "/trends?node=avg_deal_size",
            "/channels",
        ):
            html = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").text
            assert "<script>alert" not in html
            assert "<img src=x" not in html
        api = client.get(f"/api/nodes/avg_deal_size?lang={lang}").json()
        assert api["card"]["label"] == label
    svg = client.get("/api/tree.svg?lang=en").text
    assert "<img src=x" not in svg and "&lt;img src=x" in svg


def test_export_csv_and_xlsx_guard_formulas(client: httpx.Client) -> None:
    response = client.get("/export/tree/nodes.csv?lang=en")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    hostile = next(r for r in rows if r[0] == "avg_deal_size")
    assert hostile[1] == HOSTILE_EN  # starts with '"', not a formula character
    tree = client.get("/api/tree?lang=en").json()["nodes"]
    assert len(rows) == len(tree) + 1
    book = load_workbook(io.BytesIO(client.get("/export/tree/nodes.xlsx?lang=en").content))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == len(tree) + 1
    leads = next(v for v in values if v[0] == "leads")
    assert leads[2] == next(n["actual"] for n in tree if n["id"] == "leads")


def test_export_neutralises_a_formula_label(client: httpx.Client) -> None:
    from ikkan.web.export import ExportTable, to_csv

    data = to_csv(ExportTable("x", ["a"], [['=HYPERLINK("http://x")'], ["-2+3"]]))
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-2+3" in text


def test_language_cookie(client: httpx.Client) -> None:
    # only the language cookie goes: the session cookie keeps the client signed in
    client.cookies.delete("ikkan_lang")
    first = client.get("/?lang=en")
    assert first.cookies.get("ikkan_lang") == "en" or "ikkan_lang" in first.headers.get(
        "set-cookie", ""
    )
    client.cookies.delete("ikkan_lang")
    client.cookies.set("ikkan_lang", "en")
    again = client.get("/")
    assert '<html lang="en">' in again.text
    client.cookies.delete("ikkan_lang")
    default = client.get("/")
    assert '<html lang="ja">' in default.text  # company.locale of the project


def test_security_headers_and_no_cdn(client: httpx.Client) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "https://" not in response.text.split("<main")[0]
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/static/vendor/echarts-6.1.0.min.js").status_code == 200
