"""KPI value rows: measured results shaped as kpi_values, formula nodes derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ikkan.model.canonical import KPI_VALUES
from ikkan.model.formulas import FormulaError
from ikkan.model.tree import KpiTree

ValueKey = tuple[str, str, str, str, str]  # node, grain, period, dimension, dimension value


def kpi_schema() -> pa.Schema:
    from ikkan.warehouse.arrow_schema import arrow_schema

    return arrow_schema(KPI_VALUES)


@dataclass
class ValueBook:
    """Every known value by key, and each period's start and end, for deriving formulas."""

    values: dict[ValueKey, float | None] = field(default_factory=dict)
    periods: dict[tuple[str, str], tuple[date, date]] = field(default_factory=dict)

    def add(self, node_id: str, table: pa.Table) -> None:
        """Add kpi_values-shaped rows of ``node_id`` (the table may hold other columns)."""
        columns = ["grain", "period", "dimension", "dimension_value", "value"]
        columns += ["period_start", "period_end"]
        data = table.select(columns).to_pydict()
        for grain, period, dim, dim_value, value, start, end in zip(
            *(data[c] for c in columns), strict=True
        ):
            self.values[(node_id, grain, period, dim, dim_value)] = value
            self.periods[(grain, period)] = (start, end)

    def drop_from(self, node_id: str, day: date) -> None:
        """Forget the values of ``node_id`` in periods ending on or after ``day``."""
        stale = [k for k in self.values if k[0] == node_id and self.periods[(k[1], k[2])][1] >= day]
        for key in stale:
            del self.values[key]


def as_kpi_rows(
    result: pa.Table,
    node_id: str,
    grain: str | pa.ChunkedArray,
    dimension: str | pa.ChunkedArray,
    stamp: datetime,
) -> pa.Table:
    """A compiled metric's result as kpi_values rows (``grain`` and ``dimension``: one for
    every row, or a column of the result)."""
    n = result.num_rows

    def constant(value: str | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        return pa.array([value] * n, pa.string()) if isinstance(value, str) else value

    columns = {
        "node_id": pa.array([node_id] * n, pa.string()),
        "grain": constant(grain),
        "period": result.column("period").cast(pa.string()),
        "period_start": result.column("period_start").cast(pa.date32()),
        "period_end": result.column("period_end").cast(pa.date32()),
        "dimension": constant(dimension),
        "dimension_value": result.column("dimension_value").cast(pa.string()),
        "value": result.column("value").cast(pa.float64()),
        "numerator": result.column("numerator").cast(pa.float64()),
        "denominator": result.column("denominator").cast(pa.float64()),
        "maturing": result.column("maturing").cast(pa.bool_()),
        "computed_at": pa.array([stamp] * n, pa.timestamp("us")),
    }
    return pa.table(columns).cast(kpi_schema())


def derive(
    tree: KpiTree,
    derived: list[str],
    book: ValueBook,
    stamp: datetime,
    since: dict[str, date] | None = None,
) -> list[dict[str, Any]]:
    """Formula nodes from their inputs, wherever every input has a value.

    ``derived`` is in tree order (inputs first); with ``since``, a node's rows are kept
    only for periods ending on or after its day (its earlier values did not change).
    """
    rows: list[dict[str, Any]] = []
    slots = sorted({(k[1], k[2], k[3], k[4]) for k in book.values})
    for node_id in derived:
        formula = tree.nodes[node_id].formula
        assert formula is not None
        first_day = since.get(node_id) if since is not None else None
        for grain, period, dimension, dimension_value in slots:
            inputs: dict[str, float] = {}
            for name in formula.names:
                value = book.values.get((name, grain, period, dimension, dimension_value))
                if value is None:
                    break
                inputs[name] = value
            else:
                try:
                    result: float | None = formula.evaluate(inputs)
                except FormulaError:
                    result = None
                book.values[(node_id, grain, period, dimension, dimension_value)] = result
                start, end = book.periods[(grain, period)]
                if first_day is not None and end < first_day:
                    continue
                rows.append(
                    {
                        "node_id": node_id,
                        "grain": grain,
                        "period": period,
                        "period_start": start,
                        "period_end": end,
                        "dimension": dimension,
                        "dimension_value": dimension_value,
                        "value": result,
                        "numerator": None,
                        "denominator": None,
                        "maturing": False,
                        "computed_at": stamp,
                    }
                )
    return rows
