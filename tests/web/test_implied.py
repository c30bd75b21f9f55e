"""A node without measured data whose value its measured parent and siblings imply
(win_rate = won ÷ leads): the web shows that value marked "implied / 推定", never a bare
number or 0, and the same value ``ikkan status --json`` prints (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ikkan.workspace import Workspace
from tests.services.measure_support import NOW, PROJECT, rows
from tests.services.test_refresh_support import load
from tests.web.conftest import add_users, new_client
from tests.web.html_find import parse

PERIOD = "2026-05"
UNMEASURED = PROJECT.replace("    metric: {type: conversion, from: lead, to: won}\n", "")


@pytest.fixture(scope="module")
def implied_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small measurement project (win_rate not measured) in its own DuckDB file."""
    assert UNMEASURED != PROJECT
    root = tmp_path_factory.mktemp("implied")
    (root / "ikkan.yml").write_text(UNMEASURED, encoding="utf-8")
    ws = Workspace.open(root, clock=NOW)
    assert not ws.has_errors, ws.issues
    warehouse = ws.warehouse()
    load(warehouse, 1, **rows())
    ws.refresh()
    warehouse.close()
    add_users(root)
    return root


@pytest.fixture(scope="module")
def cli_status(implied_project: Path) -> dict[str, dict[str, object]]:
    """``ikkan status --json`` for the period, by node (run before the app opens the file)."""
    ikkan = Path(sys.executable).parent / "ikkan"
    done = subprocess.run(
        [str(ikkan), "--project", str(implied_project), "status", "--period", PERIOD, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {n["id"]: n for n in json.loads(done.stdout)["nodes"]}


@pytest.fixture(scope="module")
def web(implied_project: Path, cli_status: dict[str, dict[str, object]]) -> Iterator[httpx.Client]:
    yield from new_client(implied_project, "aiko")


def test_the_cli_implies_the_rate(cli_status: dict[str, dict[str, object]]) -> None:
    rate = cli_status["win_rate"]
    assert rate["actual"] is None
    assert rate["implied"] == pytest.approx(33 / 78)  # 30 lead wins + 3 partner deals
    assert cli_status["leads"]["implied"] is None  # measured: nothing implied


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_json_twins_carry_the_cli_value_marked(
    web: httpx.Client, cli_status: dict[str, dict[str, object]], lang: str
) -> None:
    expected = cli_status["win_rate"]["implied"]
    label = {"ja": "推定", "en": "implied"}[lang]
    query = {"period": PERIOD, "lang": lang}
    node = web.get("/api/nodes/win_rate", params=query)
    assert node.status_code == 200, node.text
    tree = web.get("/api/tree", params=query).json()
    overview = web.get("/api/overview", params=query).json()
    cards = [node.json()["card"], next(c for c in tree["nodes"] if c["id"] == "win_rate")]
    cards += [c for c in overview["headline"] if c["id"] == "win_rate"]
    assert len(cards) == 3, [c["id"] for c in overview["headline"]]  # a headline KPI too
    for card in cards:
        assert card["actual"] is None  # never read as measured
        assert card["implied"] == expected  # the very float the CLI printed
        assert card["implied_text"] == f"42.3% ({label})"
        assert card["rag"] == "unknown" and card["rag_word"] == label
        assert card["reason"] and ("逆算" if lang == "ja" else "imply") in card["reason"]
    leads = next(c for c in tree["nodes"] if c["id"] == "leads")
    assert leads["actual"] == cli_status["leads"]["actual"] and leads["implied"] is None


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", ["/node/win_rate", "/tree", "/api/tree.svg"])
def test_pages_show_the_value_marked_never_a_bare_number(
    web: httpx.Client, path: str, lang: str
) -> None:
    label = {"ja": "推定", "en": "implied"}[lang]
    response = web.get(path, params={"period": PERIOD, "lang": lang})
    assert response.status_code == 200, response.text
    text = response.text
    assert f"42.3% ({label})" in text
    if path == "/node/win_rate":
        card = parse(text).find("article", data_node="win_rate")
        assert card is not None
        assert [b.text for b in card.find_all(class_="big")] == [f"42.3% ({label})"]
    assert ">0.0%<" not in text and ">0%<" not in text
