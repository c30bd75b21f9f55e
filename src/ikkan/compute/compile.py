"""Compile a metric for a grain and a dimension into ONE Ibis expression.

The expression is over unbound tables (``bind_tables()``), so it renders to SQL for any
engine (``to_sql``) without a connection. Its columns, one row per period and dimension
value that has data:

    period (key as in ikkan.model.periods), period_start, period_end (inclusive),
    dimension_value ('' without a dimension, '(none)' where the column is empty),
    value, numerator, denominator (NULL where the metric has none), maturing
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ikkan.compute.buckets import day_literal, period_end, period_key
from ikkan.compute.deal_metrics import (
    compile_deal_amount,
    compile_deal_count,
    compile_open_pipeline,
    compile_retention,
)
from ikkan.compute.funnel_metrics import compile_conversion, compile_stage_count, compile_velocity
from ikkan.compute.manual import compile_manual
from ikkan.compute.scope import CompileContext, MetricCompileError, Span
from ikkan.compute.sla import compile_sla_attainment
from ikkan.compute.spend_metrics import compile_cost_per, compile_romi, compile_spend
from ikkan.compute.tables import bind_tables
from ikkan.compute.traffic_metrics import (
    compile_activity_count,
    compile_activity_rate,
    compile_web,
)
from ikkan.errors import Location, valid_values
from ikkan.model.metrics import AnyMetric
from ikkan.model.periods import GRAIN_ORDER, Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir

OUTPUT_COLUMNS = (
    "period",
    "period_start",
    "period_end",
    "dimension_value",
    "value",
    "numerator",
    "denominator",
    "maturing",
)

_COMPILERS: dict[str, Callable[[Any, CompileContext], ir.Table]] = {
    "stage_count": compile_stage_count,
    "conversion": compile_conversion,
    "velocity": compile_velocity,
    "deal_amount": compile_deal_amount,
    "deal_count": compile_deal_count,
    "retention": compile_retention,
    "open_pipeline": compile_open_pipeline,
    "spend": compile_spend,
    "cost_per": compile_cost_per,
    "romi": compile_romi,
    "web": compile_web,
    "activity_count": compile_activity_count,
    "activity_rate": compile_activity_rate,
    "sla_attainment": compile_sla_attainment,
    "manual": compile_manual,
}


def compile_metric(
    metric: AnyMetric,
    *,
    grain: Grain | str,
    dimension: str | None = None,
    stages: tuple[str, ...] = (),
    fiscal_year_start: int = 4,
    as_of: date | None = None,
    node_id: str | None = None,
    tables: Mapping[str, ir.Table] | None = None,
    location: Location | None = None,
    span: Span | None = None,
) -> ir.Table:
    """The Ibis expression measuring ``metric`` per period of ``grain`` (and ``dimension``).

    ``stages`` is the project's funnel in order (needed by funnel metrics); ``as_of`` the
    last day with complete data (needed by cohort conversion); ``node_id`` the node a
    ``manual`` metric reads values for; ``location`` is attached to errors.
    """
    try:
        grain = Grain(grain)
    except ValueError:
        raise MetricCompileError(
            f"unknown grain '{grain}'", location=location, hint=valid_values(GRAIN_ORDER)
        ) from None
    if not 1 <= fiscal_year_start <= 12:
        raise MetricCompileError(
            f"fiscal_year_start must be a month 1-12, not {fiscal_year_start}",
            location=location,
        )
    if (grain is Grain.RANGE) != (span is not None):
        raise MetricCompileError(
            "a range is measured with its span (grain 'range' and span go together)",
            location=location,
        )
    if span is not None and metric.type == "manual":
        raise MetricCompileError(
            "manual values are entered per period; a custom range has none",
            location=location,
            hint="ask for the period they were entered for (e.g. FY2026-Q3)",
        )
    ctx = CompileContext(
        tables=tables if tables is not None else bind_tables(),
        grain=grain,
        fy_start=fiscal_year_start,
        dimension=dimension or None,
        stages=tuple(stages),
        as_of=as_of,
        node_id=node_id,
        location=location,
        span=span,
    )
    return finish(_COMPILERS[metric.type](metric, ctx), ctx)


def finish(measured: ir.Table, ctx: CompileContext) -> ir.Table:
    """Add the period key and end (computed on the aggregated rows) and fix the types."""
    import ibis

    start = measured.period_start.cast("date")
    if ctx.span is None:
        key, end = period_key(start, ctx.grain, ctx.fy_start), period_end(start, ctx.grain)
    else:  # one period: its key and end are constants
        key, end = ibis.literal(ctx.span.key), day_literal(ctx.span.end)
    out = measured.select(
        period=key,
        period_start=start,
        period_end=end,
        dimension_value=measured.dimension_value.cast("string"),
        value=measured.value.cast("float64"),
        numerator=measured.numerator.cast("float64"),
        denominator=measured.denominator.cast("float64"),
        maturing=measured.maturing.cast("boolean"),
    )
    return out.order_by(["period_start", "dimension_value"])
