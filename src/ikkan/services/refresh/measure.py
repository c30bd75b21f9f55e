"""Measuring the nodes with a ``metric:``: day parts rolled up, or SQL per grain.

Additive metrics (``compute.parts.is_additive``: nearly all) are measured once per
dimension at the day grain and rolled up to every grain (``rollup``). The others
(velocity medians, distinct-lead activity counts, manual values) are compiled and run once
per grain and dimension. Incremental: only the nodes with a touched day, each from it.
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ikkan.compute.parts import is_additive
from ikkan.errors import UserError
from ikkan.model.canonical import ColumnType
from ikkan.model.metrics import AnyMetric
from ikkan.model.tree import KpiTree
from ikkan.services.refresh import rollup as refresh_rollup
from ikkan.services.refresh import window as refresh_window
from ikkan.services.refresh.derive import ValueBook, as_kpi_rows
from ikkan.services.refresh.phases import Phases
from ikkan.services.refresh.sql import SqlCache
from ikkan.warehouse.base import Session

Progress = Callable[[str, int, int], None]  # (what, done, total)
Funnel = tuple[Callable[[], dict[str, Any]], str]  # (tables, cache key part)

PARTS_VIEWS = "parts"
"""The name the narrowed views of the day-parts queries go by (beside the grains')."""


@dataclass
class Run:
    tree: KpiTree
    cache: SqlCache
    since: dict[str, date] | None
    stamp: datetime
    as_of: date
    grains: list[str]
    dimensions: list[str]
    funnel: Funnel | None
    floors: dict[str, date]  # incremental: per grain (and PARTS_VIEWS), first day read
    inputs: frozenset[str] | None = None  # nodes formulas read (the book's); None: all
    phase: Phases = field(default_factory=Phases)


@dataclass
class Measured:
    book: ValueBook
    tables: list[pa.Table]
    parts: refresh_rollup.PartsRun
    queries: int
    nodes: int
    skipped: list[str]


def reads_funnel(metric: AnyMetric) -> bool:
    if metric.type in {"stage_count", "conversion", "velocity"}:
        return True
    return metric.type == "cost_per" and getattr(metric, "per", None) == "stage"


def floors(tree: KpiTree, since: dict[str, date] | None, grains: list[str]) -> dict[str, date]:
    """Incremental: the first day facts are read from, per grain for the metrics measured
    per grain, and (``PARTS_VIEWS``) for the day parts; empty when full."""
    fy_start = tree.spec.company.fiscal_year_start
    per_grain: list[date] = []
    parts: list[date] = []
    for node_id, day in (since or {}).items():
        metric = tree.nodes[node_id].metric
        if metric is not None:
            (parts if is_additive(metric) else per_grain).append(day)
    out = refresh_window.floors(min(per_grain), grains, fy_start) if per_grain else {}
    if parts:
        out[PARTS_VIEWS] = min(parts)
    return out


def tables_for(
    funnel: Funnel | None, floors: dict[str, date], views: str
) -> tuple[Callable[[], dict[str, Any]] | None, str]:
    """What a metric compiles against: the canonical tables, the prebuilt funnel, and
    (incremental) the narrowed views ``views`` (a grain or ``PARTS_VIEWS``) of them."""
    base, key = funnel if funnel else (None, "")
    if views not in floors:
        return base, key

    def narrowed() -> dict[str, Any]:
        from ikkan.compute import bind_tables

        return refresh_window.narrowed(base() if base else bind_tables(), views)

    return narrowed, f"{key}|narrowed"


def full_statements(session: Session, run: Run, node_id: str, metric: AnyMetric) -> list[str]:
    """The SQL a full refresh runs for the node (the day parts' or every grain's, whole and
    per dimension; from the SQL cache), to tell which tables it reads."""
    base, key = run.funnel if run.funnel and reads_funnel(metric) else (None, "")
    additive = is_additive(metric)
    out = []
    for grain in ["day"] if additive else run.grains:
        for dimension in [None, *run.dimensions]:
            compiled = run.cache.get(
                metric,
                grain=grain,
                dimension=dimension,
                stages=tuple(s.id for s in run.tree.spec.funnel.stages),
                fiscal_year_start=run.tree.spec.company.fiscal_year_start,
                as_of=run.as_of,
                node_id=node_id,
                dialect=session.warehouse.NAME,
                tables=base,
                tables_key=key,
                parts=additive,
            )
            if compiled.sql is not None:
                out.append(compiled.sql)
    return out


def measure(session: Session, run: Run, progress: Progress | None) -> Measured:
    """Run every measured node's SQL (only the changed periods when ``since`` is given)."""
    tree, since = run.tree, run.since
    nodes = [n for n in tree.order if tree.nodes[n].metric is not None]
    if since is not None:
        nodes = [n for n in nodes if n in since]
    stages = tuple(s.id for s in tree.spec.funnel.stages)
    fy_start = tree.spec.company.fiscal_year_start
    parts = refresh_rollup.PartsRun(
        cache=run.cache,
        stages=stages,
        fy_start=fy_start,
        as_of=run.as_of,
        grains=run.grains,
        dimensions=run.dimensions,
        tables_for=lambda m: tables_for(
            run.funnel if reads_funnel(m) else None, run.floors, PARTS_VIEWS
        ),
        stamp=run.stamp,
        since=since,
        phase=run.phase,
    )
    out = Measured(ValueBook(), [], parts, 0, 0, [])
    additive = []
    for node_id in nodes:
        metric = tree.nodes[node_id].metric
        assert metric is not None
        if is_additive(metric):
            additive.append((node_id, metric))
    if progress and additive:
        progress("day parts", 0, len(nodes))
    for node_id, table in refresh_rollup.measure(session, parts, additive).items():
        out.tables.append(table)
        if run.inputs is None or node_id in run.inputs:
            out.book.add(node_id, table)
    done = len(additive)
    for node_id in nodes:
        metric = tree.nodes[node_id].metric
        assert metric is not None
        if not is_additive(metric):
            done += 1
            if progress:
                progress(node_id, done, len(nodes))
            with run.phase("per-grain nodes"):
                _per_grain(session, run, out, node_id, metric, stages)
    out.nodes = len(nodes)
    out.queries += parts.queries
    out.skipped = list(dict.fromkeys([*parts.skipped, *out.skipped]))
    return out


def _per_grain(
    session: Session,
    run: Run,
    out: Measured,
    node_id: str,
    metric: AnyMetric,
    stages: tuple[str, ...],
) -> None:
    """A non-additive metric: its SQL per grain and dimension, run as one UNION ALL."""
    funnel = run.funnel if reads_funnel(metric) else None
    text = session.warehouse.TYPE_NAMES[ColumnType.STRING]
    branches: list[str] = []
    params: list[Any] = []
    for grain in run.grains:
        # a snapshot reads every deal (one created long ago may still be open): never
        # the narrowed views; the periods kept are still those from the touched day on
        whole = metric.type == "open_pipeline"
        bound, bound_key = tables_for(funnel, {} if whole else run.floors, grain)
        for dimension in [None, *run.dimensions]:
            compiled = run.cache.get(
                metric,
                grain=grain,
                dimension=dimension,
                stages=stages,
                fiscal_year_start=run.tree.spec.company.fiscal_year_start,
                as_of=run.as_of,
                node_id=node_id,
                dialect=session.warehouse.NAME,
                tables=bound,
                tables_key=bound_key,
            )
            if compiled.sql is None:
                if dimension is None:
                    raise UserError(f"node '{node_id}': {compiled.error}", hint=compiled.hint)
                out.skipped.append(f"{node_id} × {dimension}: {compiled.error}")
                continue
            branch = (
                f"SELECT CAST(? AS {text}) AS grain, CAST(? AS {text}) AS dimension, "
                f"{_typed(session)} FROM ({compiled.sql}) AS q"
            )
            params += [grain, dimension or ""]
            if run.since is not None:
                branch += " WHERE q.period_end >= ?"
                params.append(run.since[node_id])
            branches.append(branch)
    result = session.query_planned_once(" UNION ALL ".join(branches), params)
    out.queries += 1
    table = as_kpi_rows(
        result, node_id, result.column("grain"), result.column("dimension"), run.stamp
    )
    out.tables.append(table)
    if run.inputs is None or node_id in run.inputs:
        out.book.add(node_id, table)


def _typed(session: Session) -> str:
    """The compiled columns with their types spelled out (branches of a UNION agree)."""
    names = session.warehouse.TYPE_NAMES
    types = {
        "period": ColumnType.STRING,
        "period_start": ColumnType.DATE,
        "period_end": ColumnType.DATE,
        "dimension_value": ColumnType.STRING,
        "value": ColumnType.FLOAT64,
        "numerator": ColumnType.FLOAT64,
        "denominator": ColumnType.FLOAT64,
        "maturing": ColumnType.BOOL,
    }
    return ", ".join(f"CAST(q.{c} AS {names[t]}) AS {c}" for c, t in types.items())
