"""Microsoft Teams: a Workflows webhook receiving an Adaptive Card, checked by a real HTTP
receiver on loopback that rejects anything but the attachment shape Workflows expects."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ikkan.alerts.delivery import notifier_for
from ikkan.alerts.notifiers import KEY_HEADER, TEAMS_CARD, TeamsNotifier
from ikkan.alerts.outbox import deliver, enqueue
from ikkan.alerts.rules import ChannelSpec
from ikkan.warehouse.testing import temporary_warehouse
from tests.alerts.test_delivery import MESSAGE, T0

ELEMENTS = {"TextBlock", "FactSet", "Container", "ActionSet"}


def card_problems(payload: Any) -> list[str]:
    """What a Teams Workflows flow posting an Adaptive Card would trip over."""
    problems: list[str] = []
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return ["top level must be {'type': 'message', 'attachments': [...]}"]
    if "@type" in payload or "sections" in payload:
        problems.append("legacy MessageCard fields")
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return [*problems, "exactly one attachment expected"]
    attachment = attachments[0]
    if attachment.get("contentType") != TEAMS_CARD:
        problems.append(f"contentType {attachment.get('contentType')!r}")
    card = attachment.get("content") or {}
    if card.get("type") != "AdaptiveCard":
        problems.append("content is not an AdaptiveCard")
    if card.get("version") not in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"):
        problems.append(f"card version {card.get('version')!r} is not rendered by Teams")

    def walk(elements: Any, where: str) -> None:
        for i, element in enumerate(elements or []):
            kind = element.get("type")
            here = f"{where}[{i}]"
            if kind not in ELEMENTS:
                problems.append(f"{here}: unknown element {kind!r}")
            if kind == "TextBlock" and not isinstance(element.get("text"), str):
                problems.append(f"{here}: TextBlock without text")
            if kind == "FactSet":
                for fact in element.get("facts", []):
                    if set(fact) != {"title", "value"} or not all(
                        isinstance(v, str) for v in fact.values()
                    ):
                        problems.append(f"{here}: a fact must be {{title, value}} strings")
            if kind == "Container":
                walk(element.get("items"), here + ".items")
            if kind == "ActionSet":
                actions(element.get("actions"), here)

    def actions(items: Any, where: str) -> None:
        for action in items or []:
            if action.get("type") != "Action.OpenUrl" or not str(action.get("url")).startswith(
                "http"
            ):
                problems.append(f"{where}: action {action}")

    walk(card.get("body"), "body")
    actions(card.get("actions"), "actions")
    return problems


@dataclass
class Workflow:
    """A stand-in for the Teams flow's HTTP trigger: 202 for a good card, 400 otherwise."""

    cards: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    fail_first: int = 0
    url: str = ""


@pytest.fixture
def workflow() -> Iterator[Workflow]:
    state = Workflow()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.fail_first:
                state.fail_first -= 1
                self.send_response(503)
                self.end_headers()
                return
            payload = json.loads(body)
            problems = card_problems(payload)
            self.send_response(400 if problems else 202)
            self.end_headers()
            if problems:
                self.wfile.write("; ".join(problems).encode())
                return
            state.cards.append(payload)
            state.keys.append(self.headers[KEY_HEADER])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/workflows/abc/triggers/manual"
    yield state
    server.shutdown()
    server.server_close()


def _texts(card: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(elements: Any) -> None:
        for e in elements or []:
            if e["type"] == "TextBlock":
                out.append(e["text"])
            if e["type"] == "FactSet":
                out.extend(f"{f['title']}={f['value']}" for f in e["facts"])
            walk(e.get("items"))

    walk(card["body"])
    return out


def test_teams_card_through_the_outbox(workflow: Workflow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    workflow.fail_first = 1  # Teams throttles (503): kept and retried with backoff
    with temporary_warehouse("duckdb", tmp_path) as wh:
        notifier = notifier_for("teams", ChannelSpec(type="teams", url=workflow.url))
        assert isinstance(notifier, TeamsNotifier)
        enqueue(wh, [MESSAGE], ["teams"], T0)
        first = deliver(wh, {"teams": notifier}, T0)
        assert first.sent == [] and "HTTP 503" in first.failed[0][2]
        assert deliver(wh, {"teams": notifier}, T0).sent == []  # not due yet
        from datetime import timedelta

        later = deliver(wh, {"teams": notifier}, T0 + timedelta(minutes=1))
        assert later.sent == [(MESSAGE.key, "teams")]
    (payload,) = workflow.cards
    assert workflow.keys == [MESSAGE.key]
    card = payload["attachments"][0]["content"]
    texts = _texts(card)
    assert texts[0] == MESSAGE.subject  # [発報] MQLペース遅れ: 月間MQL獲得数
    assert "実績=97" in texts and "基準=200" in texts and "担当=marketing" in texts
    assert "理由=achievement 48.5% < 85% <script>" in texts  # plain text, sent as is
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "ikkan で開く", "url": MESSAGE.link}
    ]


def test_teams_digest_card_lists_every_alert(workflow: Workflow) -> None:
    items = tuple(
        replace(MESSAGE, key=f"k{i}", rule=f"r{i}", rule_name=f"ルール{i}", observed=str(i))
        for i in range(25)
    )
    digest = replace(MESSAGE, key="digest|1", items=items, title="アラート 25 件")
    TeamsNotifier(workflow.url).send(digest)
    card = workflow.cards[0]["attachments"][0]["content"]
    texts = _texts(card)
    assert texts[0] == "アラート 25 件"
    assert sum(1 for t in texts if t.startswith("[発報] ルール")) == 20  # size cap
    assert texts[-1] == "… +5"
    assert "actions" not in card  # each alert has its own link button instead


def test_receiver_rejects_the_retired_connector_format(workflow: Workflow) -> None:
    from ikkan.alerts.notifiers import DeliveryError, _post

    legacy = {"@type": "MessageCard", "themeColor": "FF0000", "sections": []}
    with pytest.raises(DeliveryError, match="HTTP 400"):
        _post(workflow.url, json.dumps(legacy).encode(), {}, 5)
    assert card_problems(legacy)
