"""Which nodes add up over months (flows) and which average (rates, unit prices)."""

from __future__ import annotations

from collections.abc import Mapping

from ikkan.model.formulas import Call, Expr, Formula, Neg, Num, Ref, refs
from ikkan.model.issues import Issue, warning
from ikkan.model.spec import Aggregate, Kind, ProjectSpec
from ikkan.model.tree_types import Locator
from ikkan.model.units import Unit, UnitKind


def infer_aggregates(
    spec: ProjectSpec,
    formulas: Mapping[str, Formula],
    units: Mapping[str, Unit | None],
    loc: Locator,
) -> tuple[dict[str, Aggregate], list[Issue]]:
    """Which nodes add up over time (flows) and which average (rates, unit prices).

    A flow has degree 1, an intensity degree 0. Sums keep the degree, products add degrees,
    quotients subtract them. Given: ``aggregate:`` and ratio/score/days units (degree 0);
    then propagation; then defaults (KGI/KSF and counts are flows, money after that).
    """
    degree: dict[str, int] = {}
    CLASH = -99
    for node_id, ns in spec.nodes.items():
        unit = units.get(node_id)
        if ns.aggregate is not None:
            degree[node_id] = 1 if ns.aggregate is Aggregate.SUM else 0
        elif ns.metric is not None and ns.metric.type == "open_pipeline":
            degree[node_id] = 0  # a snapshot is a level: months do not add up
        elif unit is not None and unit.kind in (
            UnitKind.RATIO,
            UnitKind.SCORE,
            UnitKind.DAYS,
            UnitKind.HOURS,
        ):
            degree[node_id] = 0

    def expr_degree(e: Expr) -> int | None:
        if isinstance(e, Num):
            return 0
        if isinstance(e, Ref):
            return degree.get(e.name)
        if isinstance(e, Neg):
            return expr_degree(e.operand)
        if isinstance(e, Call):
            parts = [expr_degree(a) for a in e.args]
            return next((p for p in parts if p is not None), None)
        left, right = expr_degree(e.left), expr_degree(e.right)
        if e.op in ("+", "-"):
            if left is not None and right is not None and left != right:
                return CLASH
            return left if left is not None else right
        if left is None or right is None:
            return None
        if CLASH in (left, right):
            return CLASH
        return left + right if e.op == "*" else left - right

    def unknown_in(e: Expr) -> list[str]:
        return [r.name for r in refs(e) if r.name not in degree]

    def solve_one(node_id: str, formula: Formula) -> bool:
        """Fill one unknown of the equation node = formula when it is determined."""
        own = degree.get(node_id)
        value = expr_degree(formula.expr)
        if own is None and value is not None and value != CLASH:
            degree[node_id] = value
            return True
        if own is None:
            return False
        missing = sorted(set(unknown_in(formula.expr)))
        terms = formula.sum_terms
        if terms is not None and missing:
            for name in missing:  # every part of a sum has the sum's degree
                degree[name] = own
            return True
        if len(missing) != 1:
            return False
        for guess in (0, 1):
            degree[missing[0]] = guess
            if expr_degree(formula.expr) == own:
                return True
            del degree[missing[0]]
        return False

    def propagate() -> None:
        changed = True
        while changed:
            changed = False
            for node_id, formula in formulas.items():
                if solve_one(node_id, formula):
                    changed = True

    propagate()
    defaults = (
        [n for n, ns in spec.nodes.items() if ns.kind in (Kind.KGI, Kind.KSF)],
        [n for n in spec.nodes if (u := units.get(n)) is not None and u.kind is UnitKind.COUNT],
        [n for n in spec.nodes if (u := units.get(n)) is not None and u.kind is UnitKind.CURRENCY],
        list(spec.nodes),
    )
    for group in defaults:
        for node_id in group:
            if node_id not in degree:
                degree[node_id] = 1
                propagate()
    issues: list[Issue] = []
    out: dict[str, Aggregate] = {}
    for node_id in spec.nodes:
        d = degree.get(node_id, 1)
        formula = formulas.get(node_id)
        if formula is not None:
            got = expr_degree(formula.expr)
            if (got is not None and got != d) or d not in (0, 1):
                issues.append(
                    warning(
                        "aggregate-unclear",
                        f"cannot tell whether '{node_id}' adds up over months or is an average",
                        loc.node(node_id, key=True),
                        "set aggregate: sum (counts, amounts) or aggregate: average (rates, "
                        "average deal size, CPA) on it or its inputs",
                        node_id,
                    )
                )
        out[node_id] = Aggregate.SUM if d >= 1 else Aggregate.AVERAGE
    return out, issues
