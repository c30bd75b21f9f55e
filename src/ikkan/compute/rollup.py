"""Day parts (``compute.parts``) rolled up to periods, and the metric's values from them.

Pure Arrow, no SQL: the day parts of one metric are a few thousand rows. Periods are
those of ``ikkan.model.periods.period_containing`` (so keys are the canonical ones), and
values follow compute's conventions exactly: a ratio is ``p1 / p2``, NULL where ``p2`` is
0 or NULL; romi is ``(revenue − spend) / spend``; retention is maturing while a renewal of
the period is open; a cohort while ``period end + window_days`` is after ``as_of``.

Sums are taken in a fixed order (rows sorted by dimension, value and day, one thread), so
the same day parts always give bit-identical values. Integer parts (counts) are exact;
float parts (amounts) may differ from a per-period SQL sum in the last bits, since they
are added day by day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from ikkan.compute.scope import NO_DIMENSION
from ikkan.model.metrics import AnyMetric
from ikkan.model.periods import Period, period_containing

if TYPE_CHECKING:
    import pyarrow as pa

ROLLED_COLUMNS = (
    "grain",
    "period",
    "period_start",
    "period_end",
    "dimension",
    "dimension_value",
    "value",
    "numerator",
    "denominator",
    "maturing",
)

_SINGLE = {"stage_count", "deal_count", "spend", "activity_count"}


@cache
def _period(day: date, grain: str, fy_start: int) -> Period:
    return period_containing(day, grain, fy_start)


def rolled_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("grain", pa.string()),
            ("period", pa.string()),
            ("period_start", pa.date32()),
            ("period_end", pa.date32()),
            ("dimension", pa.string()),
            ("dimension_value", pa.string()),
            ("value", pa.float64()),
            ("numerator", pa.float64()),
            ("denominator", pa.float64()),
            ("maturing", pa.bool_()),
        ]
    )


@dataclass(frozen=True)
class RollupSpec:
    """How one node's day parts roll up (see ``rollup``)."""

    metric: AnyMetric
    totals_from: str = NO_DIMENSION
    since: date | None = None


def rollup(
    daily: pa.Table,
    metric: AnyMetric,
    *,
    grains: Sequence[str],
    fiscal_year_start: int = 4,
    as_of: date | None = None,
    totals_from: str = NO_DIMENSION,
    since: date | None = None,
) -> pa.Table:
    """Every period of ``grains`` (ending on or after ``since``, when given) of one metric.

    ``daily`` has ``dimension``, ``dimension_value``, ``day``, ``p1``-``p3``: rows split by
    dimensions, and the whole either as rows of dimension ``''`` or (``totals_from``) as
    the sum over the values of that dimension (each fact has exactly one value).
    """
    import pyarrow as pa

    node = pa.array([""] * daily.num_rows, pa.string())
    rolled = rollup_nodes(
        daily.append_column("node_id", node),
        {"": RollupSpec(metric, totals_from, since)},
        grains=grains,
        fiscal_year_start=fiscal_year_start,
        as_of=as_of,
    )
    return rolled.get("", rolled_schema().empty_table())


def rollup_nodes(
    daily: pa.Table,
    specs: Mapping[str, RollupSpec],
    *,
    grains: Sequence[str],
    fiscal_year_start: int = 4,
    as_of: date | None = None,
) -> dict[str, pa.Table]:
    """``rollup`` of many nodes at once: ``daily`` has a ``node_id`` column too, ``specs``
    say how each node rolls up; the result holds the rolled rows of each node with rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if daily.num_rows == 0:
        return {}
    plain = pa.schema(
        [("node_id", pa.string()), ("dimension", pa.string()), ("dimension_value", pa.string())]
        + [("day", pa.date32())]
        + [(name, pa.float64()) for name in ("p1", "p2", "p3")]
    )
    daily = daily.select(plain.names).cast(plain)
    daily = daily.take(_sort_indices(daily))
    nodes = list(specs)
    at_node = pc.index_in(daily.column("node_id"), value_set=pa.array(nodes, pa.string()))
    totals_from = pc.take(pa.array([specs[n].totals_from for n in nodes], pa.string()), at_node)
    since = pc.take(pa.array([specs[n].since for n in nodes], pa.date32()), at_node)
    daily = daily.append_column("since", since)
    days = pc.unique(daily.column("day"))
    day_list: list[date] = days.to_pylist()
    at_day = pc.index_in(daily.column("day"), value_set=days)
    split_mask = pc.not_equal(daily.column("dimension"), NO_DIMENSION)
    whole_mask = pc.equal(daily.column("dimension"), totals_from)
    recent = any(spec.since is not None for spec in specs.values())
    out = []
    for grain in grains:
        periods = [_period(d, grain, fiscal_year_start) for d in day_list]
        starts = pa.array([p.start for p in periods], pa.date32())
        table = daily.append_column("period_start", pc.take(starts, at_day))
        splits, wholes = split_mask, whole_mask
        if recent:  # only the days of periods kept (a period's days are kept or not, all)
            ends = pc.take(pa.array([p.end for p in periods], pa.date32()), at_day)
            kept_day = pc.fill_null(pc.greater_equal(ends, daily.column("since")), True)
            splits, wholes = pc.and_(split_mask, kept_day), pc.and_(whole_mask, kept_day)
        keys = ["node_id", "since", "dimension", "dimension_value", "period_start"]
        split = _sum(table.filter(splits), keys)
        whole = _sum(table.filter(wholes), ["node_id", "since", "period_start"])
        n = whole.num_rows
        whole = whole.append_column("dimension", pa.array([NO_DIMENSION] * n, pa.string()))
        whole = whole.append_column("dimension_value", pa.array([NO_DIMENSION] * n, pa.string()))
        both = pa.concat_tables([whole.select(split.column_names), split])
        out.append(_periods(both, grain, periods))
    rolled = pa.concat_tables(out)
    kept = pc.greater_equal(rolled.column("period_end"), rolled.column("since"))
    rolled = rolled.filter(pc.fill_null(kept, True))
    # each node's rows in their order (a stable sort by node, sliced: not a filter per node)
    at = pc.index_in(rolled.column("node_id"), value_set=pa.array(nodes, pa.string()))
    rolled = rolled.take(pc.sort_indices(at))
    counts = pc.value_counts(at).to_pylist()  # rows of a node without a spec: sorted last
    sizes = {nodes[c["values"]]: c["counts"] for c in counts if c["values"] is not None}
    result = {}
    offset = 0
    for node_id in nodes:
        size = sizes.get(node_id, 0)
        if size:
            result[node_id] = _finish(rolled.slice(offset, size), specs[node_id].metric, as_of)
        offset += size
    return result


def _sort_indices(daily: pa.Table) -> pa.Array:
    """The order of node, dimension, dimension value and day (ascending, nulls last, stable:
    what ``sort_by`` on those columns gives), sorting each string column's few distinct
    values once and the rows by their ranks (integers sort several times faster)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = []
    for name in ("node_id", "dimension", "dimension_value"):
        encoded = pc.dictionary_encode(daily.column(name)).combine_chunks()
        ranks = pc.rank(encoded.dictionary, sort_keys="ascending", tiebreaker="dense")
        rank = pc.take(ranks, encoded.indices)  # a null value: no index, sorted last
        keys.append((name, pc.fill_null(rank, len(encoded.dictionary) + 1)))
    keys.append(("day", daily.column("day")))
    ranked = pa.table(dict(keys))
    return pc.sort_indices(ranked, sort_keys=[(name, "ascending") for name, _ in keys])


def _sum(table: pa.Table, keys: list[str]) -> pa.Table:
    aggregated = table.group_by(keys, use_threads=False).aggregate(
        [("p1", "sum"), ("p2", "sum"), ("p3", "sum")]
    )
    return aggregated.rename_columns(
        [
            {"p1_sum": "p1", "p2_sum": "p2", "p3_sum": "p3"}.get(c, c)
            for c in aggregated.column_names
        ]
    )


def _periods(rolled: pa.Table, grain: str, periods: list[Period]) -> pa.Table:
    """The grain, period key and end beside each period start."""
    import pyarrow as pa
    import pyarrow.compute as pc

    by_start = {p.start: p for p in periods}
    unique = sorted(by_start)
    at = pc.index_in(rolled.column("period_start"), value_set=pa.array(unique, pa.date32()))
    keys = pc.take(pa.array([by_start[s].key for s in unique], pa.string()), at)
    ends = pc.take(pa.array([by_start[s].end for s in unique], pa.date32()), at)
    grains = pa.array([grain] * rolled.num_rows, pa.string())
    return (
        rolled.append_column("grain", grains)
        .append_column("period", keys)
        .append_column("period_end", ends)
    )


def _finish(rolled: pa.Table, metric: AnyMetric, as_of: date | None) -> pa.Table:
    import pyarrow as pa

    value, numerator, denominator = _values(metric, rolled)
    columns = {
        "grain": rolled.column("grain"),
        "period": rolled.column("period"),
        "period_start": rolled.column("period_start"),
        "period_end": rolled.column("period_end"),
        "dimension": rolled.column("dimension"),
        "dimension_value": rolled.column("dimension_value"),
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "maturing": _maturing(metric, rolled, as_of),
    }
    return pa.table(columns, schema=rolled_schema())


def _ratio(numerator: pa.Array, denominator: pa.Array) -> pa.Array:
    """numerator ÷ denominator; NULL where the denominator is 0 or NULL (as ``ratio``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    zero = pc.equal(denominator, 0.0)
    safe = pc.if_else(zero, pa.scalar(None, pa.float64()), denominator)
    return pc.divide(numerator, safe)


def _values(metric: AnyMetric, rolled: pa.Table) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(value, numerator, denominator) of the metric from its summed parts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    p1 = rolled.column("p1").combine_chunks()
    p2 = rolled.column("p2").combine_chunks()
    none = pa.nulls(rolled.num_rows, pa.float64())
    kind = metric.type
    single = kind in _SINGLE
    single |= kind == "web" and getattr(metric, "measure", None) != "cvr"
    single |= kind == "deal_amount" and not getattr(metric, "average", False)
    if single:
        return p1, p1, none
    if kind == "romi":
        profit = pc.subtract(p1, p2)
        return _ratio(profit, p2), profit, p2
    return _ratio(p1, p2), p1, p2


def _maturing(metric: AnyMetric, rolled: pa.Table, as_of: date | None) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = rolled.num_rows
    if metric.type == "retention":
        return pc.fill_null(pc.greater(rolled.column("p3"), 0.0), False).combine_chunks()
    window = getattr(metric, "window_days", None)
    if metric.type == "conversion" and window is not None and as_of is not None:
        flags = [
            end + timedelta(days=window) > as_of for end in rolled.column("period_end").to_pylist()
        ]
        return pa.array(flags, pa.bool_())
    return pa.array([False] * n, pa.bool_())
