"""Manual metrics: values people typed in (``manual_values``), read by node and period key.

Values are taken at the grain they were entered in (a monthly NPS is not averaged into a
quarter). The period start is parsed from the key in SQL; the key is then rebuilt from the
start like every other metric's, so keys are canonical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.scope import NO_DIMENSION, CompileContext
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


def compile_manual(ctx: CompileContext) -> ir.Table:
    import ibis

    if not ctx.node_id:
        raise ctx.error("a manual metric needs the node id", "pass node_id to compile_metric")
    values = ctx.tables["manual_values"]
    dimension = ctx.dimension or NO_DIMENSION
    rows = values.filter(values.node_id == ctx.node_id, values.dimension == dimension)
    shape, _ = _shape_and_start(rows.period, ctx)
    rows = rows.filter(shape)
    _, start = _shape_and_start(rows.period, ctx)
    return rows.select(
        period_start=start,
        dimension_value=rows.dimension_value,
        value=rows.value.cast("float64"),
        numerator=rows.value.cast("float64"),
        denominator=ibis.literal(None, type="float64"),
        maturing=ibis.literal(False),
    )
