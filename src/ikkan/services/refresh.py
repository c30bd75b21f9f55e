"""``ikkan refresh``: every node of the tree, every period and dimension, into kpi_values.

1. Nodes with a ``metric:`` are compiled (compute/) to SQL in the warehouse's dialect and
   run there, once per grain and dimension.
2. Nodes with only a ``formula:`` are derived from their inputs' values, period by period
   and dimension value by dimension value (a ratio of two measured counts stays exact).
3. All rows replace kpi_values in one transaction: a failed refresh leaves the previous
   values readable.

Incremental: a refresh records the last import it saw; when nothing was imported since and
the tree did not change, it does nothing (``--full`` forces it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ikkan.compute import compile_metric, to_sql
from ikkan.compute.scope import MetricCompileError
from ikkan.errors import UserError
from ikkan.model.canonical import KPI_VALUES
from ikkan.model.formulas import FormulaError
from ikkan.model.tree import KpiTree
from ikkan.warehouse.base import SqlWarehouse

STATE_TABLE = "ikkan_refresh_state"
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class RefreshReport:
    rows: int = 0
    nodes_measured: int = 0
    nodes_derived: int = 0
    skipped: list[str] = field(default_factory=list)  # "node × dimension: why"
    seconds: float = 0.0
    up_to_date: bool = False
    last_import_id: int | None = None


def tree_fingerprint(tree: KpiTree, grains: list[str], dimensions: list[str]) -> str:
    parts = {
        node_id: [
            node.metric.model_dump(mode="json", by_alias=True) if node.metric else None,
            node.formula.text if node.formula else None,
        ]
        for node_id, node in sorted(tree.nodes.items())
    }
    payload = json.dumps(
        [
            parts,
            grains,
            dimensions,
            [s.id for s in tree.spec.funnel.stages],
            tree.spec.company.fiscal_year_start,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _state(warehouse: SqlWarehouse) -> tuple[int | None, str | None]:
    with warehouse.transaction() as session:
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
            "(id INTEGER PRIMARY KEY, last_import_id BIGINT, fingerprint VARCHAR, "
            "refreshed_at TIMESTAMP)"
        )
        rows = session.query(
            f"SELECT last_import_id, fingerprint FROM {STATE_TABLE} WHERE id = 1"  # noqa: S608
        ).to_pylist()
    if not rows:
        return None, None
    return rows[0]["last_import_id"], rows[0]["fingerprint"]


def _save_state(warehouse: SqlWarehouse, last_import: int | None, fingerprint: str) -> None:
    with warehouse.transaction() as session:
        session.execute(f"DELETE FROM {STATE_TABLE} WHERE id = 1")  # noqa: S608
        session.execute(
            f"INSERT INTO {STATE_TABLE} VALUES (1, ?, ?, ?)",  # noqa: S608
            [last_import, fingerprint, datetime.now().replace(microsecond=0)],
        )


def last_import_id(warehouse: SqlWarehouse) -> int | None:
    value = warehouse.query("SELECT max(import_id) AS m FROM import_log WHERE status = 'ok'")
    return value.column("m")[0].as_py() if value.num_rows else None


def latest_data_day(warehouse: SqlWarehouse) -> date | None:
    """The last day any fact was recorded (stage entries, closed deals, spend, traffic)."""
    table = warehouse.query(
        "SELECT max(d) AS d FROM ("
        " SELECT CAST(max(entered_at) AS DATE) AS d FROM lead_stages"
        " UNION ALL SELECT CAST(max(closed_at) AS DATE) FROM deals WHERE is_closed"
        " UNION ALL SELECT max(day) FROM spend"
        " UNION ALL SELECT max(day) FROM web_traffic) AS days"
    )
    value = table.column("d")[0].as_py() if table.num_rows else None
    return value if isinstance(value, date) else None


def refresh(
    tree: KpiTree,
    warehouse: SqlWarehouse,
    *,
    as_of: date,
    grains: list[str],
    dimensions: list[str],
    full: bool = False,
    progress: Progress | None = None,
    computed_at: datetime | None = None,
) -> RefreshReport:
    started = time.perf_counter()
    report = RefreshReport()
    fingerprint = tree_fingerprint(tree, grains, dimensions) + as_of.isoformat()
    seen_import, seen_fingerprint = _state(warehouse)
    newest = last_import_id(warehouse)
    report.last_import_id = newest
    if not full and seen_fingerprint == fingerprint and seen_import == newest:
        report.up_to_date = True
        report.seconds = time.perf_counter() - started
        return report
    stamp = computed_at or datetime.now().replace(microsecond=0)
    measured = [n for n in tree.order if tree.nodes[n].metric is not None]
    derived = [
        n for n in tree.order if tree.nodes[n].metric is None and tree.nodes[n].formula is not None
    ]
    total = len(measured) * len(grains) * (1 + len(dimensions)) + len(derived)
    done = 0
    tables: list[pa.Table] = []
    values: dict[tuple[str, str, str, str, str], float | None] = {}
    periods: dict[tuple[str, str], tuple[Any, Any]] = {}
    stages = tuple(s.id for s in tree.spec.funnel.stages)
    fy_start = tree.spec.company.fiscal_year_start
    for node_id in measured:
        metric = tree.nodes[node_id].metric
        assert metric is not None
        for grain in grains:
            for dimension in [None, *dimensions]:
                done += 1
                if progress:
                    progress(node_id, done, total)
                try:
                    expr = compile_metric(
                        metric,
                        grain=grain,
                        dimension=dimension,
                        stages=stages,
                        fiscal_year_start=fy_start,
                        as_of=as_of,
                        node_id=node_id,
                    )
                except MetricCompileError as exc:
                    if dimension is None:
                        raise UserError(f"node '{node_id}': {exc.message}", hint=exc.hint) from None
                    report.skipped.append(f"{node_id} × {dimension}: {exc.message}")
                    continue
                result = warehouse.query(to_sql(expr, warehouse.NAME, pretty=False))
                table = _as_kpi_rows(result, node_id, grain, dimension or "", stamp)
                tables.append(table)
                for row in table.select(
                    [
                        "grain",
                        "period",
                        "dimension",
                        "dimension_value",
                        "value",
                        "period_start",
                        "period_end",
                    ]
                ).to_pylist():
                    key = (
                        node_id,
                        row["grain"],
                        row["period"],
                        row["dimension"],
                        row["dimension_value"],
                    )
                    values[key] = row["value"]
                    periods[(row["grain"], row["period"])] = (
                        row["period_start"],
                        row["period_end"],
                    )
        report.nodes_measured += 1
    derived_rows = _derive(tree, derived, values, periods, stamp)
    report.nodes_derived = len({r["node_id"] for r in derived_rows})
    if derived_rows:
        tables.append(pa.Table.from_pylist(derived_rows, schema=_schema()))
    if progress:
        progress("write", total, total)
    data = pa.concat_tables(tables) if tables else _schema().empty_table()
    warehouse.replace_kpi_values(data, {})
    _save_state(warehouse, newest, fingerprint)
    report.rows = data.num_rows
    report.seconds = time.perf_counter() - started
    return report


def _schema() -> pa.Schema:
    from ikkan.warehouse.arrow_schema import arrow_schema

    return arrow_schema(KPI_VALUES)


def _as_kpi_rows(
    result: pa.Table, node_id: str, grain: str, dimension: str, stamp: datetime
) -> pa.Table:
    n = result.num_rows
    columns = {
        "node_id": pa.array([node_id] * n, pa.string()),
        "grain": pa.array([grain] * n, pa.string()),
        "period": result.column("period").cast(pa.string()),
        "period_start": result.column("period_start").cast(pa.date32()),
        "period_end": result.column("period_end").cast(pa.date32()),
        "dimension": pa.array([dimension] * n, pa.string()),
        "dimension_value": result.column("dimension_value").cast(pa.string()),
        "value": result.column("value").cast(pa.float64()),
        "numerator": result.column("numerator").cast(pa.float64()),
        "denominator": result.column("denominator").cast(pa.float64()),
        "maturing": result.column("maturing").cast(pa.bool_()),
        "computed_at": pa.array([stamp] * n, pa.timestamp("us")),
    }
    return pa.table(columns).cast(_schema())


def _derive(
    tree: KpiTree,
    derived: list[str],
    values: dict[tuple[str, str, str, str, str], float | None],
    periods: dict[tuple[str, str], tuple[Any, Any]],
    stamp: datetime,
) -> list[dict[str, Any]]:
    """Formula nodes from their inputs, wherever every input has a value."""
    rows: list[dict[str, Any]] = []
    slots = {(k[1], k[2], k[3], k[4]) for k in values}
    for node_id in derived:  # tree.order: inputs first
        formula = tree.nodes[node_id].formula
        assert formula is not None
        for grain, period, dimension, dimension_value in sorted(slots):
            inputs: dict[str, float] = {}
            for name in formula.names:
                value = values.get((name, grain, period, dimension, dimension_value))
                if value is None:
                    break
                inputs[name] = value
            else:
                try:
                    result: float | None = formula.evaluate(inputs)
                except FormulaError:
                    result = None
                values[(node_id, grain, period, dimension, dimension_value)] = result
                start, end = periods[(grain, period)]
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
