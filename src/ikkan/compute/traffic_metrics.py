"""Web and activity metrics: web, activity_count, activity_rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ikkan.compute.measure import KEYS, bucket, measured, ratio
from ikkan.compute.scope import CompileContext, scope
from ikkan.model.metric_filters import FilterCondition
from ikkan.model.metrics import ActivityCountMetric, ActivityRateMetric, WebMetric

if TYPE_CHECKING:
    import ibis.expr.types as ir


def compile_web(metric: WebMetric, ctx: CompileContext) -> ir.Table:
    traffic = scope(ctx.tables["web_traffic"], "web_traffic", ctx, metric.filter_values())
    rows = bucket(traffic, traffic.day, ctx)
    if metric.measure == "cvr":
        agg = rows.group_by(list(KEYS)).aggregate(
            num=rows.conversions.sum().fill_null(0.0), den=rows.sessions.sum().fill_null(0)
        )
        return measured(agg, value=ratio(agg.num, agg.den), numerator=agg.num, denominator=agg.den)
    agg = rows.group_by(list(KEYS)).aggregate(total=rows[metric.measure].sum().fill_null(0))
    return measured(agg, value=agg.total, numerator=agg.total)


def _activities(
    types: list[str], filters: Mapping[str, FilterCondition], ctx: CompileContext
) -> ir.Table:
    events = ctx.tables["activities"]
    events = events.filter(events.activity_type.isin(types))
    events = scope(events, "activities", ctx, filters)
    rows = bucket(events, events.occurred_at, ctx)
    return rows.mutate(person=rows.lead_key.fill_null(rows.email))


def compile_activity_count(metric: ActivityCountMetric, ctx: CompileContext) -> ir.Table:
    """Activities of one type; ``count: leads`` counts distinct people (lead, else e-mail)."""
    rows = _activities([metric.activity], metric.filter_values(), ctx)
    counted = rows.person.nunique() if metric.count == "leads" else rows.count()
    agg = rows.group_by(list(KEYS)).aggregate(n=counted)
    return measured(agg, value=agg.n, numerator=agg.n)


def compile_activity_rate(metric: ActivityRateMetric, ctx: CompileContext) -> ir.Table:
    """Numerator activities ÷ denominator activities in the same period, one scan."""
    rows = _activities([metric.numerator, metric.denominator], metric.filter_values(), ctx)
    is_num = rows.activity_type == metric.numerator
    is_den = rows.activity_type == metric.denominator
    if metric.count == "leads":
        num, den = rows.person.nunique(where=is_num), rows.person.nunique(where=is_den)
    else:
        num, den = rows.count(where=is_num), rows.count(where=is_den)
    agg = rows.group_by(list(KEYS)).aggregate(num=num, den=den)
    return measured(agg, value=ratio(agg.num, agg.den), numerator=agg.num, denominator=agg.den)
