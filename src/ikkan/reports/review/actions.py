"""Section 7 of the review, "actions logged since the last review, with their measured
effect", read from the PDCA log (``services.pdca``).

The window: ikkan keeps no record of when a review meeting was held, so "since the last
review" is read as "since the previous review period ended", i.e. the review period itself
(``period.start`` … ``period.end``). An action is listed when it was under way at any time in
that window (its start … end overlaps the period): started, ongoing or finished there, in
any status. A finished (``done``) action carries the effect ``PdcaLog.actions`` measures,
the very ``EffectResult`` the node page shows (``PdcaLog.effect`` → ``measure_effect``);
nothing is recomputed here. Qualitative notes written in the period come along.

``actions_since`` returns ``None`` (the report leaves the section out, no empty table) when
the log holds nothing for the period, and when there is no state database yet: it checks
``Workspace.state_exists`` first, so reading never creates the SQLite file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.model.periods import Period
    from ikkan.monitor.effect import EffectResult
    from ikkan.workspace import Workspace


@dataclass(frozen=True)
class ActionEntry:
    id: int
    node: str  # the node the action works on
    title: str
    owner: str | None
    status: str  # planned | doing | done | dropped
    start: date
    end: date
    expected_low: float | None = None  # expected effect, a fraction (+0.10 = +10%)
    expected_high: float | None = None
    hypothesis: str = ""
    effect: EffectResult | None = None  # done actions: the node page's measured effect

    @property
    def day(self) -> date:
        return self.start

    @property
    def before(self) -> float | None:
        """The node's mean value over the months before the action (the effect's B)."""
        return self.effect.before if self.effect else None

    @property
    def after(self) -> float | None:
        """… and over the action's own months (A)."""
        return self.effect.after if self.effect else None


@dataclass(frozen=True)
class NoteEntry:
    """A qualitative note (customer voice, minutes …) written in the period."""

    node: str
    kind: str
    body: str
    actor: str
    at: datetime


@dataclass
class ActionLog:
    since: date | None  # the start of the window (the previous review period's end + 1 day)
    entries: list[ActionEntry] = field(default_factory=list)
    notes: list[NoteEntry] = field(default_factory=list)


def actions_since(ws: Workspace, period: Period) -> ActionLog | None:
    """The actions (and notes) to report for ``period``; ``None`` when there are none."""
    if not ws.state_exists():
        return None  # nothing was ever logged; do not create the database by reading
    log = ws.pdca()
    entries = [
        ActionEntry(
            id=a.id,
            node=a.node_id,
            title=a.title,
            owner=a.owner or None,
            status=a.status,
            start=a.start,
            end=a.end,
            expected_low=a.expected_low,
            expected_high=a.expected_high,
            hypothesis=a.hypothesis,
            effect=a.effect,
        )
        for a in log.actions()
        if a.start <= period.end and a.end >= period.start
    ]
    notes = [
        NoteEntry(n.node_id, n.kind, n.body, n.actor, n.created_at)
        for n in reversed(log.notes())  # oldest first
        if period.start <= n.created_at.date() <= period.end
    ]
    if not entries and not notes:
        return None
    return ActionLog(since=period.start, entries=entries, notes=notes)
