"""The audit log: every write, who made it, when, on what and from where.

``record`` joins the caller's transaction, so a write and its audit entry commit together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth.models import AuditEntry
from ikkan.auth.timeutil import utc_now
from ikkan.clock import Clock


@dataclass(frozen=True)
class Origin:
    """Where a write came from: ``via`` is web, api or cli; the web adds IP and user agent."""

    via: str
    ip: str = ""
    user_agent: str = ""

    @classmethod
    def cli(cls) -> Origin:
        return cls("cli")


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    via: str
    ip: str
    user_agent: str


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    origin: Origin,
    clock: Clock,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry to ``session`` (committed with the write it describes)."""
    session.add(
        AuditEntry(
            at=utc_now(clock),
            actor=actor[:100],
            action=action[:64],
            target=target[:300],
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
            via=origin.via,
            ip=origin.ip[:64],
            user_agent=origin.user_agent[:300],
        )
    )


def read_audit(
    engine: Engine,
    *,
    limit: int = 100,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
) -> list[AuditRecord]:
    """The newest entries first, optionally only one actor's, one action's or since a time."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    with Session(engine) as session:
        return [
            AuditRecord(
                e.at, e.actor, e.action, e.target, json.loads(e.detail), e.via, e.ip, e.user_agent
            )
            for e in session.scalars(query)
        ]
