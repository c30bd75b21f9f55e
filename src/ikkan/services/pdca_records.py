"""What the PDCA log hands out: actions, notes and check-ins as plain frozen records,
and target revisions rebuilt from their stored rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ikkan.model.revisions import Moved, Revision
from ikkan.monitor.effect import EffectResult
from ikkan.state.pdca import CheckIn, PdcaAction, PdcaNote, TargetRevision


@dataclass(frozen=True)
class ActionView:
    id: int
    node_id: str
    title: str
    hypothesis: str
    owner: str
    start: date
    end: date
    status: str
    expected_low: float | None
    expected_high: float | None
    actor: str
    created_at: datetime
    updated_at: datetime
    effect: EffectResult | None = None  # for done actions

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node": self.node_id,
            "title": self.title,
            "hypothesis": self.hypothesis,
            "owner": self.owner,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status,
            "expected_low": self.expected_low,
            "expected_high": self.expected_high,
            "actor": self.actor,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "effect": self.effect.to_dict() if self.effect else None,
        }


@dataclass(frozen=True)
class Entry:
    """A note or a check-in."""

    id: int
    node_id: str
    kind: str  # note kind, or 'checkin'
    body: str
    actor: str
    created_at: datetime
    status: str | None = None
    value: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node": self.node_id,
            "kind": self.kind,
            "body": self.body,
            "actor": self.actor,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "value": self.value,
        }


def revision_from_row(row: TargetRevision) -> Revision:
    moved = tuple(Moved(**m) for m in json.loads(row.moved or "[]"))
    return Revision(
        row.id,
        row.node_id,
        row.scenario,
        row.period,
        row.old_value,
        row.new_value,
        row.yaml_value,
        row.reason,
        row.actor,
        row.created_at,
        moved,
    )


def checkin_entry(row: CheckIn) -> Entry:
    return Entry(
        row.id,
        row.node_id,
        "checkin",
        row.comment,
        row.actor,
        row.created_at,
        row.status,
        row.value,
    )


def note_entry(row: PdcaNote) -> Entry:
    return Entry(row.id, row.node_id, row.kind, row.body, row.actor, row.created_at)


def action_view(row: PdcaAction) -> ActionView:
    return ActionView(
        row.id,
        row.node_id,
        row.title,
        row.hypothesis,
        row.owner,
        row.start_date,
        row.end_date,
        row.status,
        row.expected_low,
        row.expected_high,
        row.actor,
        row.created_at,
        row.updated_at,
    )
