"""From a run's notifications to the outbox and the channels configured in ``notify:``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ikkan.alerts.grouping import group_messages
from ikkan.alerts.messages import Message, message_for
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


def notifier_for(
    name: str, channel: ChannelSpec, owners: dict[str, list[str]] | None = None
) -> Notifier:
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
        owners={
            owner: [_env(a, f"owners.{owner}") for a in addresses]
            for owner, addresses in (owners or {}).items()
        },
        owner_mode=channel.owners,
    )


def queue_alerts(ws: Workspace, alerts: Sequence[Alert], now: datetime) -> int:
    """Write the run's notifications to the outbox for their rules' channels, one message
    per group when ``group_by`` is set, held for the digest when ``digest`` is set (then
    grouped at the digest); returns new rows."""
    notify = ws.spec.notify
    by_channels: dict[tuple[str, ...], list[Message]] = {}
    for alert in alerts:
        rule = ws.spec.alerts[alert.rule_id]
        channels = rule.notify if rule.notify is not None else list(notify.channels)
        if not channels:
            continue
        message = message_for(ws, alert, lang=notify.lang, base_url=notify.base_url)
        by_channels.setdefault(tuple(channels), []).append(message)
    added = 0
    for targets, messages in by_channels.items():
        if notify.digest is not None:
            added += enqueue(ws.warehouse(), messages, targets, now, status="held")
            continue
        grouped = group_messages(messages, notify.group_by)
        added += enqueue(ws.warehouse(), grouped, targets, now)
    return added


def flush_digest(ws: Workspace, now: datetime) -> int:
    """At the first call at or after the digest time: combine the held notifications
    (queued up to that time) into one message per group and channel, queue those, and mark
    the held rows ``digested``. Once per digest slot across processes (a lease row).
    Returns the digest messages queued."""
    from ikkan.scheduler import lease
    from ikkan.scheduler.slots import latest_slot

    notify = ws.spec.notify
    if notify.digest is None:
        return 0
    cron = DIGEST_CRON.get(notify.digest, notify.digest)
    slot = latest_slot(cron, now, ws.spec.company.timezone)
    warehouse = ws.warehouse()
    holder = lease.new_holder()
    if not lease.acquire(warehouse, holder, slot, now, timedelta(minutes=10), job="digest"):
        return 0
    try:
        rows = warehouse.query(
            "SELECT notice_key, channel, payload FROM alert_outbox WHERE status = 'held' "
            "AND created_at <= ? ORDER BY created_at, notice_key",
            [slot],
        ).to_pylist()
        per_channel: dict[str, list[Message]] = {}
        for row in rows:
            message = Message.from_json(json.loads(row["payload"]))
            per_channel.setdefault(row["channel"], []).append(message)
        label = f"{slot:%Y-%m-%d %H:%M}"
        queued = 0
        for channel, messages in per_channel.items():
            digests = group_messages(messages, notify.group_by, digest=label)
            queued += enqueue(warehouse, digests, [channel], now)
        with warehouse.transaction() as session:
            for row in rows:
                session.execute(
                    "UPDATE alert_outbox SET status = 'digested', sent_at = ? "
                    "WHERE notice_key = ? AND channel = ?",
                    [now, row["notice_key"], row["channel"]],
                )
    finally:
        lease.finish(warehouse, holder, slot, job="digest")
    return queued


DIGEST_CRON = {"daily": "0 9 * * *", "weekly": "0 9 * * 1"}
"""``digest: daily`` sends at 09:00 every day, ``weekly`` at 09:00 on Mondays."""


def send_due(ws: Workspace, now: datetime) -> DeliveryReport:
    """Flush a due digest, then deliver every due notification."""
    flush_digest(ws, now)
    channels = ws.spec.notify.channels
    owners = ws.spec.notify.owners
    notifiers = {name: notifier_for(name, spec, owners) for name, spec in channels.items()}
    return deliver(ws.warehouse(), notifiers, now)
