"""From a run's notifications to the outbox and the channels configured in ``notify:``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ikkan.alerts.messages import message_for
from ikkan.alerts.notifiers import (
    EmailNotifier,
    Notifier,
    SlackNotifier,
    TeamsNotifier,
    WebhookNotifier,
)
from ikkan.alerts.outbox import DeliveryReport, deliver, enqueue
from ikkan.alerts.rules import ChannelSpec
from ikkan.errors import UserError

if TYPE_CHECKING:
    from ikkan.alerts.engine import Alert
    from ikkan.workspace import Workspace


def _env(text: str | None, what: str) -> str:
    value = os.path.expandvars(text or "")
    if "$" in value:
        raise UserError(
            f"notify: {what} refers to an environment variable that is not set ({value})",
            hint="export it before running ikkan, or write the value in ikkan.yml",
        )
    return value


def notifier_for(name: str, channel: ChannelSpec) -> Notifier:
    if channel.type == "webhook":
        return WebhookNotifier(
            _env(channel.url, f"{name}.url"),
            _env(channel.secret, f"{name}.secret"),
            timeout=channel.timeout,
        )
    if channel.type == "slack":
        return SlackNotifier(_env(channel.url, f"{name}.url"), timeout=channel.timeout)
    if channel.type == "teams":
        return TeamsNotifier(_env(channel.url, f"{name}.url"), timeout=channel.timeout)
    return EmailNotifier(
        _env(channel.host, f"{name}.host"),
        channel.port,
        _env(channel.sender, f"{name}.from"),
        [_env(t, f"{name}.to") for t in channel.to],
        starttls=channel.starttls,
        username=_env(channel.username, f"{name}.username") or None,
        password=_env(channel.password, f"{name}.password") or None,
        timeout=channel.timeout,
    )


def queue_alerts(ws: Workspace, alerts: Sequence[Alert], now: datetime) -> int:
    """Write each notification to the outbox for its rule's channels; returns new rows."""
    notify = ws.spec.notify
    added = 0
    for alert in alerts:
        rule = ws.spec.alerts[alert.rule_id]
        channels = rule.notify if rule.notify is not None else list(notify.channels)
        if not channels:
            continue
        message = message_for(ws, alert, lang=notify.lang, base_url=notify.base_url)
        added += enqueue(ws.warehouse(), [message], channels, now)
    return added


def send_due(ws: Workspace, now: datetime) -> DeliveryReport:
    channels = ws.spec.notify.channels
    notifiers = {name: notifier_for(name, spec) for name, spec in channels.items()}
    return deliver(ws.warehouse(), notifiers, now)
