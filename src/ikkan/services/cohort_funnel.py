"""The funnel on a cohort basis: the leads created in a period, followed through the
stages (how many of them reached each stage by ``as_of``), optionally one row per value of
a lead dimension. One query on the project's warehouse, built from compute's own
``lead_funnel`` (so a stage's entry time is the one the stage_count metrics read, strict or
inferred as the stage's node counts it).

The period basis (stage entries dated in the period, whoever the lead) is what the stored
``stage_count`` values already hold; see ``web.views.funnel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ikkan.errors import UserError, valid_values
from ikkan.model.periods import Grain, Period
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.funnel import LEAD_DIMENSIONS

COHORT_TOTAL = ""  # the dimension value of the whole cohort's row


def cohort_counts(
    warehouse: SqlWarehouse,
    stages: Sequence[tuple[str, str]],
    all_stages: Sequence[str],
    period: Period,
    as_of: date,
    *,
    fy_start: int = 4,
    by: str | None = None,
    where: tuple[str, str] | None = None,
) -> dict[str, dict[str, int]]:
    """dimension value (``COHORT_TOTAL`` without ``by``) → {"created": n, stage: n …}:
    the leads created in ``period`` (up to ``as_of``) and how many of them entered each
    of ``stages`` ((stage, mode) pairs) by ``as_of``."""
    import ibis

    from ikkan.compute import bind_tables, to_sql
    from ikkan.compute.funnel import lead_funnel, stage_column
    from ikkan.compute.scope import CompileContext

    for dim in [d for d in (by, where[0] if where else None) if d]:
        if dim not in LEAD_DIMENSIONS:
            raise UserError(
                f"the cohort funnel cannot split by '{dim}' (not a lead dimension)",
                hint=valid_values(LEAD_DIMENSIONS),
            )
    tables = bind_tables()
    ctx = CompileContext(
        tables=tables,
        grain=Grain.MONTH,
        fy_start=fy_start,
        dimension=None,
        stages=tuple(all_stages),
        as_of=as_of,
        node_id=None,
        location=None,
    )
    funnel = lead_funnel(stages, ctx)  # type: ignore[arg-type]
    leads = tables["leads"]
    day = leads.created_at.date()
    last = min(period.end, as_of)
    cohort = leads.filter((day >= ibis.literal(period.start)) & (day <= ibis.literal(last)))
    if where is not None:
        cohort = cohort.filter(cohort[where[0]] == where[1])
    joined = cohort.left_join(funnel, "lead_key")
    counts: dict[str, Any] = {"created": joined.lead_key.count()}
    for stage, mode in stages:
        column = joined[stage_column(stage, mode, ctx)]  # type: ignore[arg-type]
        counts[f"s_{stage}"] = column.count(where=column.date() <= ibis.literal(as_of))
    if by:
        key = joined[by].cast("string").fill_null("")
        expr = joined.group_by(value=key).aggregate(**counts)
    else:
        expr = joined.aggregate(**counts).mutate(value=ibis.literal(COHORT_TOTAL))
    rows = warehouse.query(to_sql(expr, warehouse.NAME)).to_pylist()
    return {
        str(r["value"]): {
            "created": int(r["created"] or 0),
            **{s: int(r[f"s_{s}"] or 0) for s, _ in stages},
        }
        for r in rows
    }
