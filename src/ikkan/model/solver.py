"""Solve the tree as equations ``node = formula(inputs)``: top-down, then forward.

Knowns are targets and assumptions. A node with a known value whose formula has exactly one
unknown input determines that input; a sum whose parts have shares splits its value; a node
whose inputs are all known is evaluated. Repeat until nothing changes. Solved counts are
rounded up (a target must suffice for the next stage's target). Equations left over with
every value known are checks: where they disagree, that is a gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ikkan.model.formulas import FormulaError
from ikkan.model.issues import Issue, warning
from ikkan.model.tree import KpiTree

ROUNDING_NOTE = (
    "Counts solved top-down are rounded up at each stage, so each stage's target suffices "
    "for the next stage's rounded target."
)


class How(StrEnum):
    TARGET = "target"  # given as a target
    ASSUMPTION = "assumption"  # given as a planning input
    BASELINE = "baseline"  # current / historical value (bottom-up)
    SHARE = "share"  # a part of a sum, split by its share
    SOLVED = "solved"  # worked back from its parent's value
    EVALUATED = "evaluated"  # computed forward from its inputs
    PHASED = "phased"  # a share of a longer period's value


@dataclass(frozen=True)
class Value:
    value: float
    how: How
    raw: float | None = None  # before rounding up, when rounded
    source: str | None = None  # the node whose equation determined it

    @property
    def rounded(self) -> bool:
        return self.raw is not None and self.raw != self.value


@dataclass(frozen=True)
class Gap:
    """An equation whose sides disagree: the formula gives ``computed``, the plan ``given``."""

    node: str
    given: float
    computed: float

    @property
    def difference(self) -> float:
        return self.computed - self.given

    @property
    def ratio(self) -> float | None:
        return self.computed / self.given if self.given else None


@dataclass(frozen=True)
class Solution:
    values: dict[str, Value]
    gaps: list[Gap]
    undetermined: dict[str, list[str]]  # node → inputs that would determine it
    issues: list[Issue]


def round_up(x: float) -> float:
    """Ceil that ignores float noise (40.000000001 → 40, 40.2 → 41)."""
    return float(math.ceil(x - 1e-9 * max(1.0, abs(x))))


def solve(
    tree: KpiTree,
    knowns: Mapping[str, Value],
    *,
    round_counts: bool = True,
    solve_down: bool = True,
) -> Solution:
    values: dict[str, Value] = dict(knowns)
    used: set[str] = set()
    issues: list[Issue] = []
    top_down = list(reversed(tree.order))

    def plain(name: str) -> float:
        return values[name].value

    def settle(name: str, raw: float, how: How, source: str) -> None:
        node = tree.nodes[name]
        value = raw
        if round_counts and node.is_count and how in (How.SOLVED, How.SHARE):
            value = round_up(raw)
        if not math.isfinite(value) or (value < 0 and node.is_count):
            issues.append(
                warning(
                    "plan-impossible",
                    f"working back from '{source}' gives {name} = {raw:g}",
                    hint="check the rates and targets on this path",
                    node=name,
                )
            )
        values[name] = Value(value, how, raw if value != raw else None, source)

    changed = True
    while changed:
        changed = False
        for node_id in top_down:
            node = tree.nodes[node_id]
            formula = node.formula
            if formula is None or node_id in used:
                continue
            if solve_down and node_id in values:
                terms = formula.sum_terms
                if terms and any(tree.nodes[t].share is not None for t in terms if t in tree.nodes):
                    for term in terms:
                        share = tree.nodes[term].share
                        if term not in values and share is not None:
                            settle(term, values[node_id].value * share, How.SHARE, node_id)
                            changed = True
            unknown = [n for n in formula.names if n not in values]
            if solve_down and node_id in values and len(unknown) == 1:
                try:
                    x = formula.solve_for(
                        unknown[0],
                        plain(node_id),
                        {n: plain(n) for n in formula.names if n in values},
                    )
                except FormulaError as exc:
                    issues.append(
                        warning("plan-unsolvable", exc.message, hint=exc.hint, node=unknown[0])
                    )
                    used.add(node_id)
                    continue
                settle(unknown[0], x, How.SOLVED, node_id)
                used.add(node_id)
                changed = True
            elif node_id not in values and not unknown:
                try:
                    x = formula.evaluate({n: plain(n) for n in formula.names})
                except FormulaError as exc:
                    issues.append(
                        warning(
                            "plan-unsolvable",
                            f"{node_id}: {exc.message}",
                            hint=exc.hint,
                            node=node_id,
                        )
                    )
                    used.add(node_id)
                    continue
                values[node_id] = Value(x, How.EVALUATED, source=node_id)
                used.add(node_id)
                changed = True

    gaps: list[Gap] = []
    for node_id in tree.order:
        formula = tree.nodes[node_id].formula
        if formula is None or node_id in used or node_id not in values:
            continue
        if any(n not in values for n in formula.names):
            continue
        try:
            computed = formula.evaluate({n: plain(n) for n in formula.names})
        except FormulaError:
            continue
        given = plain(node_id)
        if not math.isclose(computed, given, rel_tol=1e-9, abs_tol=1e-9):
            gaps.append(Gap(node_id, given, computed))

    undetermined: dict[str, list[str]] = {}
    for node_id in tree.order:
        if node_id in values:
            continue
        formula = tree.nodes[node_id].formula
        leaves = [
            n
            for n in (formula.names if formula else ())
            if n not in values and tree.nodes[n].formula is None
        ]
        undetermined[node_id] = leaves if formula else [node_id]
    return Solution(values, gaps, undetermined, issues)


def evaluate_forward(tree: KpiTree, inputs: Mapping[str, float]) -> dict[str, float]:
    """Every node computable from ``inputs`` by formulas alone (inputs win over formulas)."""
    out = dict(inputs)
    for node_id in tree.order:
        if node_id in out:
            continue
        formula = tree.nodes[node_id].formula
        if formula is None or any(n not in out for n in formula.names):
            continue
        try:
            out[node_id] = formula.evaluate({n: out[n] for n in formula.names})
        except FormulaError:
            continue
    return out


def solve_input_for(
    tree: KpiTree, inputs: Mapping[str, float], goal: str, target: float, lever: str
) -> float | None:
    """The value of input ``lever`` that brings ``goal`` to ``target``, others held.

    Exact when the goal is linear in the lever (the usual product chains); otherwise a
    bisection over a bracket that doubles outwards. None when no value reaches the target.
    """

    def f(x: float) -> float:
        return evaluate_forward(tree, {**inputs, lever: x}).get(goal, math.nan) - target

    try:
        f0, f1, f2 = f(0.0), f(1.0), f(2.0)
    except (ZeroDivisionError, OverflowError):
        return None
    if any(math.isnan(v) for v in (f0, f1, f2)):
        return None
    slope = f1 - f0
    if slope != 0 and math.isclose(f2 - f1, slope, rel_tol=1e-9, abs_tol=1e-12):
        return -f0 / slope
    lo, hi = 1e-12, max(1.0, abs(inputs.get(lever, 1.0)))
    flo = f(lo)
    for _ in range(200):
        fhi = f(hi)
        if math.isnan(fhi):
            return None
        if (flo <= 0 <= fhi) or (fhi <= 0 <= flo):
            break
        hi *= 2
    else:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (flo <= 0 <= fm) or (fm <= 0 <= flo):
            hi = mid
        else:
            lo, flo = mid, fm
    return (lo + hi) / 2


def elasticities(tree: KpiTree, inputs: Mapping[str, float], goal: str) -> dict[str, float]:
    """d ln(goal) / d ln(input) for every input the goal depends on (1% bump, central)."""
    base = evaluate_forward(tree, inputs).get(goal)
    if not base:
        return {}
    below = tree.reaches(goal)
    out: dict[str, float] = {}
    for name, value in inputs.items():
        if name not in below or value == 0:
            continue
        up = evaluate_forward(tree, {**inputs, name: value * 1.01}).get(goal)
        down = evaluate_forward(tree, {**inputs, name: value * 0.99}).get(goal)
        if up is None or down is None:
            continue
        out[name] = (up - down) / (0.02 * base)
    return out
