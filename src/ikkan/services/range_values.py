"""Values of a custom range or of all time, measured when asked (refresh stores calendar
periods only): every measured node compiled for the one span and run, formula nodes
derived from them, shaped as kpi_values rows so ``status`` reads them like stored ones.

A ``manual`` node has no value for a range (its values are entered per period).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ikkan.compute import MetricCompileError, Span, business_days, compile_metric, to_sql
from ikkan.errors import UserError
from ikkan.model.periods import Grain, Period
from ikkan.model.tree import KpiTree
from ikkan.services.refresh.derive import ValueBook, as_kpi_rows, derive
from ikkan.warehouse.base import SqlWarehouse

RowKey = tuple[str, str, str]  # node, period key, dimension value


def earliest_data_day(warehouse: SqlWarehouse) -> date | None:
    """The first day any fact was recorded (the start of ``ALL``)."""
    table = warehouse.query(
        "SELECT min(d) AS d FROM ("
        " SELECT CAST(min(entered_at) AS DATE) AS d FROM lead_stages"
        " UNION ALL SELECT CAST(min(created_at) AS DATE) FROM deals"
        " UNION ALL SELECT CAST(min(closed_at) AS DATE) FROM deals"
        " UNION ALL SELECT min(day) FROM spend"
        " UNION ALL SELECT min(day) FROM web_traffic"
        " UNION ALL SELECT CAST(min(occurred_at) AS DATE) FROM activities) AS days"
    )
    value = table.column("d")[0].as_py() if table.num_rows else None
    return value if isinstance(value, date) else None


def measure_ranges(
    tree: KpiTree,
    warehouse: SqlWarehouse,
    periods: list[Period],
    *,
    as_of: date,
    dimension: str = "",
    skipped: list[str] | None = None,
) -> dict[RowKey, dict[str, Any]]:
    """kpi_values-shaped rows of every node for each range in ``periods``, by (node,
    period key, dimension value); a node without data in a range has no row. A node whose
    metric cannot be split by ``dimension`` has no rows either, and ``skipped`` gets
    "node: why" (as refresh reports it); without a dimension that is an error."""
    spec = tree.spec
    stages = tuple(s.id for s in spec.funnel.stages)
    metrics = [n.metric for n in tree.nodes.values() if n.metric is not None]
    if business_days.needed(list(metrics)):
        with warehouse.reading() as session:
            ready = session.table_exists(business_days.BUSINESS_DAYS.name)
        if not ready:
            raise UserError(
                "velocity in business days reads the day numbers refresh writes",
                hint="run 'ikkan refresh' first",
            )
    stamp = datetime.now().replace(microsecond=0)
    book = ValueBook()
    tables: list[pa.Table] = []
    # one connection for every query (opening a DuckDB file costs more than a query)
    with warehouse.reading() as session:
        for period in periods:
            if period.grain is not Grain.RANGE:
                raise ValueError(f"{period.key} is not a range")
            span = Span(period.start, period.end, period.key)
            for node_id in tree.order:
                metric = tree.nodes[node_id].metric
                if metric is None or metric.type == "manual":
                    continue
                try:
                    expr = compile_metric(
                        metric,
                        grain=Grain.RANGE,
                        dimension=dimension or None,
                        stages=stages,
                        fiscal_year_start=spec.company.fiscal_year_start,
                        as_of=as_of,
                        node_id=node_id,
                        span=span,
                    )
                except MetricCompileError as exc:
                    if not dimension:
                        raise
                    if skipped is not None and period is periods[0]:
                        skipped.append(f"{node_id}: {exc.message}")
                    continue
                result = session.query(to_sql(expr, warehouse.NAME))
                rows = as_kpi_rows(result, node_id, str(Grain.RANGE), dimension, stamp)
                book.add(node_id, rows)
                tables.append(rows)
    derived = [n for n in tree.order if tree.nodes[n].metric is None and tree.nodes[n].formula]
    out: dict[RowKey, dict[str, Any]] = {}
    for table in tables:
        for row in table.to_pylist():
            out[(row["node_id"], row["period"], row["dimension_value"])] = row
    for row in derive(tree, derived, book, stamp):
        out[(row["node_id"], row["period"], row["dimension_value"])] = row
    return out
