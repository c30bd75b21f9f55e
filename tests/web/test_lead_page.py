"""The read-only lead score page and its JSON twin show what `ikkan leads show` shows."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import quote

import httpx

from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import WebProject


class _Cells(HTMLParser):
    """The text of every <td> in the reasons table, by its class."""

    def __init__(self) -> None:
        super().__init__()
        self.table: str | None = None
        self.cell: str | None = None
        self.cells: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self.table = classes
        elif tag == "td" and self.table == "data reasons":
            self.cell = classes
            self.cells.append((classes, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.cell is not None:
            classes, text = self.cells[-1]
            self.cells[-1] = (classes, text + data)


def _engaged_lead(web_project: WebProject) -> str:
    rows = (
        web_project.open()
        .warehouse()
        .query(
            "SELECT lead_key FROM lead_score_reasons WHERE kind = 'engagement' "
            "ORDER BY lead_key LIMIT 1"
        )
        .to_pylist()
    )
    assert rows, "the demo's webinar activities should give some lead engagement points"
    return str(rows[0]["lead_key"])


def test_lead_api_matches_the_cli(client: httpx.Client, web_project: WebProject) -> None:
    key = _engaged_lead(web_project)
    api = client.get(f"/api/leads/{quote(key)}?lang=en").json()
    cli = json.loads(ikkan("leads", "show", key, "--json", cwd=web_project.root).stdout)
    for field in ("score", "fit", "engagement", "grade", "level", "cell", "mql"):
        assert api[field] == cli[field], field
    assert [(r["rule_id"], r["points"]) for r in api["reasons"]] == [
        (r["rule_id"], r["points"]) for r in cli["reasons"]
    ]
    assert sum(r["points"] for r in api["reasons"]) == api["score"]
    assert api["history"] and api["history"][-1]["score"] == api["score"]


def test_lead_page_in_japanese(client: httpx.Client, web_project: WebProject) -> None:
    key = _engaged_lead(web_project)
    page = client.get(f"/leads/{quote(key)}?lang=ja")
    assert page.status_code == 200
    parsed = _Cells()
    parsed.feed(page.text)
    text = "".join(parsed.text)
    assert "内訳（合計がスコア）" in text
    numbers = [float(t) for c, t in parsed.cells if c == "num"]
    points = numbers[1::2]  # each row: events, points
    total = [float(t) for c, t in parsed.cells if c == "num total"]
    assert points and total == [sum(points)]
    assert "ウェビナー" in text  # the template's ja rule labels


def test_unknown_lead_is_404(client: httpx.Client) -> None:
    assert client.get("/api/leads/nobody%40example.com").status_code == 404
    assert client.get("/leads/nobody%40example.com").status_code == 404
