"""Additive day parts: what a metric sums per day, to be rolled up to any grain later.

Almost every metric is a function of sums (``stage_count`` a count, a conversion a
numerator and a denominator, ``romi`` won revenue and spend ...), and a sum over a period
is the sum of its days' sums. So a refresh measures such a metric once, per day and
dimension value, and rolls the days up to every grain (``compute.rollup``) instead of
compiling and running it once per grain.

``compile_parts`` gives one row per day and dimension value that has data (exactly the
rows the per-grain path would aggregate), with up to three parts ``p1``, ``p2``, ``p3``
(float64; NULL where the metric has fewer):

==========================================  ===========  ===========  ===========
metric                                      p1           p2           p3
==========================================  ===========  ===========  ===========
stage_count, deal_count, spend, web totals  the count/sum
activity_count (events)                     count
conversion (period and cohort)              numerator    denominator
velocity (mean)                             total days   leads
deal_amount                                 amount sum   deals with an amount
retention                                   numerator    denominator  open renewals
cost_per                                    spend        results
romi                                        won revenue  spend
web cvr                                     conversions  sessions
activity_rate (events)                      numerator    denominator
==========================================  ===========  ===========  ===========

A cohort's window is counted from each lead's own entry time, so its day parts do not
depend on the grain; only ``maturing`` does, and the roll-up derives it from the period
end. Not additive, so not here (``is_additive`` is False): velocity medians, distinct-lead
activity counts and rates, and manual values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ikkan.compute.deal_metrics import (
    compile_deal_amount,
    compile_deal_count,
    compile_retention,
    deals_by_status,
)
from ikkan.compute.funnel_metrics import compile_conversion, compile_stage_count, compile_velocity
from ikkan.compute.measure import bucket, stack_sum
from ikkan.compute.scope import CompileContext, MetricCompileError, scope
from ikkan.compute.spend_metrics import _spend_side, compile_cost_per, compile_spend
from ikkan.compute.tables import bind_tables
from ikkan.compute.traffic_metrics import compile_activity_count, compile_activity_rate, compile_web
from ikkan.errors import Location
from ikkan.model.metrics import AnyMetric, RomiMetric
from ikkan.model.periods import Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir

PART_COLUMNS = ("p1", "p2", "p3")
PARTS_COLUMNS = ("day", "dimension_value", *PART_COLUMNS)
"""The columns of ``compile_parts``'s expression."""

PARTS_VERSION = 2  # 2: cost_per parts of a day without spend are NULL, not 0
"""Bumped whenever the meaning of stored parts changes (stored parts are then rebuilt)."""


def is_additive(metric: AnyMetric) -> bool:
    """Whether ``metric`` is a function of day sums (and so can be rolled up)."""
    kind = metric.type
    if kind in {"manual", "open_pipeline", "sla_attainment"}:  # per period / a snapshot
        return False
    if kind == "velocity":
        return getattr(metric, "stat", None) == "mean"
    if kind == "deal_amount" and getattr(metric, "stat", None) is not None:
        return False  # a statistic of the amounts: measured per grain
    if kind in {"activity_count", "activity_rate"}:
        return getattr(metric, "count", None) == "events"
    return True


def _from_measured(
    compiler: Callable[[Any, CompileContext], ir.Table],
) -> Callable[[Any, CompileContext], ir.Table]:
    """Parts from a per-period compiler run at the day grain: its numerator and
    denominator are the day sums (``maturing`` of retention = open renewals that day)."""

    def parts(metric: Any, ctx: CompileContext) -> ir.Table:
        import ibis

        day = compiler(metric, ctx)
        pending = ibis.ifelse(day.maturing, 1.0, 0.0) if metric.type == "retention" else None
        return day.select(
            day=day.period_start,
            dimension_value=day.dimension_value,
            p1=day.numerator,
            p2=day.denominator,
            p3=ibis.literal(None, type="float64") if pending is None else pending,
        )

    return parts


def _romi_parts(metric: RomiMetric, ctx: CompileContext) -> ir.Table:
    """Won revenue and spend apart (the profit is their difference after roll-up)."""
    import ibis

    filters = metric.filter_values()
    deals, moment = deals_by_status("won", metric.deal_type, ctx)
    deals = scope(deals, "deals", ctx, filters)
    won = bucket(deals, deals[moment], ctx)
    spend = _spend_side(filters, "deals", ctx)
    sums = stack_sum(
        [
            {"table": spend, "cost": spend.cost.fill_null(0.0)},
            {"table": won, "revenue": won.amount.fill_null(0.0)},
        ],
        ("cost", "revenue"),
    )
    return sums.select(
        day=sums.period_start,
        dimension_value=sums.dimension_value,
        p1=sums.revenue,
        p2=sums.cost,
        p3=ibis.literal(None, type="float64"),
    )


_PARTS: dict[str, Callable[[Any, CompileContext], ir.Table]] = {
    "stage_count": _from_measured(compile_stage_count),
    "conversion": _from_measured(compile_conversion),
    "velocity": _from_measured(compile_velocity),
    "deal_amount": _from_measured(compile_deal_amount),
    "deal_count": _from_measured(compile_deal_count),
    "retention": _from_measured(compile_retention),
    "spend": _from_measured(compile_spend),
    "cost_per": _from_measured(compile_cost_per),
    "romi": _romi_parts,
    "web": _from_measured(compile_web),
    "activity_count": _from_measured(compile_activity_count),
    "activity_rate": _from_measured(compile_activity_rate),
}


def compile_parts(
    metric: AnyMetric,
    *,
    dimension: str | None = None,
    stages: tuple[str, ...] = (),
    fiscal_year_start: int = 4,
    as_of: date | None = None,
    tables: Mapping[str, ir.Table] | None = None,
    location: Location | None = None,
) -> ir.Table:
    """The day parts of an additive ``metric`` (columns ``PARTS_COLUMNS``), split by
    ``dimension`` when given; compile errors are those of ``compile_metric``."""
    if not is_additive(metric):
        raise MetricCompileError(
            f"a {metric.type} metric is not a sum of day parts",
            location=location,
            hint="compile it per grain with compile_metric",
        )
    ctx = CompileContext(
        tables=tables if tables is not None else bind_tables(),
        grain=Grain.DAY,
        fy_start=fiscal_year_start,
        dimension=dimension or None,
        stages=tuple(stages),
        as_of=as_of,
        node_id=None,
        location=location,
    )
    parts = _PARTS[metric.type](metric, ctx)
    return parts.select(
        day=parts.day.cast("date"),
        dimension_value=parts.dimension_value.cast("string"),
        **{name: parts[name].cast("float64") for name in PART_COLUMNS},
    )
