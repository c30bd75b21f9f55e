"""Per-owner e-mail: alerts of a per-owner rule (the SLA) are mailed to each owner's
address from ``notify.owners``; an owner without an entry, and alerts without an owner, go
to the channel's ``to:``. A real SMTP server (aiosmtpd) on loopback receives them."""

from __future__ import annotations

import shutil
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import ValidationError

from ikkan.alerts.delivery import queue_alerts, send_due
from ikkan.alerts.engine import run_alerts
from ikkan.alerts.messages import Message
from ikkan.alerts.notifiers import EmailNotifier, owner_addresses
from ikkan.alerts.rules import NotifySpec
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo
from tests.alerts.test_delivery import MESSAGE, _free_port


class Envelopes:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def test_owner_addresses_match_the_owner_or_the_person() -> None:
    owners = {"佐藤 花子": ["sato@example.jp"], "marketing": ["mk@example.jp", "cmo@example.jp"]}
    assert owner_addresses("佐藤 花子", owners) == ["sato@example.jp"]
    assert owner_addresses("inside_sales / 佐藤 花子", owners) == ["sato@example.jp"]
    assert owner_addresses("marketing", owners) == ["mk@example.jp", "cmo@example.jp"]
    assert owner_addresses("鈴木", owners) == [] and owner_addresses(None, owners) == []
    mail = EmailNotifier("h", 25, "a@x.jp", ["team@x.jp"], owners=owners)
    mine = Message.from_json({**MESSAGE.to_json(), "owner": "佐藤 花子"})
    assert mail.recipients_for(mine) == ["sato@example.jp"]
    also = EmailNotifier("h", 25, "a@x.jp", ["team@x.jp"], owners=owners, owner_mode="also")
    assert also.recipients_for(mine) == ["sato@example.jp", "team@x.jp"]
    other = Message.from_json({**MESSAGE.to_json(), "owner": "鈴木"})
    assert mail.recipients_for(other) == ["team@x.jp"]  # an owner without an entry
    nobody = Message.from_json({**MESSAGE.to_json(), "owner": None})
    assert mail.recipients_for(nobody) == ["team@x.jp"]


def test_owner_map_rejects_what_is_not_an_address() -> None:
    assert NotifySpec(owners={"佐藤": "sato@example.jp"}).owners == {"佐藤": ["sato@example.jp"]}
    with pytest.raises(ValidationError, match="not an e-mail address"):
        NotifySpec(owners={"佐藤": "sato"})


def test_each_owner_gets_the_sla_alert_at_their_address(
    alert_demo: AlertDemo, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(alert_demo.root, root)
    ws = Workspace.open(root)
    with ws.warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox", "schedule_lease"):
            session.execute(f"DELETE FROM {table}")
    owners = [
        r["owner"]
        for r in ws.warehouse()
        .query("SELECT DISTINCT owner FROM leads WHERE owner IS NOT NULL ORDER BY owner")
        .to_pylist()
    ]
    assert len(owners) >= 3
    mapped = {o: f"owner{i}@example.jp" for i, o in enumerate(owners[:-1])}  # the last: none
    port = _free_port()
    lines = "\n".join(f'    "{o}": {a}' for o, a in mapped.items())
    spec = root / "ikkan.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8")
        + "notify:\n  lang: en\n  channels:\n"
        + f"    mail: {{type: email, host: 127.0.0.1, port: {port}, from: ikkan@example.jp, "
        + "to: [team@example.jp], starttls: false}\n"
        + f"  owners:\n{lines}\n",
        encoding="utf-8",
    )
    inbox = Envelopes()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run = Workspace.open(root, clock=FixedClock(alert_demo.imported_at + timedelta(hours=1)))
        result = run_alerts(run)
        queue_alerts(run, result.alerts, result.at)
        report = send_due(run, result.at)
    finally:
        controller.stop()
    assert not report.failed
    sla = {a.instance for a in result.alerts if a.rule_id == "mql_first_contact"}
    assert len(sla) >= 2, "the demo's SLA fires for several owners"
    got: dict[str, list[str]] = {}
    for rcpts, raw in inbox.received:
        mail = message_from_bytes(raw, policy=default_policy)
        assert mail["To"] == ", ".join(rcpts)  # the header names who the envelope does
        for owner in sla:
            if mail.get_body(("plain",)).get_content().count(owner):  # type: ignore[union-attr]
                got.setdefault(owner, []).extend(rcpts)
    for owner in sla:
        want = [mapped[owner]] if owner in mapped else ["team@example.jp"]
        assert got.get(owner) == want, owner
    others = [r for r, _ in inbox.received if r == ["team@example.jp"]]
    assert len(inbox.received) == len(result.alerts) and others  # non-owner alerts: to:
