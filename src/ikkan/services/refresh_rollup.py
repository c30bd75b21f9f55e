"""Additive metrics measured once per day and dimension, then rolled up to every grain.

A metric that is a function of sums (``compute.parts.is_additive``) is measured by one
query per dimension giving its day parts (the whole is the sum over the first dimension's
values, each fact having exactly one; a metric no dimension can split is measured whole).
The parts are kept in ``ikkan_refresh_daily`` (the refresh's own table, like its mark), so
an incremental refresh queries only the days from a node's touched day on, reads the
earlier days of the periods it recomputes from the table, and rolls those periods up again.
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ikkan.compute.parts import PART_COLUMNS
from ikkan.compute.rollup import rollup
from ikkan.compute.scope import NO_DIMENSION
from ikkan.errors import UserError
from ikkan.model.canonical import Column, ColumnType, Table
from ikkan.model.metrics import AnyMetric
from ikkan.model.periods import period_containing
from ikkan.services.refresh_derive import kpi_schema
from ikkan.services.refresh_sql import SqlCache
from ikkan.warehouse import ddl
from ikkan.warehouse.base import Session

DAILY = Table(
    "ikkan_refresh_daily",
    (
        Column("node_id", ColumnType.STRING, False),
        Column("dimension", ColumnType.STRING, False),
        Column("dimension_value", ColumnType.STRING, False),
        Column("day", ColumnType.DATE, False),
        Column("p1", ColumnType.FLOAT64),
        Column("p2", ColumnType.FLOAT64),
        Column("p3", ColumnType.FLOAT64),
    ),
    ("node_id", "dimension", "dimension_value", "day"),
    "per additive node, dimension value and day: the parts its values are rolled up from",
)
_COLUMNS = ", ".join(DAILY.column_names)


def daily_schema() -> pa.Schema:
    from ikkan.warehouse.arrow_schema import arrow_schema

    return arrow_schema(DAILY)


@dataclass
class PartsRun:
    """What the parts of every additive node are measured with."""

    cache: SqlCache
    stages: tuple[str, ...]
    fy_start: int
    as_of: date
    grains: list[str]
    dimensions: list[str]
    tables_for: Callable[[AnyMetric], tuple[Callable[[], dict[str, Any]] | None, str]]
    stamp: datetime
    since: dict[str, date] | None = None
    skipped: list[str] = field(default_factory=list)
    queries: int = 0
    fresh: list[pa.Table] = field(default_factory=list)  # day parts measured now
    measured: list[str] = field(default_factory=list)  # nodes whose parts were measured


def measure_node(session: Session, run: PartsRun, node_id: str, metric: AnyMetric) -> pa.Table:
    """Query the node's day parts (from its touched day, incremental), keep them for
    ``store``, and return its kpi_values rows (earlier days read from the table)."""
    tables, key = run.tables_for(metric)
    first_day = run.since.get(node_id) if run.since is not None else None

    def compiled(dimension: str | None) -> Any:
        return run.cache.get(
            metric,
            grain="day",
            dimension=dimension,
            stages=run.stages,
            fiscal_year_start=run.fy_start,
            as_of=run.as_of,
            node_id=node_id,
            dialect=session.warehouse.NAME,
            tables=tables,
            tables_key=key,
            parts=True,
        )

    whole = compiled(None)
    if whole.sql is None:
        raise UserError(f"node '{node_id}': {whole.error}", hint=whole.hint)
    measured: list[pa.Table] = []
    totals_from: str | None = None  # the first dimension the node could be split by
    for dimension in run.dimensions:
        split = compiled(dimension)
        if split.sql is None:
            run.skipped.append(f"{node_id} × {dimension}: {split.error}")
            continue
        measured.append(_query(session, run, split.sql, node_id, dimension, first_day))
        totals_from = totals_from or dimension
    if totals_from is None:
        measured.append(_query(session, run, whole.sql, node_id, None, first_day))
    run.measured.append(node_id)
    fresh = pa.concat_tables(measured)
    run.fresh.append(fresh)
    days = fresh
    if first_day is not None:
        days = pa.concat_tables([_stored(session, node_id, first_day, run), fresh])
    rolled = rollup(
        days.drop_columns(["node_id"]),
        metric,
        grains=run.grains,
        fiscal_year_start=run.fy_start,
        as_of=run.as_of,
        totals_from=totals_from or NO_DIMENSION,
        since=first_day,
    )
    n = rolled.num_rows
    rows = rolled.append_column("node_id", pa.array([node_id] * n, pa.string()))
    rows = rows.append_column("computed_at", pa.array([run.stamp] * n, pa.timestamp("us")))
    return rows.select(kpi_schema().names).cast(kpi_schema())


def _query(
    session: Session,
    run: PartsRun,
    sql: str,
    node_id: str,
    dimension: str | None,
    first_day: date | None,
) -> pa.Table:
    if first_day is None:
        result = session.query(sql)
    else:
        result = session.query(f"SELECT * FROM ({sql}) AS q WHERE q.day >= ?", [first_day])
    run.queries += 1
    n = result.num_rows
    columns = {
        "node_id": pa.array([node_id] * n, pa.string()),
        "dimension": pa.array([dimension or NO_DIMENSION] * n, pa.string()),
        "dimension_value": result.column("dimension_value").cast(pa.string()),
        "day": result.column("day").cast(pa.date32()),
        **{name: result.column(name).cast(pa.float64()) for name in PART_COLUMNS},
    }
    return pa.table(columns, schema=daily_schema())


def _stored(session: Session, node_id: str, first_day: date, run: PartsRun) -> pa.Table:
    """The node's stored day parts of the recomputed periods before ``first_day``."""
    floor = min(period_containing(first_day, g, run.fy_start).start for g in run.grains)
    table = session.query(
        f"SELECT {_COLUMNS} FROM {DAILY.name} WHERE node_id = ? AND day >= ? AND day < ?",
        [node_id, floor, first_day],
    )
    return table.select(DAILY.column_names).cast(daily_schema())


def has_table(session: Session) -> bool:
    """Whether day parts were stored (an incremental refresh needs them)."""
    return session.table_exists(DAILY.name)


def store(session: Session, run: PartsRun) -> None:
    """Replace the stored day parts with the fresh ones (only the days recomputed, when
    incremental); inside the refresh's write transaction."""
    session.execute(ddl.create_table_sql(DAILY, session.warehouse.TYPE_NAMES))
    if run.since is None:
        session.execute(f"DELETE FROM {DAILY.name}")
    else:
        for node_id in run.measured:
            day = run.since[node_id]
            session.execute(
                f"DELETE FROM {DAILY.name} WHERE node_id = ? AND day >= ?", [node_id, day]
            )
    data = pa.concat_tables(run.fresh) if run.fresh else daily_schema().empty_table()
    if data.num_rows:
        session.insert_arrow(DAILY, data)
