"""Deal metrics: deal_amount, deal_count and retention (from the deals table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.funnel_metrics import summarise
from ikkan.compute.measure import KEYS, bucket, measured, ratio
from ikkan.compute.scope import CompileContext, scope
from ikkan.model.metrics import (
    DealAmountMetric,
    DealCountMetric,
    DealStatus,
    DealType,
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
