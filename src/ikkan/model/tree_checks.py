"""The design checks of ``resolve_tree``: fields, cycles, units, shares."""

from __future__ import annotations

from collections.abc import Mapping

from ikkan.errors import did_you_mean, valid_values
from ikkan.model.formulas import Formula
from ikkan.model.issues import Issue, error, warning
from ikkan.model.periods import PeriodError, parse_period
from ikkan.model.spec import NodeSpec, ProjectSpec
from ikkan.model.tree_types import PERIOD_GRAINS, SHARE_TOLERANCE, Locator
from ikkan.model.units import Unit, UnitMismatch, describe_dims, formula_dims


def check_node_fields(
    node_id: str, ns: NodeSpec, spec: ProjectSpec, departments: set[str], loc: Locator
) -> list[Issue]:
    issues: list[Issue] = []
    if ns.owner and ns.owner.department and ns.owner.department not in departments:
        issues.append(
            error(
                "unknown-department",
                f"unknown department '{ns.owner.department}'",
                loc.node(node_id, "owner", "department"),
                did_you_mean(ns.owner.department, departments)
                or f"{valid_values(departments)}; or declare it under departments:",
                node_id,
            )
        )
    if ns.period is not None and ns.period not in PERIOD_GRAINS:
        try:
            parse_period(ns.period, spec.company.fiscal_year_start)
        except PeriodError as exc:
            issues.append(
                error(
                    "bad-period",
                    exc.message,
                    loc.node(node_id, "period"),
                    f"use a grain ({', '.join(PERIOD_GRAINS)}) or a period key like FY2026",
                    node_id,
                )
            )
    if ns.thresholds and ns.thresholds.amber > ns.thresholds.green:
        issues.append(
            error(
                "bad-thresholds",
                "amber threshold is above green",
                loc.node(node_id, "thresholds"),
                "e.g. green: 1.0, amber: 0.9",
                node_id,
            )
        )
    if ns.target is not None and ns.assumption is not None:
        issues.append(
            warning(
                "target-and-assumption",
                f"'{node_id}' has both a target and an assumption; the target is used",
                loc.node(node_id, "assumption"),
                "keep one of them",
                node_id,
            )
        )
    if ns.formula is not None and ns.assumption is not None:
        issues.append(
            warning(
                "formula-and-assumption",
                f"'{node_id}' has a formula and an assumption; the assumption overrides it "
                "when planning and the formula is only checked",
                loc.node(node_id, "assumption"),
                None,
                node_id,
            )
        )
    if ns.share is not None and not 0 < ns.share <= 1:
        issues.append(
            error(
                "bad-share",
                f"share {ns.share:g} is not between 0 and 1",
                loc.node(node_id, "share"),
                "write e.g. 0.6 or '60%'",
                node_id,
            )
        )
    return issues


def find_cycles(formulas: Mapping[str, Formula], issues: list[Issue], loc: Locator) -> set[str]:
    graph = {n: [m for m in f.names if m in formulas] for n, f in formulas.items()}
    state: dict[str, int] = {}
    in_cycle: set[str] = set()
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                key = frozenset(cycle)
                in_cycle.update(cycle)
                if key not in reported:
                    reported.add(key)
                    path = " → ".join([*cycle, nxt])
                    issues.append(
                        error(
                            "cycle",
                            f"formula cycle: {path}",
                            loc.node(nxt, "formula"),
                            "a node cannot depend on itself; break one link",
                            nxt,
                        )
                    )
            elif state.get(nxt) is None:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in graph:
        if state.get(node) is None:
            visit(node, [])
    return in_cycle


def check_units(
    spec: ProjectSpec,
    formulas: Mapping[str, Formula],
    units: Mapping[str, Unit | None],
    loc: Locator,
) -> list[Issue]:
    issues: list[Issue] = []
    for node_id, formula in formulas.items():
        try:
            dims = formula_dims(formula.expr, dict(units))
        except UnitMismatch as exc:
            where = (
                loc.node_in_value(node_id, ("formula",), exc.column)
                if exc.column
                else loc.node(node_id, "formula")
            )
            issues.append(
                error(
                    "unit-mismatch",
                    f"unit mismatch in '{node_id}': {exc}",
                    where,
                    "only add or compare values of the same unit (yen with yen, counts with "
                    "counts)",
                    node_id,
                )
            )
            continue
        own = units.get(node_id)
        if dims is None or own is None:
            continue
        if dict(own.dims) != dims:
            issues.append(
                error(
                    "unit-mismatch",
                    f"'{node_id}' is in {own.id} but its formula gives {describe_dims(dims)}",
                    loc.node(node_id, "unit"),
                    "fix the unit or the formula",
                    node_id,
                )
            )
    return issues


def check_shares(spec: ProjectSpec, formulas: Mapping[str, Formula], loc: Locator) -> list[Issue]:
    issues: list[Issue] = []
    summed: set[str] = set()
    for node_id, formula in formulas.items():
        terms = formula.sum_terms
        if terms is None:
            continue
        summed.update(terms)
        with_share = [t for t in terms if t in spec.nodes and spec.nodes[t].share is not None]
        if not with_share:
            continue
        total = sum(spec.nodes[t].share or 0.0 for t in with_share)
        missing = [t for t in terms if t in spec.nodes and spec.nodes[t].share is None]
        for term in missing:
            hint = (
                f"add share: {1 - total:.4g} (the remainder)"
                if len(missing) == 1
                else "give every part of the sum a share"
            )
            issues.append(
                error(
                    "missing-share",
                    f"'{term}' is summed into '{node_id}' with shares but has no share",
                    loc.node(term, key=True),
                    hint,
                    term,
                )
            )
        if total > 1 + SHARE_TOLERANCE or (not missing and abs(total - 1) > SHARE_TOLERANCE):
            issues.append(
                error(
                    "shares-sum",
                    f"the shares of '{node_id}' add up to {total:.4g}, not 1",
                    loc.node(node_id, "formula"),
                    ", ".join(f"{t}: {spec.nodes[t].share:g}" for t in with_share),
                    node_id,
                )
            )
    for node_id, ns in spec.nodes.items():
        if ns.share is not None and node_id not in summed:
            issues.append(
                error(
                    "share-without-sum",
                    f"'{node_id}' has a share but no formula sums it",
                    loc.node(node_id, "share"),
                    "write the parent's formula as a sum, e.g. new_revenue + existing_revenue",
                    node_id,
                )
            )
    return issues
