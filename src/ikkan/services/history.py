# ruff: noqa: S608 - SQL text holds only "?" placeholders; values are parameters
"""A node's values over time (the last N periods of a grain), read from kpi_values."""

from __future__ import annotations

from datetime import date
from typing import Any

from ikkan.warehouse.base import SqlWarehouse


def history(
    warehouse: SqlWarehouse,
    grain: str,
    *,
    upto: date,
    last: int = 12,
    nodes: list[str] | None = None,
    where: tuple[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """node → its rows (period, period_start, period_end, value, maturing), oldest first:
    the ``last`` periods of ``grain`` starting on or before ``upto``."""
    dimension, value = where or ("", "")
    params: list[Any] = [grain, dimension, value, upto]
    node_filter = ""
    if nodes:
        node_filter = " AND node_id IN (" + ", ".join("?" for _ in nodes) + ")"
        params.extend(nodes)
    params.append(last)
    sql = (
        "SELECT node_id, period, period_start, period_end, value, maturing FROM ("
        " SELECT node_id, period, period_start, period_end, value, maturing,"
        " row_number() OVER (PARTITION BY node_id ORDER BY period_start DESC) AS k"
        " FROM kpi_values WHERE grain = ? AND dimension = ? AND dimension_value = ?"
        " AND period_start <= ?" + node_filter + ") AS recent WHERE k <= ?"
        " ORDER BY node_id, period_start"
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for row in warehouse.query(sql, params).to_pylist():
        out.setdefault(row.pop("node_id"), []).append(row)
    return out
