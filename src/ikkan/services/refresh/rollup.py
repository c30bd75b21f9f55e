"""Additive metrics measured once per day and dimension, then rolled up to every grain.

A metric that is a function of sums (``compute.parts.is_additive``) is measured as its
day parts per value of each dimension (the whole is the sum over the first dimension's
values, each fact having exactly one, since ``leads.lead_key`` is unique; a metric no
dimension can split is measured whole). Every node's parts come from one UNION ALL
statement, and ``compute.rollup`` rolls them up to every grain in Arrow.

The parts are kept in ``ikkan_refresh_daily`` (the refresh's own table, like its mark), so
an incremental refresh queries only the days from a node's touched day on, reads the
earlier days of the periods it recomputes from the table, and rolls those periods up again.
Values are then bit-identical to a full refresh's as long as the SQL sums of one day are
(always for counts; amounts are floats summed by the engine).
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.compute.parts import PART_COLUMNS
from ikkan.compute.rollup import RollupSpec, rollup_nodes
from ikkan.compute.scope import NO_DIMENSION
from ikkan.errors import UserError
from ikkan.model.canonical import Column, ColumnType, Table
from ikkan.model.metrics import AnyMetric
from ikkan.model.periods import period_containing
from ikkan.services.refresh.derive import kpi_schema
from ikkan.services.refresh.phases import Phases
from ikkan.services.refresh.sql import SqlCache
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
"""Made without its primary key (unique by construction: one row per node, dimension
value and day of one statement's result): keeping an index of 100k+ rows up to date on
every write cost more than the writes."""
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
    phase: Phases = field(default_factory=Phases)


@dataclass(frozen=True)
class _Plan:
    node_id: str
    metric: AnyMetric
    queries: tuple[tuple[str, str], ...]  # (dimension, SQL of its day parts)
    totals_from: str  # the dimension whose values sum to the whole ('' : measured whole)


def measure(
    session: Session, run: PartsRun, nodes: list[tuple[str, AnyMetric]]
) -> dict[str, pa.Table]:
    """Query the nodes' day parts (each from its touched day, incremental) in one
    statement, keep them for ``store``, and return each node's kpi_values rows (the
    earlier days of its recomputed periods read from the stored parts)."""
    with run.phase("parts sql"):
        plans = [_plan(session, run, node_id, metric) for node_id, metric in nodes]
    if not plans:
        return {}
    with run.phase("parts query"):
        fresh = _query(session, run, plans)
    run.fresh.append(fresh)
    run.measured.extend(p.node_id for p in plans)
    days = fresh
    if run.since is not None:
        with run.phase("parts stored"):
            days = pa.concat_tables([_stored(session, run, plans), fresh])
    specs = {
        p.node_id: RollupSpec(
            p.metric, p.totals_from, run.since.get(p.node_id) if run.since is not None else None
        )
        for p in plans
    }
    with run.phase("rollup"):
        rolled = rollup_nodes(
            days, specs, grains=run.grains, fiscal_year_start=run.fy_start, as_of=run.as_of
        )
    out = {}
    for node_id, table in rolled.items():
        n = table.num_rows
        rows = table.append_column("node_id", pa.array([node_id] * n, pa.string()))
        rows = rows.append_column("computed_at", pa.array([run.stamp] * n, pa.timestamp("us")))
        out[node_id] = rows.select(kpi_schema().names).cast(kpi_schema())
    return out


def _plan(session: Session, run: PartsRun, node_id: str, metric: AnyMetric) -> _Plan:
    """The SQL of the node's day parts, per dimension it can be split by (or whole)."""
    tables, key = run.tables_for(metric)

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
    queries = []
    for dimension in run.dimensions:
        split = compiled(dimension)
        if split.sql is None:
            run.skipped.append(f"{node_id} × {dimension}: {split.error}")
        else:
            queries.append((dimension, split.sql))
    if not queries:
        return _Plan(node_id, metric, ((NO_DIMENSION, whole.sql),), NO_DIMENSION)
    return _Plan(node_id, metric, tuple(queries), queries[0][0])


def _query(session: Session, run: PartsRun, plans: list[_Plan]) -> pa.Table:
    """Every plan's day parts in one UNION ALL (from each node's touched day)."""
    types = session.warehouse.TYPE_NAMES
    text, number, day = (
        types[ColumnType.STRING],
        types[ColumnType.FLOAT64],
        types[ColumnType.DATE],
    )
    branches: list[str] = []
    params: list[Any] = []
    for plan in plans:
        first_day = run.since.get(plan.node_id) if run.since is not None else None
        for dimension, sql in plan.queries:
            parts = ", ".join(f"CAST(q.{p} AS {number}) AS {p}" for p in PART_COLUMNS)
            branch = (
                f"SELECT CAST(? AS {text}) AS node_id, CAST(? AS {text}) AS dimension, "
                f"CAST(q.dimension_value AS {text}) AS dimension_value, "
                f"CAST(q.day AS {day}) AS day, {parts} FROM ({sql}) AS q"
            )
            params += [plan.node_id, dimension]
            if first_day is not None:
                branch += f" WHERE q.day >= CAST(? AS {day})"
                params.append(first_day)
            branches.append(branch)
    result = session.query_planned_once(" UNION ALL ".join(branches), params)
    run.queries += 1
    if result.num_rows == 0:
        return daily_schema().empty_table()
    return result.select(DAILY.column_names).cast(daily_schema())


def _stored(session: Session, run: PartsRun, plans: list[_Plan]) -> pa.Table:
    """The stored day parts of the recomputed periods before each node's touched day."""
    assert run.since is not None
    firsts = {p.node_id: run.since[p.node_id] for p in plans}
    floor = min(
        period_containing(day, g, run.fy_start).start for day in firsts.values() for g in run.grains
    )
    table = session.query(
        f"SELECT {_COLUMNS} FROM {DAILY.name} WHERE day >= ? AND day < ?",
        [floor, max(firsts.values())],
    )
    run.queries += 1
    table = table.select(DAILY.column_names).cast(daily_schema())
    nodes = pa.array(list(firsts), pa.string())
    at = pc.index_in(table.column("node_id"), value_set=nodes)
    before = pc.take(pa.array(list(firsts.values()), pa.date32()), at)
    return table.filter(pc.fill_null(pc.less(table.column("day"), before), False))


def has_table(session: Session) -> bool:
    """Whether day parts were stored (an incremental refresh needs them)."""
    return session.table_exists(DAILY.name)


def store(session: Session, run: PartsRun) -> None:
    """Replace the stored day parts with the fresh ones (only the days recomputed, when
    incremental); inside the refresh's write transaction."""
    types = session.warehouse.TYPE_NAMES
    if run.since is None:  # dropped, not emptied: a delete of every row costs more
        session.execute(f"DROP TABLE IF EXISTS {DAILY.name}")
        session.execute(ddl.create_table_sql(DAILY, types, primary_key=False))
    else:
        session.execute(ddl.create_table_sql(DAILY, types, primary_key=False))
        # one statement per touched day (usually one), not one per node
        by_day: dict[date, list[str]] = {}
        for node_id in run.measured:
            by_day.setdefault(run.since[node_id], []).append(node_id)
        for day, ids in sorted(by_day.items()):
            marks = ", ".join("?" for _ in ids)
            session.execute(
                f"DELETE FROM {DAILY.name} WHERE node_id IN ({marks}) AND day >= ?", [*ids, day]
            )
    data = pa.concat_tables(run.fresh) if run.fresh else daily_schema().empty_table()
    if data.num_rows:
        session.insert_arrow(DAILY, data)
