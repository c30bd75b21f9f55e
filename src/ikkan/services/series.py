"""A node period by period (``ikkan status --series``, the dashboard's trend API): the
stored kpi_values of one node at one grain, optionally split by a dimension and limited
to the periods overlapping a span of days.

Points come in period order; each carries the counts behind it (numerator, denominator)
and whether it is still maturing, as ``status`` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ikkan.errors import UserError, did_you_mean
from ikkan.model.periods import GRAIN_ORDER
from ikkan.model.tree import KpiTree
from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    start: date
    end: date
    dimension_value: str  # '' without a dimension
    value: float | None
    numerator: float | None
    denominator: float | None
    maturing: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "dimension_value": self.dimension_value,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "maturing": self.maturing,
        }


@dataclass
class Series:
    node: str
    grain: str
    dimension: str  # '' without one
    points: list[SeriesPoint] = field(default_factory=list)

    def periods(self) -> list[str]:
        return list(dict.fromkeys(p.period for p in self.points))

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "grain": self.grain,
            "dimension": self.dimension or None,
            "points": [p.to_dict() for p in self.points],
        }


def read_series(
    tree: KpiTree,
    warehouse: SqlWarehouse,
    node_id: str,
    *,
    grain: str,
    dimension: str = "",
    stored_grains: list[str],
    stored_dimensions: list[str],
    start: date | None = None,
    end: date | None = None,
) -> Series:
    """``node_id`` at ``grain`` (and ``dimension``) in every stored period, or in those
    overlapping ``start`` … ``end`` (so ``ALL`` keeps the period still running)."""
    if node_id not in tree.nodes:
        raise UserError(
            f"unknown node '{node_id}'",
            hint=did_you_mean(node_id, tree.nodes) or "see 'ikkan plan' for ids",
        )
    if grain not in stored_grains:
        known = [str(g) for g in GRAIN_ORDER]
        raise UserError(
            f"refresh does not compute the grain '{grain}'",
            hint=(did_you_mean(grain, known) or "")
            + f" computed: {', '.join(stored_grains)} (measure.grains in ikkan.yml)",
        )
    if dimension and dimension not in stored_dimensions:
        raise UserError(
            f"refresh does not compute a breakdown by '{dimension}'",
            hint="add it to measure.dimensions in ikkan.yml; computed: "
            + (", ".join(stored_dimensions) or "none"),
        )
    sql = (
        "SELECT period, period_start, period_end, dimension_value, value, numerator, "
        "denominator, maturing FROM kpi_values "
        "WHERE node_id = ? AND grain = ? AND dimension = ?"
    )
    params: list[Any] = [node_id, grain, dimension]
    if start is not None:  # periods overlapping start … end (a running one included)
        sql += " AND period_end >= ?"
        params.append(start)
    if end is not None:
        sql += " AND period_start <= ?"
        params.append(end)
    sql += " ORDER BY period_start, dimension_value"
    rows = warehouse.query(sql, params).to_pylist()
    points = [
        SeriesPoint(
            r["period"],
            r["period_start"],
            r["period_end"],
            r["dimension_value"],
            r["value"],
            r["numerator"] if r["denominator"] is not None else None,
            r["denominator"],
            bool(r["maturing"]),
        )
        for r in rows
    ]
    return Series(node_id, grain, dimension, points)
