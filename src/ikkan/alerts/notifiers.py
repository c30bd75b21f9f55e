"""Delivery channels: a generic JSON webhook signed with HMAC-SHA256, a Slack incoming
webhook (Block Kit), Microsoft Teams (a Workflows webhook with an Adaptive Card), e-mail
over SMTP (UTF-8 subject and body, text and HTML parts).

Plain ``urllib`` posts (no SDKs) so that the exact payload is visible and testable. Every
request carries the notification's idempotency key, so a receiver can drop the duplicate
an at-least-once outbox may send after a crash. A failure raises ``DeliveryError``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from urllib.parse import quote

from ikkan.alerts.messages import Message

SIGNATURE_HEADER = "X-Ikkan-Signature"
TIMESTAMP_HEADER = "X-Ikkan-Timestamp"
KEY_HEADER = "Idempotency-Key"


class DeliveryError(Exception):
    """A notification could not be delivered (it stays in the outbox to be retried)."""


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


def header_key(key: str) -> str:
    """The idempotency key as an HTTP header value: as is when ASCII, else percent-encoded
    UTF-8 (keys hold dimension values and owners' names, e.g. ``sla|伊藤 翔|1|0``)."""
    return key if key.isascii() else quote(key, safe="|")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance: int = 300
) -> bool:
    """A receiver's check: the signature matches and the timestamp is recent (no replay)."""
    try:
        age = abs(now - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{url}: {reason}") from None


@dataclass(frozen=True)
class WebhookNotifier:
    url: str
    secret: str
    timeout: float = 10.0
    clock: object = field(default=time.time, repr=False)

    def send(self, message: Message) -> None:
        body = json.dumps(message.to_json(), ensure_ascii=False).encode()
        stamp = str(int(self.clock()))  # type: ignore[operator]
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(self.secret, stamp, body),
            KEY_HEADER: header_key(message.key),
        }
        _post(self.url, body, headers, self.timeout)


def slack_payload(message: Message) -> dict[str, object]:
    blocks: list[dict[str, object]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}},
    ]
    parts = message.parts()
    for part in parts[:SLACK_MAX_PARTS]:
        if message.items:
            title = f"*{_slack_escape(part.subject)}*"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": title}})
        fields = [
            {"type": "mrkdwn", "text": f"*{_slack_escape(n)}*\n{_slack_escape(v)}"}
            for n, v in part.fields()
        ]
        blocks.append({"type": "section", "fields": fields[:10]})
        if part.link:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{part.link}>"}})
    if len(parts) > SLACK_MAX_PARTS:
        more = f"… +{len(parts) - SLACK_MAX_PARTS}"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    return {"text": message.subject, "blocks": blocks}


SLACK_MAX_PARTS = 12  # Slack allows 50 blocks per message; each alert takes up to 3


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters (&, <, >) as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class SlackNotifier:
    url: str
    timeout: float = 10.0

    def send(self, message: Message) -> None:
        body = json.dumps(slack_payload(message), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            KEY_HEADER: header_key(message.key),
        }
        _post(self.url, body, headers, self.timeout)


TEAMS_CARD = "application/vnd.microsoft.card.adaptive"
TEAMS_MAX_PARTS = 20  # Teams rejects messages over about 28 KB


def teams_payload(message: Message) -> dict[str, object]:
    """A Teams Workflows webhook body: a ``message`` with one Adaptive Card attachment.

    Not the retired Office 365 connector's MessageCard (``@type``, ``sections``): a
    Workflows flow accepts any JSON with 202 and only fails later, in the flow's run
    history, when the body is not this shape. Card version 1.4 (what Teams renders in
    channels and chats); plain text blocks (``wrap``), facts as a FactSet, links as
    Action.OpenUrl."""
    body: list[dict[str, object]] = [
        {
            "type": "TextBlock",
            "text": message.subject,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "style": "heading",
        }
    ]
    parts = message.parts()
    for part in parts[:TEAMS_MAX_PARTS]:
        items: list[dict[str, object]] = []
        if message.items:
            items.append(
                {"type": "TextBlock", "text": part.subject, "weight": "Bolder", "wrap": True}
            )
        facts = [{"title": name, "value": value} for name, value in part.fields()]
        items.append({"type": "FactSet", "facts": facts})
        if part.link and message.items:
            items.append(
                {
                    "type": "ActionSet",
                    "actions": [{"type": "Action.OpenUrl", "title": _open(part), "url": part.link}],
                }
            )
        body.append({"type": "Container", "separator": True, "items": items})
    if len(parts) > TEAMS_MAX_PARTS:
        body.append(
            {"type": "TextBlock", "text": f"… +{len(parts) - TEAMS_MAX_PARTS}", "wrap": True}
        )
    card: dict[str, object] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "msteams": {"width": "Full"},
    }
    if message.link and not message.items:
        card["actions"] = [{"type": "Action.OpenUrl", "title": _open(message), "url": message.link}]
    return {
        "type": "message",
        "attachments": [{"contentType": TEAMS_CARD, "contentUrl": None, "content": card}],
    }


def _open(message: Message) -> str:
    return "ikkan で開く" if message.lang == "ja" else "Open in ikkan"


@dataclass(frozen=True)
class TeamsNotifier:
    """Microsoft Teams through a Workflows webhook ("When a Teams webhook request is
    received" → post the card). The URL carries a signature: keep it in the environment."""

    url: str
    timeout: float = 10.0

    def send(self, message: Message) -> None:
        body = json.dumps(teams_payload(message), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            KEY_HEADER: header_key(message.key),
        }
        _post(self.url, body, headers, self.timeout)


def owner_addresses(owner: str | None, owners: Mapping[str, Sequence[str]]) -> list[str]:
    """An owner's e-mail addresses: the ``notify.owners`` entry named exactly as the owner
    (a lead owner, an owner dimension value, or a node's ``department / person``), else
    the entry of the person part of ``department / person``; none without a match."""
    if not owner:
        return []
    if owner in owners:
        return list(owners[owner])
    person = owner.rsplit(" / ", 1)[-1] if " / " in owner else None
    return list(owners[person]) if person and person in owners else []


def email_message(message: Message, sender: str, recipients: list[str]) -> EmailMessage:
    mail = EmailMessage()  # policy=default: RFC 2047 UTF-8 subject, UTF-8 parts
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Message-ID"] = make_msgid(
        idstring=hashlib.sha256(message.key.encode()).hexdigest()[:16], domain="ikkan.local"
    )
    mail["X-Ikkan-Key"] = message.key
    mail.set_content(message.text())
    mail.add_alternative(message.html(), subtype="html")
    return mail


@dataclass(frozen=True)
class EmailNotifier:
    host: str
    port: int
    sender: str
    recipients: list[str]
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    owners: Mapping[str, Sequence[str]] = field(default_factory=dict)
    owner_mode: str = "instead"  # instead | also | ignore

    def recipients_for(self, message: Message) -> list[str]:
        """The owner's addresses (``notify.owners``) when the message has an owner found
        there, instead of or besides the channel's ``to:``; else ``to:``."""
        found = owner_addresses(message.owner, self.owners)
        if not found or self.owner_mode == "ignore":
            return list(self.recipients)
        if self.owner_mode == "also":
            return list(dict.fromkeys([*found, *self.recipients]))
        return found

    def send(self, message: Message) -> None:
        mail = email_message(message, self.sender, self.recipients_for(message))
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from None
