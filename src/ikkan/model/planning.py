"""Plans: top-down targets per scenario and month, the bottom-up check, and the levers.

- Top-down (逆算): targets and assumptions → ``solver.solve`` for the plan period.
- Months: the plan period's values phased by seasonality weights (even by default). Flows
  are split so that the months add up exactly to the period (counts stay whole: each
  month-to-date is the pro-rata share rounded up); averages and rates stay as they are.
- Quarters and halves (上期/下期): flows are the sum of their months; averages are
  re-evaluated from their inputs.
- Bottom-up (積み上げ): baselines (current volumes and rates) evaluated forward; the gap to
  the KGI target; for each lever, the value that alone would close it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ikkan.model.formatting import format_value
from ikkan.model.formulas import FormulaError
from ikkan.model.issues import Issue, error, warning
from ikkan.model.periods import Grain, Period, PeriodError, months_of, parse_period, periods_between
from ikkan.model.solver import (
    ROUNDING_NOTE,
    Gap,
    How,
    Solution,
    Value,
    elasticities,
    evaluate_forward,
    round_up,
    solve,
    solve_input_for,
)
from ikkan.model.spec import Aggregate, Direction
from ikkan.model.tree import KpiTree, Node
from ikkan.model.tree_types import Locator
from ikkan.model.units import UnitKind

SCENARIOS = ("commit", "stretch")


@dataclass(frozen=True)
class Lever:
    node: str
    current: float
    required: float | None  # None: this lever alone cannot close the gap

    @property
    def change(self) -> float | None:
        if self.required is None or self.current == 0:
            return None
        return self.required / self.current - 1


@dataclass(frozen=True)
class BottomUp:
    values: dict[str, float]
    kgi: str
    kgi_target: float | None
    kgi_projected: float | None
    levers: list[Lever]
    elasticity: dict[str, float]
    missing: list[str] = field(default_factory=list)  # leaves with neither baseline nor input

    @property
    def gap(self) -> float | None:
        if self.kgi_target is None or self.kgi_projected is None:
            return None
        return self.kgi_projected - self.kgi_target


@dataclass(frozen=True)
class PeriodPlan:
    scenario: str
    period: Period
    values: dict[str, Value]
    gaps: list[Gap]
    undetermined: dict[str, list[str]]


@dataclass
class Plan:
    tree: KpiTree
    period: Period | None
    scenarios: dict[str, PeriodPlan] = field(default_factory=dict)
    months: dict[str, list[PeriodPlan]] = field(default_factory=dict)
    bottom_up: BottomUp | None = None
    issues: list[Issue] = field(default_factory=list)
    rounding_note: str = ROUNDING_NOTE

    def for_period(self, scenario: str, key: str) -> PeriodPlan:
        """The plan of one scenario for the plan period, a month, a quarter or a half."""
        if self.period is None:
            raise PeriodError("the project has no plan period", hint="set plan.period: FY2026")
        fy_start = self.tree.spec.company.fiscal_year_start
        wanted = parse_period(key, fy_start)
        if wanted.key == self.period.key:
            return self.scenarios[scenario]
        months = self.months[scenario]
        inside = [m for m in months if wanted.start <= m.period.start <= wanted.end]
        if not inside or not (self.period.start <= wanted.start and wanted.end <= self.period.end):
            raise PeriodError(
                f"{key} is not inside the plan period {self.period.key}",
                hint=f"use {self.period.key}, a month such as {months[0].period.key}, "
                f"a quarter ({self.period.key}-Q1) or a half ({self.period.key}-H1)",
            )
        if wanted.grain is Grain.MONTH:
            return inside[0]
        return _aggregate(self.tree, scenario, wanted, inside)


def plan_period(tree: KpiTree) -> tuple[Period | None, list[Issue]]:
    spec = tree.spec
    fy_start = spec.company.fiscal_year_start
    text = spec.plan.period or next(
        (
            tree.nodes[k].period
            for k in tree.kgis
            if tree.nodes[k].period
            and tree.nodes[k].per_grain is None
            and tree.nodes[k].period != "fiscal_year"
        ),
        None,
    )
    if text is None:
        return None, [
            error(
                "no-plan-period",
                "the plan has no period",
                hint="set plan: {period: FY2026} or period: FY2026 on the KGI",
            )
        ]
    try:
        period = parse_period(text, fy_start)
    except PeriodError as exc:
        return None, [error("bad-period", exc.message, hint=exc.hint)]
    if period.grain in (Grain.DAY, Grain.WEEK):
        return None, [
            error(
                "bad-period",
                f"plan period {period.key} is shorter than a month",
                hint="plan a fiscal year, a half, a quarter or a month",
            )
        ]
    return period, []


def make_plan(tree: KpiTree, pins: Mapping[tuple[str, str, str], float] | None = None) -> Plan:
    """The plan of ``tree``; ``pins`` fix single months, (scenario, node, month key) → value
    (target revisions of one month, ``model.revisions``): a pinned flow's period total
    becomes its other months plus the pin and is solved again; an average keeps its period
    value and only the month's line changes."""
    period, issues = plan_period(tree)
    plan = Plan(tree, period, issues=list(issues))
    if period is None:
        return plan
    months = months_of(period)
    weights = _month_weights(tree, months, plan.issues)
    round_counts = tree.spec.plan.rounding == "up"
    for scenario in SCENARIOS:
        knowns = _knowns(tree, scenario, period, months)
        solution = solve(tree, knowns, round_counts=round_counts)
        phased = _phase(tree, months, weights, solution)
        mine = {(n, m): v for (s, n, m), v in (pins or {}).items() if s == scenario}
        if mine:
            knowns.update(_pinned_totals(tree, months, phased, mine))
            solution = solve(tree, knowns, round_counts=round_counts)
            phased = _apply_pins(tree, months, _phase(tree, months, weights, solution), mine)
        plan.issues += solution.issues
        plan.scenarios[scenario] = _period_plan(scenario, period, solution)
        plan.months[scenario] = [
            PeriodPlan(scenario, month, values, [], {})
            for month, values in zip(months, phased, strict=True)
        ]
    plan.bottom_up = bottom_up(tree, plan.scenarios["commit"], period)
    return plan


def _pinned_totals(
    tree: KpiTree,
    months: list[Period],
    phased: list[dict[str, Value]],
    pins: Mapping[tuple[str, str], float],
) -> dict[str, Value]:
    """The period totals of pinned flow nodes: their unpinned months plus the pins."""
    keys = [m.key for m in months]
    out: dict[str, Value] = {}
    for node_id in {n for n, _ in pins}:
        node = tree.nodes.get(node_id)
        if node is None or node.aggregate is not Aggregate.SUM:
            continue
        total = math.fsum(
            pins.get((node_id, key), month[node_id].value if node_id in month else 0.0)
            for key, month in zip(keys, phased, strict=True)
        )
        out[node_id] = Value(total, How.TARGET)
    return out


def _apply_pins(
    tree: KpiTree,
    months: list[Period],
    phased: list[dict[str, Value]],
    pins: Mapping[tuple[str, str], float],
) -> list[dict[str, Value]]:
    """Pinned months take their value; a flow's other months share the rest of its total
    in proportion to their phased values (whole counts stay whole)."""
    keys = [m.key for m in months]
    for node_id in {n for n, _ in pins}:
        node = tree.nodes.get(node_id)
        if node is None or any(node_id not in m for m in phased):
            continue
        pinned = [i for i, k in enumerate(keys) if (node_id, k) in pins]
        total = math.fsum(m[node_id].value for m in phased)  # the solved period total
        for i in pinned:
            phased[i][node_id] = Value(pins[(node_id, keys[i])], How.TARGET)
        free = [i for i in range(len(keys)) if i not in pinned]
        if node.aggregate is not Aggregate.SUM or not free:
            continue
        remainder = total - math.fsum(pins[(node_id, keys[i])] for i in pinned)
        shares = [phased[i][node_id].value for i in free]
        weight_sum = math.fsum(shares)
        weights = (
            [w / weight_sum for w in shares] if weight_sum > 0 else [1 / len(free)] * len(free)
        )
        whole = node.is_count and float(remainder).is_integer()
        parts = _cumulative_split(remainder, weights) if whole else [remainder * w for w in weights]
        for i, part in zip(free, parts, strict=True):
            phased[i][node_id] = Value(part, How.PHASED, source=node_id)
    return phased


def _period_plan(scenario: str, period: Period, solution: Solution) -> PeriodPlan:
    return PeriodPlan(scenario, period, solution.values, solution.gaps, solution.undetermined)


def _scale(tree: KpiTree, node: Node, value: float, period: Period) -> float:
    """A value given per month (quarter, half) expressed for ``period``."""
    if node.per_grain is None or node.aggregate is Aggregate.AVERAGE:
        return value
    fy_start = tree.spec.company.fiscal_year_start
    return value * len(periods_between(period.start, period.end, node.per_grain, fy_start))


def _given(node: Node, scenario: str) -> tuple[float, How] | None:
    if node.target is not None and (v := node.target.get(scenario)) is not None:
        return v, How.TARGET
    if node.assumption is not None and (v := node.assumption.get(scenario)) is not None:
        return v, How.ASSUMPTION
    return None


def _knowns(tree: KpiTree, scenario: str, period: Period, months: list[Period]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for node_id, node in tree.nodes.items():
        given = _given(node, scenario)
        if given is not None:
            out[node_id] = Value(_scale(tree, node, given[0], period), given[1])
    return out


def _month_weights(tree: KpiTree, months: list[Period], issues: list[Issue]) -> list[float]:
    raw = tree.spec.plan.seasonality
    if raw is None:
        return [1 / len(months)] * len(months)
    if isinstance(raw, list):
        if len(raw) != 12:
            issues.append(
                error(
                    "bad-seasonality",
                    f"seasonality has {len(raw)} weights; it needs 12",
                    hint="one weight per fiscal month, first month first",
                )
            )
            return [1 / len(months)] * len(months)
        fy_start = tree.spec.company.fiscal_year_start
        weights = [raw[(m.start.month - fy_start) % 12] for m in months]
    else:
        unknown = set(raw) - {m.key for m in months}
        if unknown:
            issues.append(
                error(
                    "bad-seasonality",
                    "seasonality names months outside the plan: " + ", ".join(sorted(unknown)),
                    hint=f"use {months[0].key} … {months[-1].key}",
                )
            )
        weights = [raw.get(m.key, 1.0) for m in months]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        issues.append(error("bad-seasonality", "seasonality weights must be positive"))
        return [1 / len(months)] * len(months)
    total = sum(weights)
    return [w / total for w in weights]


def _cumulative_split(total: float, weights: list[float]) -> list[float]:
    """Integers that add up to ``total``; each month-to-date is the pro-rata rounded up."""
    out: list[float] = []
    cumulative_weight = 0.0
    done = 0.0
    for w in weights:
        cumulative_weight += w
        to_date = min(total, round_up(total * cumulative_weight))
        out.append(to_date - done)
        done = to_date
    out[-1] += total - done
    return out


def _phase(
    tree: KpiTree,
    months: list[Period],
    weights: list[float],
    annual: Solution,
) -> list[dict[str, Value]]:
    """Each month's values: the plan period's flows split by the weights, averages kept."""
    out: list[dict[str, Value]] = [{} for _ in months]
    for node_id, value in annual.values.items():
        node = tree.nodes[node_id]
        given_monthly = node.per_grain is Grain.MONTH and value.how in (How.TARGET, How.ASSUMPTION)
        if given_monthly and node.aggregate is Aggregate.SUM:
            monthly = value.value / len(months)  # as written: the same target every month
            for m in out:
                m[node_id] = Value(monthly, value.how)
            continue
        if node.aggregate is Aggregate.AVERAGE:
            for m in out:
                m[node_id] = value
            continue
        integral = node.is_count and float(value.value).is_integer()
        parts = (
            _cumulative_split(value.value, weights)
            if integral
            else [value.value * w for w in weights]
        )
        for m, part in zip(out, parts, strict=True):
            m[node_id] = Value(part, How.PHASED, source=node_id)
    return out


def _aggregate(
    tree: KpiTree, scenario: str, period: Period, months: list[PeriodPlan]
) -> PeriodPlan:
    values: dict[str, Value] = {}
    for node_id in tree.order:
        node = tree.nodes[node_id]
        monthly = [m.values.get(node_id) for m in months]
        if any(v is None for v in monthly):
            continue
        present = [v for v in monthly if v is not None]
        if node.aggregate is Aggregate.SUM:
            values[node_id] = Value(math.fsum(v.value for v in present), present[0].how)
            continue
        formula = node.formula
        if (
            formula is not None
            and all(n in values for n in formula.names)
            and present[0].how in (How.EVALUATED, How.SOLVED)
        ):
            try:
                values[node_id] = Value(
                    formula.evaluate({n: values[n].value for n in formula.names}), How.EVALUATED
                )
                continue
            except FormulaError:  # e.g. a zero divisor: fall back to the months' mean
                pass
        values[node_id] = Value(math.fsum(v.value for v in present) / len(present), present[0].how)
    return PeriodPlan(scenario, period, values, [], {})


def bottom_up(tree: KpiTree, top_down: PeriodPlan, period: Period) -> BottomUp | None:
    """Current volumes and rates carried forward, the gap to the KGI target, the levers."""
    if not tree.kgis:
        return None
    kgi = tree.kgis[-1] if len(tree.kgis) == 1 else tree.kgis[0]
    inputs: dict[str, float] = {}
    for node_id, node in tree.nodes.items():
        if node.baseline is not None:
            inputs[node_id] = _scale(tree, node, node.baseline, period)
        elif node.formula is None and node.assumption is not None:
            value = node.assumption.get("commit")
            if value is not None:
                inputs[node_id] = _scale(tree, node, value, period)
    if not any(tree.nodes[n].baseline is not None for n in inputs):
        return None
    values = evaluate_forward(tree, inputs)
    missing = [
        n
        for n in sorted(_formula_inputs(tree, kgi))
        if tree.nodes[n].formula is None and n not in values
    ]
    target_value = top_down.values.get(kgi)
    target = target_value.value if target_value else None
    projected = values.get(kgi)
    levers: list[Lever] = []
    below = tree.reaches(kgi)
    elasticity = elasticities(tree, inputs, kgi)
    if target is not None and projected is not None:
        for name, current in inputs.items():
            node = tree.nodes[name]
            if name not in below or not node.controllable:
                continue
            if not elasticity.get(name):
                continue  # moving it does not move the KGI (e.g. overridden by a baseline)
            required = solve_input_for(tree, inputs, kgi, target, name)
            if required is not None and (
                required < 0
                or not math.isfinite(required)
                or (node.unit is not None and node.unit.kind is UnitKind.RATIO and required > 1)
            ):
                required = None  # this lever alone cannot close the gap
            levers.append(Lever(name, current, required))
        levers.sort(key=lambda lv: (lv.change is None, abs(lv.change or 0)))
    return BottomUp(values, kgi, target, projected, levers, elasticity, missing)


def _formula_inputs(tree: KpiTree, node_id: str) -> set[str]:
    out: set[str] = set()
    stack = [node_id]
    while stack:
        formula = tree.nodes[stack.pop()].formula
        for name in formula.names if formula else ():
            if name not in out:
                out.add(name)
                stack.append(name)
    return out


def achievability_issues(
    tree: KpiTree, plan: Plan, ratio_limit: float = 1.5, locator: Locator | None = None
) -> list[Issue]:
    """SMART 'Achievable': the plan needs a rate far beyond the baseline."""
    issues: list[Issue] = []
    commit = plan.scenarios.get("commit")
    if commit is None:
        return issues
    for node_id, node in tree.nodes.items():
        planned = commit.values.get(node_id)
        if node.baseline is None or planned is None or node.baseline <= 0 or planned.value <= 0:
            continue
        baseline = _scale(tree, node, node.baseline, plan.period) if plan.period else 0
        if baseline <= 0:
            continue
        ratio = planned.value / baseline
        if node.direction is Direction.LOWER:
            ratio = 1 / ratio
        if ratio > ratio_limit:
            issues.append(
                warning(
                    "smart-achievable",
                    f"'{node_id}' must reach {format_value(planned.value, node.unit)} but the "
                    f"baseline is {format_value(baseline, node.unit)} "
                    f"({ratio:.1f}× the current level)",
                    location=locator.node(node_id, "baseline") if locator else None,
                    hint="check the target, or plan the action that moves it this far",
                    node=node_id,
                )
            )
    return issues
