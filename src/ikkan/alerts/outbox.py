# ruff: noqa: S608 - SQL text holds only "?" placeholders and constant names
"""The durable outbox: notifications are written to ``alert_outbox`` first, then delivered.

- ``enqueue`` inserts one row per (idempotency key, channel) and ignores keys already
  there: evaluating again never queues a notification twice.
- ``deliver`` sends every due pending row; success marks it sent, a failure records the
  error and schedules the next attempt with exponential backoff (1, 2, 4 … minutes, at
  most 6 hours). After ``max_attempts`` the row is marked failed, kept with its last error,
  and ``retry_failed`` puts it back. Nothing is deleted.
- Delivery is at-least-once: a process killed between the send and the commit sends that
  row again on the next run, with the same idempotency key (header ``Idempotency-Key``,
  e-mail ``Message-ID``) for the receiver to drop the duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ikkan.alerts.messages import Message
from ikkan.alerts.notifiers import DeliveryError, Notifier

if TYPE_CHECKING:
    from ikkan.warehouse.base import SqlWarehouse

MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def enqueue(
    warehouse: SqlWarehouse,
    messages: Sequence[Message],
    channels: Sequence[str],
    now: datetime,
    *,
    status: str = "pending",
) -> int:
    """Queue each message for each channel; returns how many rows were new. ``held`` rows
    wait for the next digest (``digest.flush``) instead of being delivered."""
    added = 0
    with warehouse.transaction() as session:
        for message in messages:
            for channel in channels:
                exists = session.scalar(
                    "SELECT count(*) FROM alert_outbox WHERE notice_key = ? AND channel = ?",
                    [message.key, channel],
                )
                if int(exists):
                    continue
                session.execute(
                    "INSERT INTO alert_outbox (notice_key, channel, payload, status, attempts, "
                    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
                    [
                        message.key,
                        channel,
                        json.dumps(message.to_json(), ensure_ascii=False),
                        status,
                        now,
                        now,
                    ],
                )
                added += 1
    return added


@dataclass
class DeliveryReport:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (key, channel)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (key, channel, error)


def deliver(
    warehouse: SqlWarehouse,
    notifiers: Mapping[str, Notifier],
    now: datetime,
    *,
    max_attempts: int = 8,
) -> DeliveryReport:
    """Send every due pending notification once; record each outcome as it happens."""
    report = DeliveryReport()
    due = warehouse.query(
        "SELECT notice_key, channel, payload, attempts FROM alert_outbox "
        "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, notice_key",
        [now],
    ).to_pylist()
    for row in due:
        key, channel = row["notice_key"], row["channel"]
        notifier = notifiers.get(channel)
        message = Message.from_json(json.loads(row["payload"]))
        try:
            if notifier is None:
                raise DeliveryError(f"no notifier configured for channel '{channel}'")
            notifier.send(message)
        except DeliveryError as exc:
            attempts = int(row["attempts"]) + 1
            status = "failed" if attempts >= max_attempts else "pending"
            _update(
                warehouse,
                key,
                channel,
                "status = ?, attempts = ?, next_attempt_at = ?, last_error = ?",
                [status, attempts, now + backoff(attempts), str(exc)],
            )
            report.failed.append((key, channel, str(exc)))
            continue
        _update(
            warehouse,
            key,
            channel,
            "status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL",
            [now],
        )
        report.sent.append((key, channel))
    return report


def retry_failed(warehouse: SqlWarehouse, now: datetime) -> int:
    """Put failed deliveries back in the queue; returns how many."""
    with warehouse.transaction() as session:
        count = int(session.scalar("SELECT count(*) FROM alert_outbox WHERE status = 'failed'"))
        session.execute(
            "UPDATE alert_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? "
            "WHERE status = 'failed'",
            [now],
        )
    return count


def _update(
    warehouse: SqlWarehouse, key: str, channel: str, assignments: str, params: list[object]
) -> None:
    with warehouse.transaction() as session:
        session.execute(
            f"UPDATE alert_outbox SET {assignments} WHERE notice_key = ? AND channel = ?",
            [*params, key, channel],
        )
