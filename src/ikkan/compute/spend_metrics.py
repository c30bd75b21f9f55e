"""Spend metrics: spend, cost_per (CPL / CPA / CAC) and romi."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ikkan.compute.deal_metrics import deals_by_status
from ikkan.compute.funnel import lead_funnel, stage_column
from ikkan.compute.measure import KEYS, bucket, measured, ratio, stack_sum
from ikkan.compute.scope import CompileContext, scope, shared_columns
from ikkan.model.canonical import SPEND
from ikkan.model.metric_filters import FilterCondition
from ikkan.model.metrics import CostPerMetric, RomiMetric, SpendMetric

if TYPE_CHECKING:
    import ibis.expr.types as ir


def compile_spend(metric: SpendMetric, ctx: CompileContext) -> ir.Table:
    spend = scope(ctx.tables["spend"], "spend", ctx, metric.filter_values())
    rows = bucket(spend, spend.day, ctx)
    agg = rows.group_by(list(KEYS)).aggregate(total=rows[metric.measure].sum())
    total = agg.total.fill_null(0)
    return measured(agg, value=total, numerator=total)


def _spend_side(
    filters: Mapping[str, FilterCondition], other: str, ctx: CompileContext
) -> ir.Table:
    """Spend per period, split and filtered like the other side (``other`` table)."""
    if ctx.dimension and ctx.dimension not in SPEND.column_names:
        raise ctx.error(
            f"dimension '{ctx.dimension}' cannot split spend",
            "spend-based metrics split by columns of both spend and "
            f"{other}: {', '.join(shared_columns('spend', other))}",
        )
    own = {k: v for k, v in filters.items() if k in SPEND.column_names}
    spend = scope(ctx.tables["spend"], "spend", ctx, own)
    return bucket(spend, spend.day, ctx)


def compile_cost_per(metric: CostPerMetric, ctx: CompileContext) -> ir.Table:
    """Spend ÷ results; filters narrow the results and also spend where it has the column.
    No spend row in a period or slice (a channel nobody pays for) is no value, not ¥0."""
    import ibis

    filters = metric.filter_values()
    if metric.per == "lead":
        leads = scope(ctx.tables["leads"], "leads", ctx, filters)
        leads = leads.filter(leads.created_at.notnull())
        results, other = bucket(leads, leads.created_at, ctx), "leads"
    elif metric.per == "stage":
        assert metric.stage is not None
        column = stage_column(metric.stage, metric.mode, ctx)
        funnel = scope(lead_funnel([(metric.stage, metric.mode)], ctx), "lead_stages", ctx, filters)
        funnel = funnel.filter(funnel[column].notnull())
        results, other = bucket(funnel, funnel[column], ctx), "leads"
    else:
        deals, moment = deals_by_status("won", metric.deal_type, ctx)
        deals = scope(deals, "deals", ctx, filters)
        results, other = bucket(deals, deals[moment], ctx), "deals"
    spend = _spend_side(filters, other, ctx)
    # Results bring a NULL cost, so a period or slice without any spend row sums to NULL
    # (no value, as ROMI shows) rather than a ¥0 cost per result; a recorded ¥0 stays 0.
    sums = stack_sum(
        [
            {"table": spend, "cost": spend.cost.fill_null(0.0)},
            {"table": results, "n": ibis.literal(1.0), "cost": ibis.null("float64")},
        ],
        ("cost", "n"),
    )
    return measured(sums, value=ratio(sums.cost, sums.n), numerator=sums.cost, denominator=sums.n)


def compile_romi(metric: RomiMetric, ctx: CompileContext) -> ir.Table:
    """(won amount − spend) ÷ spend; won amount by the deal's own channel/campaign."""
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
    profit = sums.revenue - sums.cost
    return measured(sums, value=ratio(profit, sums.cost), numerator=profit, denominator=sums.cost)
