"""The lead funnel, built inside the compiled expression.

One row per lead (``lead_key``) with, for each stage a metric needs, the entry time:

- strict: the first ``entered_at`` recorded for that stage;
- inferred: the earliest ``entered_at`` of that stage *or any later stage* (stage order is
  the project's ``stages``), so a lead that reached ``opportunity`` without an ``mql`` date
  passed ``mql`` when it reached ``opportunity``. Inferred times are monotone along the
  funnel, and inferred ``from`` ≤ inferred ``to`` always.

It is one GROUP BY over ``lead_stages`` (a single scan with one filtered MIN per needed
stage column), not a materialised ``lead_funnel`` table: nothing has to be refreshed before
a metric runs, and only the columns a metric needs are computed. Rows whose stage is not in
the project's funnel are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ikkan.compute.scope import CompileContext
from ikkan.errors import did_you_mean, valid_values
from ikkan.model.metrics import FunnelMode

if TYPE_CHECKING:
    import ibis.expr.types as ir

PREBUILT_FUNNEL = "lead_funnel_wide"
"""Optional entry of the ``tables`` given to ``compile_metric``: the funnel built once, one
row per lead with a ``<mode>_<index>`` column for every stage and mode (``lead_funnel`` of
all of them), plus any ``leads`` columns, e.g. a temporary table a refresh fills once and
every funnel metric then reads instead of grouping ``lead_stages`` again."""


def check_stage(stage: str, ctx: CompileContext) -> int:
    """The index of ``stage`` in the project's funnel, or a clear error."""
    if stage not in ctx.stages:
        raise ctx.error(
            f"unknown funnel stage '{stage}'",
            did_you_mean(stage, ctx.stages) or valid_values(ctx.stages),
        )
    return ctx.stages.index(stage)


def stage_column(stage: str, mode: FunnelMode, ctx: CompileContext) -> str:
    """The funnel column holding the entry time of ``stage`` in ``mode``."""
    return f"{mode}_{check_stage(stage, ctx)}"


def lead_funnel(needs: Iterable[tuple[str, FunnelMode]], ctx: CompileContext) -> ir.Table:
    """One row per lead with an entry-time column for each (stage, mode) in ``needs``."""
    events = ctx.tables["lead_stages"]
    wanted = {}
    for stage, mode in dict.fromkeys(needs):
        index = check_stage(stage, ctx)
        wanted[stage_column(stage, mode, ctx)] = (
            ctx.stages[index:] if mode == "inferred" else (stage,)
        )
    prebuilt = ctx.tables.get(PREBUILT_FUNNEL)
    if prebuilt is not None:
        return prebuilt  # extra leads' columns are NULL for stages a metric reads: filtered
    relevant = sorted({s for members in wanted.values() for s in members})
    events = events.filter(events.stage.isin(relevant))  # skip rows no column reads
    columns = {}
    for name, members in wanted.items():
        where = events.stage == members[0] if len(members) == 1 else events.stage.isin(members)
        columns[name] = events.entered_at.min(where=where)
    return events.group_by("lead_key").aggregate(**columns)
