"""Small building blocks shared by the metric compilers.

Every compiler returns a *measured* table: ``period_start`` (date), ``dimension_value``
(string), ``numerator``, ``denominator``, ``value`` (float64) and ``maturing`` (boolean),
one row per period and dimension value. ``compile.finish`` adds the period key and end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ikkan.compute.buckets import day_literal, period_start
from ikkan.compute.scope import CompileContext

if TYPE_CHECKING:
    import ibis.expr.types as ir

KEYS = ("period_start", "dimension_value")


def bucket(table: ir.Table, moment: ir.Value, ctx: CompileContext) -> ir.Table:
    """``table`` with the ``period_start`` of ``moment`` added; for a range (``ctx.span``),
    only the rows dated in it, all with the range's start."""
    if ctx.span is None:
        return table.mutate(period_start=period_start(moment, ctx.grain, ctx.fy_start))
    day = moment.date() if moment.type().is_timestamp() else moment
    start = day_literal(ctx.span.start)
    inside = (day >= start) & (day <= day_literal(ctx.span.end))
    return table.filter(inside).mutate(period_start=start)


def null_float() -> ir.FloatingValue:
    import ibis

    return ibis.literal(None, type="float64")


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator ÷ denominator as float; NULL when the denominator is 0 or NULL."""
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def measured(
    table: ir.Table,
    *,
    value: ir.Value,
    numerator: ir.Value,
    denominator: ir.Value | None = None,
    maturing: ir.Value | None = None,
) -> ir.Table:
    """Shape an aggregated table into the measured columns."""
    import ibis

    return table.select(
        period_start=table.period_start,
        dimension_value=table.dimension_value,
        value=value.cast("float64"),
        numerator=numerator.cast("float64"),
        denominator=null_float() if denominator is None else denominator.cast("float64"),
        maturing=ibis.literal(False) if maturing is None else maturing,
    )


def stack_sum(parts: Sequence[Mapping[str, object]], measures: Sequence[str]) -> ir.Table:
    """Union the parts (each a projection with KEYS and some of ``measures``) and sum
    every measure per period and dimension value. Parts lacking a measure contribute 0.

    Each part is ``{"table": t, measure: expr, ...}`` over ``t``, which has KEYS.
    """
    import ibis

    stacked = []
    for part in parts:
        table = part["table"]
        assert isinstance(table, ibis.Table)
        columns: dict[str, object] = {k: table[k] for k in KEYS}
        for name in measures:
            expr = part.get(name)
            columns[name] = ibis.literal(0.0) if expr is None else expr
        types = {"period_start": "date", "dimension_value": "string"}
        types.update({name: "float64" for name in measures})
        stacked.append(table.select(**columns).cast(types))
    union = ibis.union(*stacked, distinct=False)
    return union.group_by(list(KEYS)).aggregate(**{name: union[name].sum() for name in measures})
