# ruff: noqa: S608 - SQL text holds only "?" placeholders; values are parameters
"""``ikkan status``: actual vs target, pacing, MoM / YoY, benchmarks and the bottleneck.

Reads kpi_values (written by refresh) and the plan; the judging itself is monitor/'s pure
code. For a period still running, achievement is against the full target and RAG against
the expected-to-date (pacing on the business calendar), so that the 5th of the month is
not all red.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from ikkan.errors import UserError
from ikkan.model.formulas import BinOp, FormulaError, Ref
from ikkan.model.periods import ALL_TIME, Grain, Period, year_ago
from ikkan.model.periods import shift as shift_period
from ikkan.model.planning import Plan
from ikkan.model.spec import Aggregate, Direction
from ikkan.model.tree import KpiTree
from ikkan.monitor.benchmark_data import BUILTIN_BENCHMARKS
from ikkan.monitor.benchmarks import BenchmarkFlag, check_benchmarks
from ikkan.monitor.bottleneck import DecompositionError, GapDecomposition, TreeNode, decompose_gap
from ikkan.monitor.breakdown import Breakdown, Cell, NodeRule, break_down
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.monitor.comparison import Comparison, compare
from ikkan.monitor.pacing import PacingResult, evaluate_pacing
from ikkan.monitor.status import RagThresholds, StatusResult, evaluate_status
from ikkan.services.range_values import measure_ranges
from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class NodeStatus:
    node: str
    actual: float | None
    commit: float | None
    stretch: float | None
    status: StatusResult
    pacing: PacingResult | None
    comparison: Comparison
    benchmarks: list[BenchmarkFlag]
    maturing: bool
    numerator: float | None = None  # the counts behind a rate (None for other values)
    denominator: float | None = None
    implied: float | None = None
    """Not measured (``actual`` is None), but implied by a measured parent and measured
    siblings (cvr = leads ÷ visits): the value the bottleneck counts, shown marked."""


@dataclass
class DimensionValues:
    dimension: str
    values: dict[str, dict[str, float | None]]  # node → dimension value → actual
    flags: dict[tuple[str, str], list[BenchmarkFlag]] = field(default_factory=dict)
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)  # with the counts
    skipped: list[str] = field(default_factory=list)  # "node: why it cannot be split"

    def breakdown(self, tree: KpiTree, top: int | None = None) -> Breakdown:
        """The values ranked by the KGI (else the first node with values), the rest past
        ``top`` folded into "others" (``monitor.breakdown``); ``top=None`` keeps all."""
        order = [n for n in tree.order if n in self.cells]
        rules = {}
        for node_id in order:
            node = tree.nodes[node_id]
            formula = node.formula
            rules[node_id] = NodeRule(
                additive=node.aggregate is Aggregate.SUM,
                inputs=formula.names if formula else (),
                evaluate=formula.evaluate if formula else None,
            )
        ranking = next((k for k in tree.kgis if k in self.cells), None)
        ranking = ranking or next((n for n in order[::-1] if rules[n].additive), None)
        return break_down(
            self.cells,
            rules,
            order,
            ranking_node=ranking or next(iter(order), None),
            top=top if top is not None else sys.maxsize,
        )


@dataclass
class StatusReport:
    period: Period
    as_of: date
    running: bool  # the period has not ended by as_of
    nodes: dict[str, NodeStatus]
    bottleneck: GapDecomposition | None
    bottleneck_note: str | None
    bottleneck_note_ja: str | None = None
    by: DimensionValues | None = None
    computed_at: Any = None


def read_values(
    warehouse: SqlWarehouse, grain: str, periods: list[str], dimension: str = ""
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """kpi_values rows keyed by (node, period, dimension value)."""
    if not periods:
        return {}
    marks = ", ".join("?" for _ in periods)  # only placeholders are formatted in
    sql = (
        "SELECT node_id, period, dimension_value, value, numerator, denominator, maturing, "
        f"computed_at FROM kpi_values WHERE grain = ? AND dimension = ? AND period IN ({marks})"
    )
    table = warehouse.query(sql, [grain, dimension, *periods])
    return {(r["node_id"], r["period"], r["dimension_value"]): r for r in table.to_pylist()}


def build_status(
    tree: KpiTree,
    plan: Plan,
    warehouse: SqlWarehouse,
    period: Period,
    as_of: date,
    calendar: BusinessCalendar,
    *,
    by: str | None = None,
    where: tuple[str, str] | None = None,
) -> StatusReport:
    """``where`` = (dimension, value) reads that slice (e.g. one channel); targets are planned
    for the whole, so a slice has no targets (and no bottleneck)."""
    fy_start = tree.spec.company.fiscal_year_start
    all_time = period.key == ALL_TIME  # nothing before it, nothing a year before
    previous = period if all_time else shift_period(period, -1, fy_start)
    last_year = period if all_time else year_ago(period, fy_start)
    dimension, value = where or ("", "")
    rows = period_values(tree, warehouse, [period, previous, last_year], as_of, dimension)
    in_plan = (
        where is None
        and plan.period is not None
        and period.grain is not Grain.RANGE  # targets are planned per calendar period
        and (plan.period.start <= period.start and period.end <= plan.period.end)
    )
    targets = {s: plan.for_period(s, period.key) for s in ("commit", "stretch")} if in_plan else {}
    running = period.start <= as_of < period.end
    nodes: dict[str, NodeStatus] = {}
    computed_at = None
    for node_id in tree.order[::-1]:
        node = tree.nodes[node_id]
        row = rows.get((node_id, period.key, value))
        actual = row["value"] if row else None
        computed_at = computed_at or (row["computed_at"] if row else None)
        commit_v = targets["commit"].values.get(node_id) if targets else None
        stretch_v = targets["stretch"].values.get(node_id) if targets else None
        commit = commit_v.value if commit_v else None
        stretch = stretch_v.value if stretch_v else None
        thresholds = RagThresholds(green=node.green, amber=node.amber)
        direction = str(node.direction)
        pacing = None
        if running and commit is not None:
            pacing = evaluate_pacing(
                actual,
                commit,
                period,
                as_of,
                direction=direction,
                accumulation="flow" if node.aggregate is Aggregate.SUM else "level",
                calendar=calendar,
                thresholds=thresholds,
                stretch=stretch,
            )
        status = evaluate_status(actual, commit, direction, stretch=stretch, thresholds=thresholds)
        prev = None if all_time else rows.get((node_id, previous.key, value))
        ago = None if all_time else rows.get((node_id, last_year.key, value))
        comparison = compare(
            actual, prev["value"] if prev else None, ago["value"] if ago else None, direction
        )
        flags = check_benchmarks(BUILTIN_BENCHMARKS, node.spec.benchmark or node_id, actual)
        nodes[node_id] = NodeStatus(
            node_id,
            actual,
            commit,
            stretch,
            status,
            pacing,
            comparison,
            flags,
            bool(row and row["maturing"]),
            row["numerator"] if row and row["denominator"] is not None else None,
            row["denominator"] if row else None,
        )
    decomposition, note, note_ja, implied = _bottleneck(
        tree, nodes, period, as_of, running, calendar
    )
    for node_id, implied_value in implied.items():
        nodes[node_id] = replace(nodes[node_id], implied=implied_value)
    report = StatusReport(
        period, as_of, running, nodes, decomposition, note, note_ja, computed_at=computed_at
    )
    if by:
        report.by = _by_dimension(tree, warehouse, period, by, as_of)
    return report


def period_values(
    tree: KpiTree,
    warehouse: SqlWarehouse,
    periods: list[Period],
    as_of: date,
    dimension: str = "",
    skipped: list[str] | None = None,
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Rows of ``periods`` (all of one grain) by (node, period key, dimension value): read
    from kpi_values for calendar grains, measured now for ranges (``range_values``, which
    adds to ``skipped`` the nodes it cannot split by ``dimension``)."""
    unique = list({p.key: p for p in periods}.values())
    if unique and unique[0].grain is Grain.RANGE:
        return measure_ranges(
            tree, warehouse, unique, as_of=as_of, dimension=dimension, skipped=skipped
        )
    keys = [p.key for p in unique]
    return read_values(warehouse, str(unique[0].grain), keys, dimension) if keys else {}


def _kind(node_formula: Any) -> str:
    if node_formula.sum_terms:
        return "sum"
    expr = node_formula.expr
    refs_only = _product_of_refs(expr)
    if refs_only:
        return "product"
    if (
        isinstance(expr, BinOp)
        and expr.op == "/"
        and isinstance(expr.left, Ref)
        and _product_of_refs(expr.right)
    ):
        return "ratio"
    return "other"


def _product_of_refs(expr: Any) -> bool:
    if isinstance(expr, Ref):
        return True
    return (
        isinstance(expr, BinOp)
        and expr.op == "*"
        and _product_of_refs(expr.left)
        and (_product_of_refs(expr.right))
    )


def _bottleneck(
    tree: KpiTree,
    nodes: dict[str, NodeStatus],
    period: Period,
    as_of: date,
    running: bool,
    calendar: BusinessCalendar,
) -> tuple[GapDecomposition | None, str | None, str | None, dict[str, float]]:
    """The decomposition of the KGI's gap (or a note why there is none) and the leaves it
    counts with an implied value."""
    decomposition, note, note_ja, implied = _decompose(
        tree, nodes, period, as_of, running, calendar
    )
    return decomposition, note, note_ja, implied if decomposition is not None else {}


def _decompose(
    tree: KpiTree,
    nodes: dict[str, NodeStatus],
    period: Period,
    as_of: date,
    running: bool,
    calendar: BusinessCalendar,
) -> tuple[GapDecomposition | None, str | None, str | None, dict[str, float]]:
    implied: dict[str, float] = {}
    if not tree.kgis:
        return None, "no KGI", "KGIがありません", implied
    kgi = next((k for k in tree.kgis if tree.nodes[k].formula is not None), None)
    if kgi is None:
        return (
            None,
            "the KGI has no formula to decompose",
            "KGIに分解できる計算式がありません",
            implied,
        )
    if nodes[kgi].actual is None:  # not "no miss": there is nothing to compare yet
        name_en, name_ja = tree.nodes[kgi].name("en"), tree.nodes[kgi].name("ja")
        return (
            None,
            f"no data for the KGI '{name_en}' in {period.key}: no gap to decompose",
            f"KGI「{name_ja}」の {period.key} のデータがないため、ギャップを分解できません",
            implied,
        )
    members: dict[str, TreeNode] = {}
    stack = [kgi]
    while stack:
        node_id = stack.pop()
        if node_id in members:
            continue
        node = tree.nodes[node_id]
        formula = node.formula
        members[node_id] = TreeNode(
            name=node_id,
            children=formula.names if formula else (),
            evaluate=formula.evaluate if formula else None,
            kind=_kind(formula) if formula else "other",  # type: ignore[arg-type]
            controllable=node.controllable,
            label_ja=node.name("ja"),
            label_en=node.name("en"),
        )
        stack.extend(formula.names if formula else ())
    fraction = 1.0
    if running:
        pacing = nodes[kgi].pacing
        fraction = pacing.elapsed_fraction if pacing else 1.0
    implied = _implied_leaves(tree, members, nodes)
    members = _prune_unmeasured(kgi, members, nodes, implied)
    actual: dict[str, float] = {}
    target: dict[str, float] = {}
    unmeasured: list[str] = []
    for name, member in members.items():
        if member.children:
            if nodes[name].actual is not None:  # measured parents: the table's values
                actual[name] = nodes[name].actual  # type: ignore[assignment]
            continue
        status = nodes[name]
        if status.commit is None and period.grain is Grain.RANGE:
            return (
                None,
                "targets are planned per calendar period; a range has none to split a gap against",
                "目標は暦の期間ごとに立てるため、任意の範囲にはギャップを分解する目標がありません",
                implied,
            )
        if status.commit is None:
            return (
                None,
                f"'{name}' has no target for {period.key}; the gap cannot be split",
                f"'{name}' に {period.key} の目標がないため、ギャップを分解できません",
                implied,
            )
        scale = fraction if tree.nodes[name].aggregate is Aggregate.SUM else 1.0
        target[name] = status.commit * scale
        if status.actual is not None:
            actual[name] = status.actual
        elif name in implied:
            actual[name] = implied[name]
        else:
            unmeasured.append(name)
            actual[name] = target[name]
    notes: list[tuple[str, str]] = []
    if implied:
        names = ", ".join(sorted(implied))
        notes.append(
            ("implied by measured parents: " + names, "実測の上位ノードから逆算: " + names)
        )
    if unmeasured:
        names = ", ".join(sorted(unmeasured))
        notes.append(
            (
                "not measured, counted as on target: " + names,
                "未計測のため目標どおりとして計算: " + names,
            )
        )
    note = "; ".join(n[0] for n in notes) or None
    note_ja = "／".join(n[1] for n in notes) or None
    direction: Literal["higher", "lower"] = (
        "lower" if tree.nodes[kgi].direction is Direction.LOWER else "higher"
    )
    try:
        decomposition = decompose_gap(
            members, kgi, actual, target, direction=direction, measured_parents=True
        )
    except (DecompositionError, FormulaError, ZeroDivisionError, ValueError) as exc:
        return (
            None,
            f"the gap cannot be decomposed: {exc}",
            f"ギャップを分解できません: {exc}",
            implied,
        )
    return decomposition, note, note_ja, implied


def _prune_unmeasured(
    kgi: str,
    members: dict[str, TreeNode],
    nodes: dict[str, NodeStatus],
    implied: dict[str, float],
) -> dict[str, TreeNode]:
    """Cut the tree at measured nodes whose inputs are not all measured: the measured
    value is better evidence than targets standing in for the missing inputs."""
    from dataclasses import replace

    complete: dict[str, bool] = {}

    def is_complete(name: str) -> bool:
        if name not in complete:
            member = members[name]
            if not member.children:
                complete[name] = nodes[name].actual is not None or name in implied
            else:
                complete[name] = all(is_complete(c) for c in member.children)
        return complete[name]

    kept: dict[str, TreeNode] = {}
    stack = [kgi]
    while stack:
        name = stack.pop()
        if name in kept:
            continue
        member = members[name]
        if (
            member.children
            and name != kgi
            and nodes[name].actual is not None
            and not (is_complete(name))
        ):
            kept[name] = replace(member, children=(), evaluate=None)
            continue
        kept[name] = member
        stack.extend(member.children)
    return kept


def _implied_leaves(
    tree: KpiTree, members: dict[str, TreeNode], nodes: dict[str, NodeStatus]
) -> dict[str, float]:
    """Unmeasured leaves whose value follows from a measured parent and measured siblings
    (leads = visits × cvr with leads and visits measured gives cvr = leads ÷ visits)."""
    implied: dict[str, float] = {}
    for name in members:
        formula = tree.nodes[name].formula
        parent_actual = nodes[name].actual
        if formula is None or parent_actual is None:
            continue
        known = {n: nodes[n].actual for n in formula.names if nodes[n].actual is not None}
        known.update({n: v for n, v in implied.items() if n in formula.names})
        missing = [n for n in formula.names if n not in known]
        if len(missing) != 1 or members[missing[0]].children:
            continue
        try:
            implied[missing[0]] = formula.solve_for(
                missing[0], parent_actual, {k: float(v) for k, v in known.items() if v is not None}
            )
        except FormulaError:
            continue
    return implied


def _by_dimension(
    tree: KpiTree, warehouse: SqlWarehouse, period: Period, dimension: str, as_of: date
) -> DimensionValues:
    skipped: list[str] = []
    rows = period_values(tree, warehouse, [period], as_of, dimension, skipped)
    measured = [n for n, node in tree.nodes.items() if node.metric and node.metric.type != "manual"]
    if skipped and len(skipped) >= len(measured):
        raise UserError(
            f"no node can be split by '{dimension}'", hint=skipped[0].split(": ", 1)[-1]
        )
    values: dict[str, dict[str, float | None]] = {}
    cells: dict[str, dict[str, Cell]] = {}
    flags: dict[tuple[str, str], list[BenchmarkFlag]] = {}
    for (node_id, _, value_name), row in sorted(rows.items()):
        if node_id not in tree.nodes:
            continue
        values.setdefault(node_id, {})[value_name] = row["value"]
        cells.setdefault(node_id, {})[value_name] = Cell(
            row["value"], row["numerator"], row["denominator"]
        )
        found = check_benchmarks(
            BUILTIN_BENCHMARKS,
            tree.nodes[node_id].spec.benchmark or node_id,
            row["value"],
            {dimension: value_name},
        )
        if found:
            flags[(node_id, value_name)] = found
    return DimensionValues(dimension, values, flags, cells, skipped)


def default_period(as_of: date, grain: Grain = Grain.MONTH) -> Period:
    from ikkan.model.periods import period_containing

    return period_containing(as_of, grain)
