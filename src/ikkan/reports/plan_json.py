"""The plan as JSON (``ikkan plan --json``). Stable, versioned, documented in docs/plan-json.md."""

from __future__ import annotations

from typing import Any

from ikkan.model.issues import Issue
from ikkan.model.periods import Grain, periods_between
from ikkan.model.planning import SCENARIOS, PeriodPlan, Plan
from ikkan.model.solver import Value

PLAN_JSON_VERSION = 1


def _value(v: Value | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {"value": v.value, "how": str(v.how), "unrounded": v.raw, "from": v.source}


def plan_periods(plan: Plan) -> list[str]:
    """The plan period, its halves, quarters and months (keys)."""
    if plan.period is None:
        return []
    fy_start = plan.tree.spec.company.fiscal_year_start
    keys = [plan.period.key]
    for grain in (Grain.HALF, Grain.QUARTER, Grain.MONTH):
        blocks = periods_between(plan.period.start, plan.period.end, grain, fy_start)
        if len(blocks) > 1:
            keys += [b.key for b in blocks]
    return keys


def plan_to_json(
    plan: Plan,
    issues: list[Issue],
    *,
    scenarios: tuple[str, ...] = SCENARIOS,
    periods: list[str] | None = None,
) -> dict[str, Any]:
    tree = plan.tree
    period_keys = periods if periods is not None else plan_periods(plan)
    by_scenario: dict[str, dict[str, PeriodPlan]] = {
        s: {key: plan.for_period(s, key) for key in period_keys} for s in scenarios
    }
    nodes = []
    for node_id in tree.order[::-1]:
        node = tree.nodes[node_id]
        nodes.append(
            {
                "id": node_id,
                "label": {"ja": node.label.ja, "en": node.label.en},
                "kind": str(node.kind),
                "unit": node.unit.id if node.unit else None,
                "direction": str(node.direction),
                "aggregate": str(node.aggregate),
                "department": node.department,
                "person": node.person,
                "leading": node.leading,
                "controllable": node.controllable,
                "formula": node.formula.text if node.formula else None,
                "children": list(tree.children.get(node_id, ())),
                "values": {
                    s: {key: _value(p.values.get(node_id)) for key, p in by_scenario[s].items()}
                    for s in scenarios
                },
            }
        )
    top = plan.period.key if plan.period else None
    bottom = plan.bottom_up
    return {
        "ikkan_plan_version": PLAN_JSON_VERSION,
        "company": tree.spec.company.name,
        "period": top,
        "periods": period_keys,
        "scenarios": list(scenarios),
        "rounding": plan.rounding_note,
        "nodes": nodes,
        "gaps": {
            s: [
                {
                    "node": g.node,
                    "given": g.given,
                    "computed": g.computed,
                    "difference": g.difference,
                }
                for g in plan.scenarios[s].gaps
            ]
            for s in scenarios
        },
        "undetermined": {s: plan.scenarios[s].undetermined for s in scenarios},
        "bottom_up": None
        if bottom is None
        else {
            "kgi": bottom.kgi,
            "target": bottom.kgi_target,
            "projected": bottom.kgi_projected,
            "gap": bottom.gap,
            "levers": [
                {
                    "node": lv.node,
                    "current": lv.current,
                    "required": lv.required,
                    "change": lv.change,
                }
                for lv in bottom.levers
            ],
            "elasticity": bottom.elasticity,
            "values": bottom.values,
        },
        "issues": [i.to_dict() for i in issues],
    }
