"""A node's drill-down by one dimension: which values (channels, campaigns …) moved it.

Targets are planned for the whole, not per dimension value, so each value is compared
with its own value in the comparison period: the same period last year when measured,
otherwise the previous period. Counts and amounts: change per value (they add up).
Ratios with numerator and denominator: rate and mix effects (``drill_down_rate``). When the
node lies in the bottleneck decomposition, changes are also given in KGI units (yen) through
the node's sensitivity ``GapDecomposition.kgi_per_unit``. Reads kpi_values for calendar
periods; a custom range (and its comparison ranges) is measured from the imported rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ikkan.errors import UserError, did_you_mean
from ikkan.model.periods import Period, year_ago
from ikkan.model.periods import shift as shift_period
from ikkan.model.spec import Aggregate
from ikkan.model.tree import KpiTree
from ikkan.model.units import UnitKind
from ikkan.monitor.drilldown import DimensionRow, RateRow, drill_down, drill_down_rate
from ikkan.services.status import StatusReport, period_values
from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class DrillItem:
    value: str
    actual: float | None
    basis: float | None  # the value in the comparison period
    change: float | None  # in the node's unit (rate points for ratios)
    share: float | None  # of the total change (counts / amounts)
    kgi_effect: float | None  # in KGI units, when the node is in the decomposition
    rate_effect: float | None = None
    mix_effect: float | None = None


@dataclass
class NodeDrillDown:
    node: str
    dimension: str
    period: Period
    basis_period: Period | None
    basis: str  # "year_ago", "previous" or "none"
    method: str  # "amount", "rate" or "values"
    direction: str = "higher"
    items: list[DrillItem] = field(default_factory=list)
    note: str | None = None

    @property
    def top(self) -> DrillItem | None:
        """The value that hurt most (first item), when it hurt at all."""
        if not self.items or self.method == "values":
            return None
        first = self.items[0]
        if first.change is None:
            return None
        harmful = first.change < 0 if self.direction == "higher" else first.change > 0
        return first if harmful else None


def node_drill_down(
    tree: KpiTree, warehouse: SqlWarehouse, report: StatusReport, node_id: str, dimension: str
) -> NodeDrillDown:
    if node_id not in tree.nodes:
        raise UserError(f"unknown node '{node_id}'", hint=did_you_mean(node_id, tree.nodes))
    node = tree.nodes[node_id]
    period = report.period
    fy_start = tree.spec.company.fiscal_year_start
    candidates = [("year_ago", year_ago(period, fy_start)), ("previous", shift_period(period, -1))]
    # stored values for calendar periods; a range and its comparison ranges are measured
    rows = period_values(
        tree, warehouse, [period, *(p for _, p in candidates)], report.as_of, dimension
    )
    mine = {k: r for k, r in rows.items() if k[0] == node_id}
    current = {k[2]: r for k, r in mine.items() if k[1] == period.key}
    basis_name, basis_period = "none", None
    basis: dict[str, dict[str, Any]] = {}
    for name, p in candidates:
        found = {k[2]: r for k, r in mine.items() if k[1] == p.key}
        if found:
            basis_name, basis_period, basis = name, p, found
            break
    result = NodeDrillDown(
        node_id, dimension, period, basis_period, basis_name, "values", str(node.direction)
    )
    if not current:
        result.note = "no values by this dimension for the period"
        return result
    names = sorted(set(current) | set(basis))
    direction = str(node.direction)
    scale = None
    d = report.bottleneck
    if d is not None and node_id in d.nodes:
        scale = d.kgi_per_unit(node_id)
    summable = node.aggregate is Aggregate.SUM and not (
        node.unit is not None and node.unit.kind is UnitKind.RATIO
    )
    if not basis:
        result.items = [
            DrillItem(n, current[n]["value"], None, None, None, None) for n in names if n in current
        ]
        result.items.sort(key=lambda i: -(i.actual or 0))
        result.note = "nothing measured in the comparison periods"
        return result
    if not summable:
        if _has_parts(current, basis):
            rate_rows = [
                RateRow(
                    n,
                    _num(current.get(n), "numerator"),
                    _num(current.get(n), "denominator"),
                    _num(basis.get(n), "numerator"),
                    _num(basis.get(n), "denominator"),
                )
                for n in names
            ]
            try:
                rated = drill_down_rate(
                    rate_rows, dimension=dimension, direction=direction, scale=scale
                )
            except ValueError as exc:
                result.note = str(exc)
                return result
            result.method = "rate"
            result.items = [
                DrillItem(
                    e.value,
                    e.actual_rate,
                    e.target_rate,
                    e.total_effect,
                    None,
                    e.kgi_effect,
                    e.rate_effect,
                    e.mix_effect,
                )
                for e in rated.items
            ]
            return result
        result.note = "a ratio without numerator and denominator cannot be split"
        return result
    amount = drill_down(
        [
            DimensionRow(n, _num(current.get(n), "value"), _num(basis.get(n), "value"))
            for n in names
        ],
        dimension=dimension,
        direction=direction,
        scale=scale,
    )
    result.method = "amount"
    result.items = [
        DrillItem(i.value, i.actual, i.target, i.gap, i.share, i.kgi_effect) for i in amount.items
    ]
    return result


def _num(row: dict[str, Any] | None, column: str) -> float:
    if row is None or row.get(column) is None:
        return 0.0
    return float(row[column])


def _has_parts(*groups: dict[str, dict[str, Any]]) -> bool:
    return all(
        r.get("numerator") is not None and r.get("denominator") is not None
        for g in groups
        for r in g.values()
    )
