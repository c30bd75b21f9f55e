"""Funnel metrics: stage_count, conversion (period / cohort) and velocity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.buckets import day_literal, period_end
from ikkan.compute.business_days import BUSINESS_DAYS
from ikkan.compute.funnel import lead_funnel, stage_column
from ikkan.compute.measure import KEYS, bucket, measured, ratio, stack_sum
from ikkan.compute.scope import CompileContext, scope
from ikkan.model.metrics import ConversionMetric, StageCountMetric, VelocityMetric

if TYPE_CHECKING:
    import ibis.expr.types as ir

SECONDS_PER_DAY = 86_400


def compile_stage_count(metric: StageCountMetric, ctx: CompileContext) -> ir.Table:
    column = stage_column(metric.stage, metric.mode, ctx)
    funnel = lead_funnel([(metric.stage, metric.mode)], ctx)
    leads = scope(funnel, "lead_stages", ctx, metric.filter_values())
    entered = leads.filter(leads[column].notnull())
    rows = bucket(entered, entered[column], ctx)
    counted = rows.group_by(list(KEYS)).aggregate(n=rows.count())
    return measured(counted, value=counted.n, numerator=counted.n)


def compile_conversion(metric: ConversionMetric, ctx: CompileContext) -> ir.Table:
    a = stage_column(metric.from_stage, metric.mode, ctx)
    b = stage_column(metric.to_stage, metric.mode, ctx)
    funnel = lead_funnel([(metric.from_stage, metric.mode), (metric.to_stage, metric.mode)], ctx)
    leads = scope(funnel, "lead_stages", ctx, metric.filter_values())
    if metric.basis == "period":
        return _period_conversion(leads, a, b, ctx)
    return _cohort_conversion(leads, a, b, metric, ctx)


def _period_conversion(leads: ir.Table, a: str, b: str, ctx: CompileContext) -> ir.Table:
    """Entries of B in the period ÷ entries of A in the period (two counts)."""
    import ibis

    base = leads.filter(leads[a].notnull())
    base = bucket(base, base[a], ctx)
    reached = leads.filter(leads[b].notnull())
    reached = bucket(reached, reached[b], ctx)
    one = ibis.literal(1.0)
    sums = stack_sum([{"table": base, "den": one}, {"table": reached, "num": one}], ("num", "den"))
    return measured(sums, value=ratio(sums.num, sums.den), numerator=sums.num, denominator=sums.den)


def _cohort_conversion(
    leads: ir.Table, a: str, b: str, metric: ConversionMetric, ctx: CompileContext
) -> ir.Table:
    """Of the leads entering A in the period, those entering B within the window.

    One row per lead, so a base lead counts once and the rate is at most 100%. With
    ``as_of``, entries of B after that day are not counted yet, and a cohort is
    ``maturing`` while ``period_end + window_days`` is after ``as_of``.
    """
    import ibis

    assert metric.window_days is not None
    if ctx.as_of is None:
        raise ctx.error(
            "cohort conversion needs an as_of date to tell maturing cohorts",
            "pass as_of (the last day with complete data)",
        )
    window = ibis.interval(days=metric.window_days)
    base = leads.filter(leads[a].notnull())
    converted = base[b].notnull() & (base[b] <= base[a] + window)
    if ctx.as_of is not None:  # always true here; narrows the type
        cutoff = ibis.timestamp(ctx.as_of.isoformat()) + ibis.interval(days=1)
        converted = converted & (base[b] < cutoff)
    rows = bucket(base, base[a], ctx).mutate(hit=ibis.ifelse(converted, 1, 0))
    cohorts = rows.group_by(list(KEYS)).aggregate(num=rows.hit.sum(), den=rows.count())
    if ctx.span is not None:
        end = day_literal(ctx.span.end)
    else:
        end = period_end(cohorts.period_start, ctx.grain)
    window_end = end.cast("timestamp") + window
    maturing = window_end.date() > ibis.date(ctx.as_of.isoformat())
    return measured(
        cohorts,
        value=ratio(cohorts.num, cohorts.den),
        numerator=cohorts.num,
        denominator=cohorts.den,
        maturing=maturing,
    )


def compile_velocity(metric: VelocityMetric, ctx: CompileContext) -> ir.Table:
    """Days from A to B for leads entering B in the period (pairs with B before A, which
    only strict mode can see, are data errors and left out)."""

    a = stage_column(metric.from_stage, metric.mode, ctx)
    b = stage_column(metric.to_stage, metric.mode, ctx)
    funnel = lead_funnel([(metric.from_stage, metric.mode), (metric.to_stage, metric.mode)], ctx)
    leads = scope(funnel, "lead_stages", ctx, metric.filter_values())
    pairs = leads.filter(leads[a].notnull(), leads[b].notnull(), leads[b] >= leads[a])
    if metric.days == "business":  # business days after A's date up to B's
        numbers = ctx.tables[BUSINESS_DAYS.name]
        at_a = numbers.select(_day_a=numbers.day, _number_a=numbers.number)
        at_b = numbers.select(_day_b=numbers.day, _number_b=numbers.number)
        pairs = pairs.join(at_a, pairs[a].date() == at_a._day_a)
        pairs = pairs.join(at_b, pairs[b].date() == at_b._day_b)
        rows = bucket(pairs, pairs[b], ctx)
        rows = rows.mutate(days=(rows._number_b - rows._number_a).cast("float64"))
        return summarise(rows, "days", metric.stat)
    if metric.days == "calendar":  # whole days between the two dates
        seconds = pairs[b].date().epoch_seconds() - pairs[a].date().epoch_seconds()
    else:
        seconds = pairs[b].epoch_seconds() - pairs[a].epoch_seconds()
    rows = bucket(pairs, pairs[b], ctx).mutate(days=seconds.cast("float64") / SECONDS_PER_DAY)
    return summarise(rows, "days", metric.stat)


def summarise(rows: ir.Table, column: str, stat: str) -> ir.Table:
    """``stat`` of ``column`` per period and dimension value (numerator = its total,
    denominator = the number of values): mean, min, max, median or a percentile."""
    values = rows[column]
    if stat in ("mean", "min", "max"):
        agg = rows.group_by(list(KEYS)).aggregate(
            total=values.sum(), n=values.count(), low=values.min(), high=values.max()
        )
        value = {"mean": ratio(agg.total, agg.n), "min": agg.low, "max": agg.high}[stat]
        return measured(agg, value=value, numerator=agg.total, denominator=agg.n)
    if stat == "median":
        return _median_days(rows.mutate(days=values))
    return _percentile(rows, column, int(stat[1:]) / 100)


def _percentile(rows: ir.Table, column: str, q: float) -> ir.Table:
    """Exact percentile with linear interpolation between the closest ranks (as numpy's
    default and PERCENTILE_CONT): rank h = (n − 1)·q, value x⌊h⌋ + (h − ⌊h⌋)(x⌈h⌉ − x⌊h⌋).
    Window functions only (portable)."""
    import ibis as ib

    values = rows[column].cast("float64")
    rows = rows.filter(values.notnull()).mutate(_x=values)
    group = ib.window(group_by=list(KEYS), order_by=rows._x)
    whole = ib.window(group_by=list(KEYS))
    ranked = rows.mutate(
        rank=ib.row_number().over(group),
        n=rows._x.count().over(whole),
        total=rows._x.sum().over(whole),
    )
    h = (ranked.n - 1).cast("float64") * q
    ranked = ranked.mutate(h=h, low=h.floor().cast("int64"), high=h.ceil().cast("int64"))
    near = ranked.filter((ranked["rank"] == ranked.low) | (ranked["rank"] == ranked.high))
    agg = near.group_by(list(KEYS)).aggregate(
        x_low=near._x.min(),
        x_high=near._x.max(),
        h=near.h.max(),
        low=near.low.max(),
        total=near.total.max(),
        n=near.n.max(),
    )
    value = agg.x_low + (agg.h - agg.low.cast("float64")) * (agg.x_high - agg.x_low)
    return measured(agg, value=value, numerator=agg.total, denominator=agg.n)


def _median_days(rows: ir.Table) -> ir.Table:
    """Exact median of ``days`` per group with window functions (portable: BigQuery has
    no MEDIAN aggregate); numerator = total days, denominator = number of leads."""
    import ibis as ib

    group = ib.window(group_by=list(KEYS), order_by=rows.days)
    whole = ib.window(group_by=list(KEYS))
    ranked = rows.mutate(
        rank=ib.row_number().over(group),
        n=rows.days.count().over(whole),
        total=rows.days.sum().over(whole),
    )
    middle = ranked.filter(
        (ranked["rank"] == (ranked.n - 1) // 2) | (ranked["rank"] == ranked.n // 2)
    )
    agg = middle.group_by(list(KEYS)).aggregate(
        median=middle.days.mean(), total=middle.total.max(), n=middle.n.max()
    )
    return measured(agg, value=agg.median, numerator=agg.total, denominator=agg.n)
