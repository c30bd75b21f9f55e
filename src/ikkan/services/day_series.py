"""One measured node by day, computed when asked: refresh does not store the day grain
(it would add most of a full refresh's time and triple kpi_values for a chart few open),
so the trend page's ``grain=day`` compiles the node's metric at the day grain and runs it
on the project's warehouse for the days shown (one query, kept per snapshot by the page).

A formula node has no metric to compile; it is refused with a hint (its inputs have days).
"""

from __future__ import annotations

from datetime import date

from ikkan.errors import UserError
from ikkan.model.periods import Grain
from ikkan.model.tree import KpiTree
from ikkan.services.series import SeriesPoint
from ikkan.warehouse.base import SqlWarehouse

MAX_DAYS = 400  # one chart's worth of days; a longer span shows its last days


def day_points(
    warehouse: SqlWarehouse,
    tree: KpiTree,
    node_id: str,
    start: date,
    end: date,
    as_of: date,
    where: tuple[str, str] | None = None,
) -> list[SeriesPoint]:
    """``node_id`` per day from ``start`` to ``min(end, as_of)`` (days without a value
    are left out, as the stored grains leave them out); ``where`` keeps one dimension
    value's days."""
    from ikkan.compute import compile_metric, to_sql

    node = tree.nodes[node_id]
    metric = node.metric
    if metric is None or metric.type == "manual":
        inputs = ", ".join(node.formula.names) if node.formula else ""
        raise UserError(
            f"'{node_id}' is not measured from imported rows, so it has no day values",
            hint=f"ask for a week or a month, or a day chart of its inputs ({inputs})"
            if inputs
            else "ask for a week or a month",
        )
    last = min(end, as_of)
    first = max(start, date.fromordinal(last.toordinal() - MAX_DAYS + 1))
    expr = compile_metric(
        metric,
        grain=Grain.DAY,
        dimension=where[0] if where else None,
        stages=tuple(s.id for s in tree.spec.funnel.stages),
        fiscal_year_start=tree.spec.company.fiscal_year_start,
        as_of=as_of,
        node_id=node_id,
    )
    expr = expr.filter((expr.period_start >= first) & (expr.period_start <= last))
    if where is not None:
        expr = expr.filter(expr.dimension_value == where[1])
    rows = warehouse.query(to_sql(expr, warehouse.NAME)).to_pylist()
    points = [
        SeriesPoint(
            period=str(r["period"]),
            start=r["period_start"],
            end=r["period_end"],
            dimension_value=str(r["dimension_value"] or ""),
            value=r["value"],
            numerator=r["numerator"],
            denominator=r["denominator"],
            maturing=bool(r["maturing"]),
        )
        for r in rows
    ]
    return sorted(points, key=lambda p: p.start)
