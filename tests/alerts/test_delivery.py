"""Delivery through the outbox to real receivers on loopback: an HTTP server checking the
HMAC, one that fails first, one that hangs, Slack's payload, an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ikkan.alerts.messages import Message
from ikkan.alerts.notifiers import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EmailNotifier,
    SlackNotifier,
    WebhookNotifier,
    verify,
)
from ikkan.alerts.outbox import backoff, deliver, enqueue, retry_failed
from ikkan.warehouse.testing import temporary_warehouse

T0 = datetime(2026, 11, 20, 12, 0)
SECRET = "s3cret-鍵"

MESSAGE = Message(
    key="mql_pacing||1|0",
    kind="firing",
    rule="mql_pacing",
    rule_name="MQLペース遅れ",
    node="mql",
    node_name="月間MQL獲得数",
    instance="",
    period="2026-11",
    observed="97",
    line="200",
    gap="-103",
    owner="marketing",
    why="achievement 48.5% < 85% <script>",
    link="http://127.0.0.1:8000/node/mql?period=2026-11",
    lang="ja",
)


@dataclass
class Receiver:
    """An HTTP server answering with scripted status codes (then 200), or hanging."""

    statuses: list[int] = field(default_factory=list)
    hang: float = 0.0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            if state.hang:
                time.sleep(state.hang)
            code = state.statuses.pop(0) if state.statuses else 200
            self.send_response(code)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def warehouse(tmp_path):  # type: ignore[no-untyped-def]
    with temporary_warehouse("duckdb", tmp_path) as wh:
        yield wh


def outbox(wh) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return wh.query("SELECT * FROM alert_outbox ORDER BY notice_key, channel").to_pylist()


def test_webhook_is_signed_and_verifiable(receiver: Receiver, warehouse) -> None:  # type: ignore[no-untyped-def]
    notifier = WebhookNotifier(receiver.url, SECRET)
    assert enqueue(warehouse, [MESSAGE], ["hook"], T0) == 1
    report = deliver(warehouse, {"hook": notifier}, T0)
    assert report.sent == [(MESSAGE.key, "hook")]
    ((headers, body),) = receiver.requests
    assert verify(
        SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time()
    )
    assert not verify(
        "wrong", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time()
    )
    assert not verify(
        SECRET, headers[TIMESTAMP_HEADER], body + b" ", headers[SIGNATURE_HEADER], now=time.time()
    )
    stale_now = int(headers[TIMESTAMP_HEADER]) + 301
    assert not verify(
        SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=stale_now
    )
    assert headers[KEY_HEADER] == MESSAGE.key
    data = json.loads(body)
    assert data["subject"] == "[発報] MQLペース遅れ: 月間MQL獲得数"
    assert data["observed"] == "97" and data["line"] == "200" and data["gap"] == "-103"
    assert [r["status"] for r in outbox(warehouse)] == ["sent"]


def test_failure_is_retried_with_backoff_and_never_sent_twice(
    receiver: Receiver,
    warehouse,  # type: ignore[no-untyped-def]
) -> None:
    receiver.statuses = [500, 503]
    hooks = {"hook": WebhookNotifier(receiver.url, SECRET)}
    enqueue(warehouse, [MESSAGE], ["hook"], T0)
    assert deliver(warehouse, hooks, T0).failed[0][2].startswith("HTTP 500")
    row = outbox(warehouse)[0]
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == (
        "pending",
        1,
        T0 + backoff(1),
    )
    assert deliver(warehouse, hooks, T0 + timedelta(seconds=30)).sent == []  # not due yet
    assert len(receiver.requests) == 1
    assert deliver(warehouse, hooks, T0 + timedelta(minutes=1)).failed  # 503
    assert outbox(warehouse)[0]["next_attempt_at"] == T0 + timedelta(minutes=1) + backoff(2)
    report = deliver(warehouse, hooks, T0 + timedelta(minutes=3))
    assert report.sent == [(MESSAGE.key, "hook")]
    # evaluating again queues nothing new; delivering again sends nothing
    assert enqueue(warehouse, [MESSAGE], ["hook"], T0 + timedelta(minutes=4)) == 0
    assert deliver(warehouse, hooks, T0 + timedelta(hours=1)).sent == []
    assert len(receiver.requests) == 3
    assert {h[KEY_HEADER] for h, _ in receiver.requests} == {MESSAGE.key}
    row = outbox(warehouse)[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)


def test_hanging_receiver_times_out_and_is_kept(receiver: Receiver, warehouse) -> None:  # type: ignore[no-untyped-def]
    receiver.hang = 2.0
    hooks = {"hook": WebhookNotifier(receiver.url, SECRET, timeout=0.3)}
    enqueue(warehouse, [MESSAGE], ["hook"], T0)
    started = time.monotonic()
    report = deliver(warehouse, hooks, T0, max_attempts=1)
    assert time.monotonic() - started < 1.5
    assert "timed out" in report.failed[0][2]
    row = outbox(warehouse)[0]
    assert row["status"] == "failed" and "timed out" in row["last_error"]
    assert retry_failed(warehouse, T0 + timedelta(hours=1)) == 1
    receiver.hang = 0.0
    hooks = {"hook": WebhookNotifier(receiver.url, SECRET)}
    assert deliver(warehouse, hooks, T0 + timedelta(hours=1)).sent == [(MESSAGE.key, "hook")]


def test_unknown_channel_is_recorded_not_dropped(warehouse) -> None:  # type: ignore[no-untyped-def]
    enqueue(warehouse, [MESSAGE], ["teams"], T0)
    report = deliver(warehouse, {}, T0)
    assert "no notifier configured for channel 'teams'" in report.failed[0][2]
    assert outbox(warehouse)[0]["status"] == "pending"


def test_slack_block_kit_payload(receiver: Receiver, warehouse) -> None:  # type: ignore[no-untyped-def]
    enqueue(warehouse, [MESSAGE], ["slack"], T0)
    deliver(warehouse, {"slack": SlackNotifier(receiver.url)}, T0)
    ((_, body),) = receiver.requests
    data = json.loads(body)
    assert data["text"] == MESSAGE.subject
    assert data["blocks"][0]["text"]["text"] == MESSAGE.subject
    fields = [f["text"] for f in data["blocks"][1]["fields"]]
    assert "*実績*\n97" in fields and "*基準*\n200" in fields
    assert any("&lt;script&gt;" in f for f in fields)  # mrkdwn control characters escaped
    assert data["blocks"][2]["text"]["text"] == "<http://127.0.0.1:8000/node/mql?period=2026-11>"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_email_japanese_subject_and_both_parts(warehouse) -> None:  # type: ignore[no-untyped-def]
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = EmailNotifier("127.0.0.1", port, "ikkan@example.jp", ["team@example.jp"])
        enqueue(warehouse, [MESSAGE], ["mail"], T0)
        assert deliver(warehouse, {"mail": mailer}, T0).sent == [(MESSAGE.key, "mail")]
    finally:
        controller.stop()
    (raw,) = inbox.messages
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # 7-bit clean headers
    assert "=?utf-8?" in header_block.lower()
    mail = message_from_bytes(raw, policy=default_policy)
    assert mail["Subject"] == "[発報] MQLペース遅れ: 月間MQL獲得数"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "実績: 97" in text.get_content()
    assert "&lt;script&gt;" in html.get_content()
    assert mail["X-Ikkan-Key"] == MESSAGE.key


def test_smtp_down_is_a_recorded_failure(warehouse) -> None:  # type: ignore[no-untyped-def]
    mailer = EmailNotifier("127.0.0.1", _free_port(), "a@example.jp", ["b@example.jp"], timeout=1)
    enqueue(warehouse, [MESSAGE], ["mail"], T0)
    report = deliver(warehouse, {"mail": mailer}, T0)
    assert report.failed and "SMTP 127.0.0.1" in report.failed[0][2]
    assert outbox(warehouse)[0]["attempts"] == 1


KILL_SCRIPT = """
import sys
from datetime import datetime
from ikkan.warehouse import open_warehouse
from ikkan.alerts.notifiers import WebhookNotifier
from ikkan.alerts.outbox import deliver

warehouse = open_warehouse(sys.argv[1])
deliver(warehouse, {"hook": WebhookNotifier(sys.argv[2], sys.argv[3], timeout=60)},
        datetime.fromisoformat(sys.argv[4]))
"""


def test_killed_mid_delivery_then_restarted_loses_nothing(receiver: Receiver, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    url = "duckdb://" + str(tmp_path / "outbox.duckdb")
    from ikkan.warehouse import open_warehouse

    wh = open_warehouse(url)
    wh.migrate()
    enqueue(wh, [MESSAGE], ["hook"], T0)
    wh.close()
    receiver.hang = 30.0
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, url, receiver.url, SECRET, T0.isoformat()]
    )
    try:
        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.requests, "the delivery never reached the receiver"
    finally:
        proc.kill()
        proc.wait()
    receiver.hang = 0.0
    wh = open_warehouse(url)
    try:
        assert [r["status"] for r in outbox(wh)] == ["pending"]  # not lost
        report = deliver(wh, {"hook": WebhookNotifier(receiver.url, SECRET)}, T0)
        assert report.sent == [(MESSAGE.key, "hook")]
        assert deliver(wh, {"hook": WebhookNotifier(receiver.url, SECRET)}, T0).sent == []
        assert [r["status"] for r in outbox(wh)] == ["sent"]
    finally:
        wh.close()
    # at-least-once: the receiver saw the interrupted request and the retry, with one key
    keys = [h[KEY_HEADER] for h, _ in receiver.requests]
    assert keys == [MESSAGE.key, MESSAGE.key]
