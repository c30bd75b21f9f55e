"""The hook for the section "actions logged since the last review, with their measured
effect" (seed 001's PDCA log).

ikkan has no PDCA log yet (it will live in the application state, ``ikkan.state``). Until
it does, ``actions_since`` returns ``None`` and the report leaves the section out: no
empty table, no placeholder rows. To wire the log in, make ``actions_since`` read the
actions dated inside (or since the last review before) the period and return an
``ActionLog``; the HTML, PDF and XLSX renderings already draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.model.periods import Period
    from ikkan.workspace import Workspace


@dataclass(frozen=True)
class ActionEntry:
    day: date
    node: str  # the node the action works on
    title: str
    owner: str | None
    before: float | None  # the node's value before the action (as the log measured it)
    after: float | None  # … and after
    note: str | None = None  # qualitative notes (customer voice …)


@dataclass
class ActionLog:
    since: date | None  # the last review's date, when known
    entries: list[ActionEntry] = field(default_factory=list)


def actions_since(ws: Workspace, period: Period) -> ActionLog | None:
    """The actions to report for ``period``; ``None`` while ikkan keeps no PDCA log."""
    del ws, period  # read by the PDCA log once it exists
    return None
