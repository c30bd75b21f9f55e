"""Manual metrics: values people typed in (``manual_values``), read by node and period key.

A value entered for a period is that period's value. A quarter, half or fiscal year without
one rolls up the monthly values entered in it, as the metric's ``rollup`` says (the tree
fills it from the node's aggregate): ``sum`` adds the months, ``average`` is their mean
(each month weighs the same: the mean of monthly operating margins, not profit ÷ revenue),
``last`` takes the latest month entered. Only the months entered count: a fiscal year in
progress rolls up the months closed so far. Days and weeks are never rolled up or down.

The period start is parsed from the key in SQL; the key is then rebuilt from the start like
every other metric's, so keys are canonical.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ikkan.compute.buckets import period_start
from ikkan.compute.scope import NO_DIMENSION, CompileContext
from ikkan.model.metrics import ManualMetric
from ikkan.model.periods import Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir


def _int(text: ir.StringValue, start: int, length: int) -> ir.IntegerValue:
    return text.substr(start, length).cast("int64")


def _fiscal_block(key: ir.StringValue, months: int, ctx: CompileContext) -> ir.DateValue:
    import ibis

    index = _int(key, 8, 1) - 1 if months < 12 else ibis.literal(0)
    month_index = _int(key, 2, 4) * 12 + (ctx.fy_start - 1) + index * months
    return ibis.date(month_index // 12, month_index % 12 + 1, 1)


def _shape_and_start(
    key: ir.StringValue, ctx: CompileContext
) -> tuple[ir.BooleanValue, ir.DateValue]:
    """A predicate for keys of the context's grain and the start date they name."""
    import ibis

    fiscal = key.startswith("FY")
    grain = ctx.grain
    if grain is Grain.DAY:
        return (~fiscal & (key.length() == 10)), ibis.date(
            _int(key, 0, 4), _int(key, 5, 2), _int(key, 8, 2)
        )
    if grain is Grain.WEEK:
        jan4 = ibis.date(_int(key, 0, 4), 1, 4).cast("timestamp")
        monday = jan4 - ibis.date(_int(key, 0, 4), 1, 4).day_of_week.index().as_interval("D")
        start = (monday + ((_int(key, 6, 2) - 1) * 7).as_interval("D")).date()
        return key.contains("-W"), start
    if grain is Grain.MONTH:
        return (~fiscal & (key.length() == 7)), ibis.date(_int(key, 0, 4), _int(key, 5, 2), 1)
    if grain is Grain.QUARTER:
        return (fiscal & key.contains("-Q")), _fiscal_block(key, 3, ctx)
    if grain is Grain.HALF:
        return (fiscal & key.contains("-H")), _fiscal_block(key, 6, ctx)
    return (fiscal & (key.length() == 6)), _fiscal_block(key, 12, ctx)


_ROLLED_UP = (Grain.QUARTER, Grain.HALF, Grain.FISCAL_YEAR)

_ROLLUP_NOTE = {
    "en": {
        "sum": "the sum of the months entered",
        "average": "the average of the months entered (each month weighs the same)",
        "last": "the latest month entered",
    },
    "ja": {
        "sum": "入力済みの月の合計",
        "average": "入力済みの月の平均（各月同じ重み）",
        "last": "入力済みの最新月の値",
    },
}


def rollup_note(metric: ManualMetric, lang: str = "en") -> str:
    """How a manual metric's quarter, half and fiscal year are made (for ``explain``)."""
    how = _ROLLUP_NOTE["ja" if lang == "ja" else "en"][metric.rollup or "average"]
    if lang == "ja":
        return (
            f"四半期・半期・年度の値: その期間に入力された値、なければ{how}"
            f"（rollup: {metric.rollup or 'average'}）"
        )
    return (
        f"quarter, half and fiscal year: the value entered for the period, else {how} "
        f"(rollup: {metric.rollup or 'average'})"
    )


def _entered(rows: ir.Table, ctx: CompileContext) -> ir.Table:
    """The rows entered at the context's grain: period_start, dimension_value, value."""
    shape, _ = _shape_and_start(rows.period, ctx)
    rows = rows.filter(shape)
    _, start = _shape_and_start(rows.period, ctx)
    return rows.select(
        period_start=start.cast("date"),
        dimension_value=rows.dimension_value.cast("string"),
        value=rows.value.cast("float64"),
    )


def _rolled_months(rows: ir.Table, rollup: str, ctx: CompileContext) -> ir.Table:
    """The monthly rows rolled up to the context's grain (module doc)."""
    months = _entered(rows, replace(ctx, grain=Grain.MONTH))
    months = months.mutate(block=period_start(months.period_start, ctx.grain, ctx.fy_start))
    grouped = months.group_by(["block", "dimension_value"])
    if rollup == "sum":
        agg = grouped.aggregate(value=months.value.sum())
    elif rollup == "last":
        agg = grouped.aggregate(value=months.value.argmax(months.period_start))
    else:
        agg = grouped.aggregate(value=months.value.mean())
    return agg.select(
        period_start=agg.block.cast("date"),
        dimension_value=agg.dimension_value.cast("string"),
        value=agg.value.cast("float64"),
    )


def compile_manual(metric: ManualMetric, ctx: CompileContext) -> ir.Table:
    import ibis

    if not ctx.node_id:
        raise ctx.error("a manual metric needs the node id", "pass node_id to compile_metric")
    values = ctx.tables["manual_values"]
    dimension = ctx.dimension or NO_DIMENSION
    rows = values.filter(values.node_id == ctx.node_id, values.dimension == dimension)
    found = _entered(rows, ctx)
    if ctx.grain in _ROLLED_UP:  # a value entered for the period wins over its months
        rolled = _rolled_months(rows, metric.rollup or "average", ctx)
        own = found.select(own_start=found.period_start, own_value=found.dimension_value)
        missing = rolled.anti_join(
            own,
            (rolled.period_start == own.own_start) & (rolled.dimension_value == own.own_value),
        )
        found = found.union(missing.select(*found.columns))
    return found.select(
        period_start=found.period_start,
        dimension_value=found.dimension_value,
        value=found.value,
        numerator=found.value,
        denominator=ibis.literal(None, type="float64"),
        maturing=ibis.literal(False),
    )
