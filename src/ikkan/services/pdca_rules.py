"""The PDCA log's rules that need no storage: allowed statuses and kinds, an action's
sanity checks, the target in force before a revision, the last complete month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ikkan.errors import UserError, valid_values
from ikkan.model.revisions import SCOPE_PERIOD, EffectiveTargets

ACTION_STATUSES = ("planned", "doing", "done", "dropped")
NOTE_KINDS = ("customer_voice", "minutes", "other")
CHECKIN_STATUSES = ("on_track", "at_risk", "off_track")


def target_in_force(
    effective: EffectiveTargets, plan: Any, node_id: str, scenario: str, scope: str
) -> float | None:
    """The target in force before a revision: the month's planned value for a month, else
    the node's target as written (YAML or revision), else its planned (derived) value."""
    if scope != SCOPE_PERIOD:
        for month in plan.months.get(scenario, []):
            if month.period.key == scope and node_id in month.values:
                return float(month.values[node_id].value)
        return None
    node = effective.tree.nodes[node_id]
    if node.target is not None and node.target.get(scenario) is not None:
        return node.target.get(scenario)
    value = plan.scenarios[scenario].values.get(node_id) if scenario in plan.scenarios else None
    return float(value.value) if value is not None else None


def check_action(
    title: str,
    start: date,
    end: date,
    status: str,
    expected_low: float | None,
    expected_high: float | None,
) -> None:
    if not title.strip():
        raise UserError("the action needs a title", hint="say what will be done")
    if end < start:
        raise UserError(f"end {end} is before the start {start}", hint="swap them")
    if status not in ACTION_STATUSES:
        raise UserError(f"unknown status '{status}'", hint=valid_values(ACTION_STATUSES))
    if expected_low is not None and expected_high is not None and expected_low > expected_high:
        raise UserError(
            "the expected effect's low end is above its high end",
            hint="e.g. --expect 10%..20%",
        )


def last_complete_month(as_of: date) -> str:
    """The last month whose every day is on or before ``as_of``."""
    if (as_of + timedelta(days=1)).month != as_of.month:
        return as_of.strftime("%Y-%m")
    first = as_of.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")
