"""One runner per scheduled slot, across web workers, processes and machines.

A row per job in ``schedule_lease``. ``acquire`` is one write transaction: insert the row
if missing, then take it with a conditional UPDATE (free or expired, and the slot not done
yet) and read back who holds it. On PostgreSQL a concurrent UPDATE of the row waits for the
other transaction and re-checks the condition (READ COMMITTED), so exactly one wins; on
DuckDB one process writes the file at a time. A holder renews the lease between steps; a
holder that dies stops renewing and loses the lease when it expires, and the slot, not
marked done, is run by the next runner. ``finish`` marks the slot done and frees the row.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.warehouse.base import SqlWarehouse

JOB = "pipeline"


def new_holder() -> str:
    """host:pid:token, unique per runner (a restarted process gets a new token)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class LeaseState:
    holder: str | None
    slot: datetime | None
    expires_at: datetime | None
    done_slot: datetime | None


def read_lease(warehouse: SqlWarehouse, job: str = JOB) -> LeaseState | None:
    rows = warehouse.query(
        "SELECT holder, slot, expires_at, done_slot FROM schedule_lease WHERE name = ?", [job]
    ).to_pylist()
    return LeaseState(**rows[0]) if rows else None


def acquire(
    warehouse: SqlWarehouse,
    holder: str,
    slot: datetime,
    now: datetime,
    ttl: timedelta,
    job: str = JOB,
) -> bool:
    """Take the lease to run ``slot``; False when another runner holds a live lease or the
    slot (or a later one) is done already."""
    with warehouse.transaction() as session:
        exists = session.scalar("SELECT count(*) FROM schedule_lease WHERE name = ?", [job])
        if not int(exists):
            session.execute(
                "INSERT INTO schedule_lease (name) VALUES (?) ON CONFLICT DO NOTHING", [job]
            )
        session.execute(
            "UPDATE schedule_lease SET holder = ?, slot = ?, acquired_at = ?, expires_at = ? "
            "WHERE name = ? AND (holder IS NULL OR expires_at IS NULL OR expires_at <= ?) "
            "AND (done_slot IS NULL OR done_slot < ?)",
            [holder, slot, now, now + ttl, job, now, slot],
        )
        won = session.scalar(
            "SELECT count(*) FROM schedule_lease WHERE name = ? AND holder = ? AND slot = ?",
            [job, holder, slot],
        )
    return bool(int(won))


def renew(
    warehouse: SqlWarehouse, holder: str, now: datetime, ttl: timedelta, job: str = JOB
) -> bool:
    """Extend a held lease; False if it was lost (expired and taken by another runner)."""
    with warehouse.transaction() as session:
        session.execute(
            "UPDATE schedule_lease SET expires_at = ? WHERE name = ? AND holder = ?",
            [now + ttl, job, holder],
        )
        held = session.scalar(
            "SELECT count(*) FROM schedule_lease WHERE name = ? AND holder = ?", [job, holder]
        )
    return bool(int(held))


def finish(warehouse: SqlWarehouse, holder: str, slot: datetime, job: str = JOB) -> None:
    """Mark ``slot`` done and free the lease (only if still held by ``holder``)."""
    with warehouse.transaction() as session:
        session.execute(
            "UPDATE schedule_lease SET holder = NULL, expires_at = NULL, done_slot = ? "
            "WHERE name = ? AND holder = ?",
            [slot, job, holder],
        )
