"""Target revisions over the targets in ``ikkan.yml``: which one counts (the precedence rule),
the effective tree the plan is worked out from, and which planned values a revision moved.

**The precedence rule** (docs/pdca.md, ``ikkan targets --help``): for each node, scenario
(commit / stretch) and period (the node's target as written, or one month), the newest
revision wins over ``ikkan.yml`` as long as ``ikkan.yml`` still holds the target it held
when that revision was made. Once the YAML target of that node and scenario is changed, the
YAML wins and the revision is shown as superseded. Every revision is kept either way.

A revision's value is in the terms of the YAML target it replaces (a node with
``period: month`` takes a per-month value). A month revision (``period: 2026-10``) pins that
month: for a flow (sum) node the plan period's total becomes the other months plus the
pinned month, and everything derived from it is worked out again; for an average or a rate
the month's line changes and the period's value stays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from ikkan.model.planning import Plan
from ikkan.model.tree import KpiTree, Node, ScenarioValue

SCOPE_PERIOD = ""  # the node's target as written (the plan period, or per grain)


@dataclass(frozen=True)
class Revision:
    id: int
    node_id: str
    scenario: str
    period: str  # SCOPE_PERIOD or a month key YYYY-MM
    old_value: float | None
    new_value: float
    yaml_value: float | None
    reason: str
    actor: str
    created_at: datetime
    moved: tuple[Moved, ...] = ()


@dataclass(frozen=True)
class Moved:
    """A planned value that a revision changed (the diff of the plans before and after)."""

    node: str
    scenario: str
    period: str
    before: float | None
    after: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "node": self.node,
            "scenario": self.scenario,
            "period": self.period,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class RevisionStatus:
    revision: Revision
    applies: bool
    why: str  # "applies" | "superseded by ikkan.yml" | "replaced by revision #n" | …


@dataclass(frozen=True)
class EffectiveTargets:
    """The tree with the revisions that count, the month pins, and every revision's status."""

    tree: KpiTree
    pins: Mapping[tuple[str, str, str], float]  # (scenario, node, month) → value
    statuses: list[RevisionStatus] = field(default_factory=list)

    def source(self, node_id: str, scenario: str, period: str = SCOPE_PERIOD) -> str:
        """'revision #n' or 'ikkan.yml' for one target."""
        for status in self.statuses:
            r = status.revision
            if status.applies and (r.node_id, r.scenario, r.period) == (node_id, scenario, period):
                return f"revision #{r.id}"
        return "ikkan.yml"


def yaml_target(node: Node, scenario: str) -> float | None:
    """The target ``ikkan.yml`` gives the node for ``scenario`` (no commit/stretch fallback)."""
    if node.target is None:
        return None
    return node.target.commit if scenario == "commit" else node.target.stretch


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def effective_targets(yaml_tree: KpiTree, revisions: Iterable[Revision]) -> EffectiveTargets:
    """Apply the precedence rule: the newest revision per (node, scenario, period) counts
    while ``ikkan.yml`` still holds the target it was made against."""
    ordered = sorted(revisions, key=lambda r: (r.created_at, r.id), reverse=True)
    newest: dict[tuple[str, str, str], Revision] = {}
    statuses: list[RevisionStatus] = []
    for r in ordered:
        key = (r.node_id, r.scenario, r.period)
        node = yaml_tree.nodes.get(r.node_id)
        if node is None:
            statuses.append(RevisionStatus(r, False, "the node is no longer in ikkan.yml"))
        elif key in newest:
            statuses.append(RevisionStatus(r, False, f"replaced by revision #{newest[key].id}"))
        else:
            newest[key] = r
            if same(yaml_target(node, r.scenario), r.yaml_value):
                statuses.append(RevisionStatus(r, True, "applies"))
            else:
                statuses.append(
                    RevisionStatus(r, False, "superseded by ikkan.yml (its target changed since)")
                )
    nodes = dict(yaml_tree.nodes)
    pins: dict[tuple[str, str, str], float] = {}
    for status in statuses:
        if not status.applies:
            continue
        r = status.revision
        if r.period != SCOPE_PERIOD:
            pins[(r.scenario, r.node_id, r.period)] = r.new_value
            continue
        node = nodes[r.node_id]
        current = node.target or ScenarioValue(None, None)
        target = (
            ScenarioValue(r.new_value, current.stretch)
            if r.scenario == "commit"
            else ScenarioValue(current.commit, r.new_value)
        )
        nodes[r.node_id] = replace(node, target=target)
    tree = replace(yaml_tree, nodes=nodes)
    statuses.sort(key=lambda s: (s.revision.created_at, s.revision.id), reverse=True)
    return EffectiveTargets(tree, pins, statuses)


def plan_values(plan: Plan) -> dict[tuple[str, str, str], float]:
    """Every planned value: (node, scenario, period key) → value (period and months)."""
    out: dict[tuple[str, str, str], float] = {}
    for scenario, period_plan in plan.scenarios.items():
        for node_id, value in period_plan.values.items():
            out[(node_id, scenario, period_plan.period.key)] = value.value
        for month in plan.months.get(scenario, []):
            for node_id, value in month.values.items():
                out[(node_id, scenario, month.period.key)] = value.value
    return out


def diff_plans(before: Plan, after: Plan) -> list[Moved]:
    """Which planned values moved between two plans (ordered by node, scenario, period)."""
    old, new = plan_values(before), plan_values(after)
    moved = [
        Moved(node, scenario, period, old.get(k), new.get(k))
        for k in sorted(set(old) | set(new))
        for node, scenario, period in (k,)
        if not same(old.get(k), new.get(k))
    ]
    return moved
