"""Deal metrics: deal_amount, deal_count, retention and open_pipeline (from deals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.buckets import day_literal, period_end, period_start
from ikkan.compute.funnel_metrics import summarise
from ikkan.compute.measure import KEYS, bucket, measured, ratio
from ikkan.compute.scope import CompileContext, scope
from ikkan.model.metrics import (
    DealAmountMetric,
    DealCountMetric,
    DealStatus,
    DealType,
    OpenPipelineMetric,
    RetentionMetric,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir


def deals_by_status(
    status: DealStatus, deal_type: tuple[DealType, ...] | None, ctx: CompileContext
) -> tuple[ir.Table, str]:
    """Deals of ``status`` (and ``deal_type``), with the column that dates them."""
    deals = ctx.tables["deals"]
    won = deals.is_won.fill_null(False)
    closed = deals.is_closed.fill_null(False) | won
    if status == "created":
        rows, moment = deals.filter(deals.created_at.notnull()), "created_at"
    elif status == "due":  # open ones too, by their expected close: what retention divides by
        rows, moment = deals.filter(deals.closed_at.notnull()), "closed_at"
    else:
        keep = {"won": won, "lost": closed & ~won, "closed": closed}[status]
        rows, moment = deals.filter(keep, deals.closed_at.notnull()), "closed_at"
    if deal_type:
        rows = rows.filter(rows.deal_type.isin(list(deal_type)))
    return rows, moment


def compile_deal_amount(metric: DealAmountMetric, ctx: CompileContext) -> ir.Table:
    deals, moment = deals_by_status(metric.status, metric.deal_type, ctx)
    deals = scope(deals, "deals", ctx, metric.filter_values())
    rows = bucket(deals, deals[moment], ctx)
    if metric.stat is not None:  # a statistic of the amounts present
        return summarise(rows.filter(rows.amount.notnull()), "amount", metric.stat)
    agg = rows.group_by(list(KEYS)).aggregate(total=rows.amount.sum(), n=rows.amount.count())
    total = agg.total.fill_null(0.0)
    if metric.average:
        return measured(agg, value=ratio(total, agg.n), numerator=total, denominator=agg.n)
    return measured(agg, value=total, numerator=total)


def compile_deal_count(metric: DealCountMetric, ctx: CompileContext) -> ir.Table:
    deals, moment = deals_by_status(metric.status, metric.deal_type, ctx)
    deals = scope(deals, "deals", ctx, metric.filter_values())
    rows = bucket(deals, deals[moment], ctx)
    agg = rows.group_by(list(KEYS)).aggregate(n=rows.count())
    return measured(agg, value=agg.n, numerator=agg.n)


def compile_retention(metric: RetentionMetric, ctx: CompileContext) -> ir.Table:
    """Renewals won (or lost, for churn) ÷ renewals due, by close date; see
    ``RetentionMetric``. Periods with open renewals are flagged maturing."""
    import ibis

    deals = ctx.tables["deals"]
    due = deals.filter(deals.deal_type == "renewal", deals.closed_at.notnull())
    due = scope(due, "deals", ctx, metric.filter_values())
    won = due.is_won.fill_null(False)
    closed = due.is_closed.fill_null(False) | won
    outcome = won if metric.kind == "retention" else closed & ~won
    weight = due.amount.fill_null(0.0) if metric.basis == "amount" else ibis.literal(1.0)
    rows = bucket(due, due.closed_at, ctx).mutate(
        w=weight, hit=ibis.ifelse(outcome, weight, 0.0), pending=ibis.ifelse(closed, 0, 1)
    )
    agg = rows.group_by(list(KEYS)).aggregate(
        num=rows.hit.sum(), den=rows.w.sum(), pending=rows.pending.sum()
    )
    return measured(
        agg,
        value=ratio(agg.num, agg.den),
        numerator=agg.num,
        denominator=agg.den,
        maturing=agg.pending > 0,
    )


SNAPSHOT_DIGITS = 5
"""Snapshot days are generated from the first deal date on, up to 10^5 days (273 years)."""


def compile_open_pipeline(metric: OpenPipelineMetric, ctx: CompileContext) -> ir.Table:
    """Deals open at each period's snapshot day (``OpenPipelineMetric``): the periods are
    every period from the first deal date to ``as_of``'s (a day series, so a quiet month
    still has its snapshot), crossed with the deals."""
    import ibis

    if ctx.as_of is None:
        raise ctx.error(
            "an open-pipeline snapshot needs an as_of date (today's snapshot)",
            "pass as_of (the last day with complete data)",
        )
    deals = ctx.tables["deals"]
    if metric.deal_type:
        deals = deals.filter(deals.deal_type.isin(list(metric.deal_type)))
    deals = scope(deals, "deals", ctx, metric.filter_values())
    as_of = day_literal(ctx.as_of)
    won = deals.is_won.fill_null(False)
    closed = deals.is_closed.fill_null(False) | won
    rows = deals.select(
        dimension_value=deals.dimension_value,
        created=deals.created_at.date(),
        ended=ibis.ifelse(closed, deals.closed_at.date(), ibis.null("date")),
        closed=closed,
        amount=deals.amount.fill_null(0.0).cast("float64"),
    )
    snapshots = _snapshots(deals, ctx, as_of)
    pairs = rows.cross_join(snapshots)
    is_open = (
        (pairs.created.notnull() & (pairs.created <= pairs.snapshot))
        | (pairs.created.isnull() & (pairs.snapshot == as_of))
    ) & (~pairs.closed | (pairs.ended.notnull() & (pairs.ended > pairs.snapshot)))
    open_rows = pairs.filter(is_open)
    groups = open_rows.group_by(list(KEYS))
    if metric.measure == "amount":
        agg = groups.aggregate(total=open_rows.amount.sum())
    else:
        agg = groups.aggregate(total=open_rows.count())
    return measured(agg, value=agg.total, numerator=agg.total)


def _snapshots(deals: ir.Table, ctx: CompileContext, as_of: ir.DateValue) -> ir.Table:
    """One row per period: ``period_start`` and its ``snapshot`` day (the period's end, or
    ``as_of`` for the running one)."""
    import ibis

    if ctx.span is not None:
        end = min(ctx.span.end, ctx.as_of) if ctx.as_of else ctx.span.end
        one = deals.aggregate(n=deals.count())  # one row, whatever the data
        return one.select(period_start=day_literal(ctx.span.start), snapshot=day_literal(end))
    first = ibis.least(deals.created_at.min(), deals.closed_at.min()).date()
    bounds = deals.aggregate(first=first)
    seconds = (
        as_of.cast("timestamp").epoch_seconds() - bounds.first.cast("timestamp").epoch_seconds()
    )
    bounds = bounds.mutate(days=(seconds // 86_400 + 1).cast("int64"))  # first deal day … as_of
    offsets = bounds
    for place in range(SNAPSHOT_DIGITS):  # 0 … 10^digits − 1 from cross-joined digits,
        digit = ibis.union(  # no arrays (portable, and the SQL text is always the same)
            *(bounds.select(**{f"d{place}": ibis.literal(k, type="int64")}) for k in range(10))
        )
        offsets = offsets.cross_join(digit)
    number = sum((offsets[f"d{p}"] * 10**p for p in range(SNAPSHOT_DIGITS)), ibis.literal(0))
    offsets = offsets.filter(number < offsets.days).mutate(offset=number)
    day = (offsets.first.cast("timestamp") + offsets.offset.as_interval("D")).date()
    starts = offsets.select(period_start=period_start(day, ctx.grain, ctx.fy_start))
    starts = starts.distinct()
    end = period_end(starts.period_start, ctx.grain)
    return starts.select(
        period_start=starts.period_start,
        snapshot=ibis.ifelse(end > as_of, as_of, end),
    )
