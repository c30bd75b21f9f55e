"""Tree cards: pacing to date drawn on each card, and the "stale data" badge judged per
node from the sources feeding the tables it reads (not the newest import of any source)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import httpx

from ikkan.ingest.sources.registry import all_readers
from ikkan.web import freshness
from ikkan.web.views.common import STALE_DAYS
from tests.web.conftest import WebProject

TODAY = date(2026, 11, 20)


def _at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time())


def test_every_file_reader_says_which_tables_it_writes() -> None:
    names = {r.name for r in all_readers()} - {"generic"}
    assert names <= set(freshness.READER_TABLES), names - set(freshness.READER_TABLES)


def test_node_tables_follow_the_metric_definitions(web_project: WebProject) -> None:
    tree = web_project.open().tree
    tables = freshness.metric_tables(tree)
    assert tables["marketing_budget"] == {"spend"}
    assert "spend" in tables["cpl"] and "spend" in tables["cac"]
    assert tables["visits"] == {"web_traffic"}
    assert "spend" not in tables["leads"] and tables["leads"]
    assert tables["operating_margin"] == set()  # typed in by people, never imported
    formula_only = [n for n in tree.order if tree.nodes[n].metric is None and tree.nodes[n].formula]
    for node_id in formula_only:  # a formula node reads what its inputs read
        inputs = tree.nodes[node_id].formula.names
        assert tables[node_id] == set().union(*(tables[i] for i in inputs))


def test_stale_is_per_node_and_the_stalest_table_counts(web_project: WebProject) -> None:
    ws = web_project.open()
    tables = freshness.metric_tables(ws.tree)
    imports = [
        freshness.ImportRow("exports", "hubspot_contacts", _at(0)),
        freshness.ImportRow("exports", "hubspot_deals", _at(1)),
        freshness.ImportRow("exports", "google_ads", _at(STALE_DAYS + 23)),
        freshness.ImportRow("exports", "google_ads", _at(STALE_DAYS + 40)),  # older, ignored
        freshness.ImportRow("exports", "ga4", None),  # never finished: ignored
        freshness.ImportRow("calls", "generic", _at(2)),  # its mapping: activities
    ]
    last = freshness.last_import_by_table(
        imports, ws.spec.sources, {"activities", *(t for ts in tables.values() for t in ts)}
    )
    assert last["activities"] == _at(2)
    ages = freshness.node_ages(tables, last, TODAY)
    assert ages["leads"] == 0
    assert ages["marketing_budget"] == STALE_DAYS + 23
    assert ages["cpl"] == STALE_DAYS + 23  # fresh leads do not hide stale spend
    assert ages["visits"] is None  # never imported: nothing to be stale about
    assert ages["operating_margin"] is None
    # an import whose tables cannot be told counts for every table
    unknown = [*imports, freshness.ImportRow("reader:generic", "generic", _at(0))]
    last = freshness.last_import_by_table(unknown, ws.spec.sources, {"spend"})
    assert freshness.node_ages({"x": frozenset({"spend"})}, last, TODAY) == {"x": 0}
    future = {"spend": _at(-3)}  # imported after a pinned "today": fresh, not negative
    assert freshness.node_ages({"x": frozenset({"spend"})}, future, TODAY) == {"x": 0}


def test_the_demo_cards_carry_their_own_age(client: httpx.Client) -> None:
    nodes = {n["id"]: n for n in client.get("/api/tree?lang=en").json()["nodes"]}
    assert nodes["leads"]["stale_days"] == 0  # imported after the pinned test day
    assert nodes["leads"]["stale"] is False
    assert nodes["operating_margin"]["stale_days"] is None


def test_tree_svg_draws_pacing_on_every_card(client: httpx.Client) -> None:
    body = client.get("/api/tree?lang=ja").json()
    paced = [n for n in body["nodes"] if n["pacing"] is not None]
    assert paced, "the running fiscal year has pacing"
    svg = client.get("/api/tree.svg?lang=ja").text
    groups = re.findall(r'<g class="node[^"]*" data-node="([^"]+)">(.*?)</a>', svg, re.S)
    assert len(groups) == len(body["nodes"])
    by_id = dict(groups)
    for n in paced:
        drawn = by_id[n["id"]]
        p = n["pacing"]
        assert f'class="pacing pace-{p["status"]}"' in drawn
        line = re.search(r'class="pacing[^>]*><text[^>]*>([^<]*)<', drawn).group(1)
        assert "ペース" in line and p["word"] in line and p["icon"] in line  # not colour alone
        assert p["pace_text"] in line
    unpaced = [n for n in body["nodes"] if n["pacing"] is None]
    for n in unpaced:
        assert "ペース --" in by_id[n["id"]]


def test_pacing_colour_follows_the_nodes_direction(client: httpx.Client) -> None:
    """A lower-is-better node (CPL) behind pace is red, ahead is green: the status the
    monitor judged by direction, drawn in its colour with its word."""
    body = client.get("/api/tree?lang=en").json()
    colours = {"green": "#1b7f3b", "amber": "#a35f00", "red": "#b3261e"}
    svg = client.get("/api/tree.svg?lang=en").text
    for n in body["nodes"]:
        p = n["pacing"]
        if p is None or p["rag"] not in colours:
            continue
        drawn = re.search(
            rf'data-node="{re.escape(n["id"])}">.*?class="pacing[^>]*><text[^>]*fill="([^"]+)"',
            svg,
            re.S,
        )
        assert drawn and drawn.group(1) == colours[p["rag"]], n["id"]
