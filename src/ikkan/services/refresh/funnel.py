"""The lead funnel, a table every funnel metric of a refresh reads (kept between refreshes
by ``funnel_store``: an incremental refresh rebuilds only the touched leads' rows).

Each funnel metric would otherwise group all of ``lead_stages`` by lead again (hundreds of
times per refresh). The table holds, per lead, the entry time of every (stage, mode) the tree reads
(compute's own ``lead_funnel`` of them, so the times are the same by construction)
and the ``leads`` columns the tree splits or filters by (so no join to ``leads`` either).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from ikkan.compute.funnel import PREBUILT_FUNNEL
from ikkan.model.canonical import LEADS
from ikkan.model.tree import KpiTree

if TYPE_CHECKING:
    import ibis.expr.types as ir

TABLE = "ikkan_refresh_funnel"
"""Kept between refreshes (its shape follows the tree, which the refresh mark fingerprints)."""


def lead_columns(tree: KpiTree, dimensions: list[str]) -> tuple[str, ...]:
    """The leads columns the funnel table carries: dimensions and filter columns."""
    wanted = set(dimensions)
    for node in tree.nodes.values():
        if node.metric is not None and hasattr(node.metric, "filter_values"):
            wanted.update(node.metric.filter_values())
    return tuple(sorted(c for c in wanted if c in LEADS.column_names and c != "lead_key"))


Need = tuple[str, str]  # (stage, mode)


def needs(tree: KpiTree) -> tuple[Need, ...]:
    """The (stage, mode) pairs the tree's funnel metrics read, in a stable order."""
    stages = {s.id for s in tree.spec.funnel.stages}
    found: set[Need] = set()
    for node in tree.nodes.values():
        metric = node.metric
        mode = getattr(metric, "mode", None)
        for attribute in ("stage", "from_stage", "to_stage"):
            stage = getattr(metric, attribute, None)
            if isinstance(stage, str) and stage in stages and isinstance(mode, str):
                found.add((stage, mode))
    return tuple(sorted(found))


def column(stage: str, mode: str, stages: tuple[str, ...]) -> str:
    """The funnel column of ``stage`` in ``mode`` (compute's naming)."""
    return f"{mode}_{stages.index(stage)}"


def signature(stages: tuple[str, ...], wanted: tuple[Need, ...], columns: tuple[str, ...]) -> str:
    """Part of the SQL cache key: SQL compiled against this funnel table's shape."""
    text = "|".join([TABLE, *stages, "/", *(":".join(n) for n in wanted), "/", *columns])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _ctx(tables: dict[str, ir.Table], stages: tuple[str, ...], fy_start: int) -> Any:
    from ikkan.compute.scope import CompileContext
    from ikkan.model.periods import Grain

    return CompileContext(tables, Grain.MONTH, fy_start, None, stages, None, None, None)


def bound_tables(
    stages: tuple[str, ...], wanted: tuple[Need, ...], columns: tuple[str, ...]
) -> dict[str, ir.Table]:
    """The canonical tables plus the prebuilt funnel, for ``compile_metric(tables=...)``."""
    import ibis

    from ikkan.compute import bind_tables, ibis_schema

    tables = bind_tables()
    leads = ibis_schema(LEADS)
    schema = {"lead_key": "!string"}
    schema.update({column(stage, mode, stages): "timestamp" for stage, mode in wanted})
    schema.update({c: leads[c].lstrip("!") for c in columns})
    tables[PREBUILT_FUNNEL] = ibis.table(schema, name=TABLE)
    return tables


def column_names(
    stages: tuple[str, ...], wanted: tuple[Need, ...], columns: tuple[str, ...]
) -> list[str]:
    """The funnel table's columns, in order."""
    return ["lead_key", *(column(s, m, stages) for s, m in wanted), *columns]


def select_sql(
    stages: tuple[str, ...],
    wanted: tuple[Need, ...],
    columns: tuple[str, ...],
    sources: tuple[str, str],
    dialect: str,
) -> str:
    """The ``SELECT`` of the funnel of the ``wanted`` stages, with lead columns, from the
    stage entries and leads in ``sources`` (``lead_stages`` and ``leads``, or views of
    some leads' rows)."""
    import ibis

    from ikkan.compute import bind_tables, ibis_schema, to_sql
    from ikkan.compute.funnel import lead_funnel
    from ikkan.model.canonical import LEAD_STAGES

    stages_source, leads_source = sources
    tables = bind_tables()
    tables["lead_stages"] = ibis.table(ibis_schema(LEAD_STAGES), name=stages_source)
    tables["leads"] = ibis.table(ibis_schema(LEADS), name=leads_source)
    funnel = lead_funnel(wanted, _ctx(tables, stages, 4))  # type: ignore[arg-type]
    if columns:
        leads = tables["leads"]
        right = leads.select(_lead_key=leads.lead_key, **{c: leads[c] for c in columns})
        funnel = funnel.left_join(right, funnel.lead_key == right._lead_key).drop("_lead_key")
    order = column_names(stages, wanted, columns)
    return to_sql(funnel.select(order), dialect, pretty=False)
