"""Dimensions and filters: which column they name, on which table, and how to apply them.

A metric reads one *fact* table (lead funnel, deals, spend, web traffic, activities). A
dimension or filter column is taken from the fact table when it has it, else from
``leads`` through ``lead_key`` (left join: facts without a lead keep the '(none)' value),
else it is an error naming the columns that would have worked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ikkan.errors import Location, UserError, did_you_mean, valid_values
from ikkan.model.canonical import LEADS, TABLES_BY_NAME, ColumnType
from ikkan.model.metric_filters import FilterCondition, FilterScalar
from ikkan.model.periods import Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir

NO_DIMENSION = ""
"""``dimension_value`` of the whole (no dimension asked for)."""

MISSING_VALUE = "(none)"
"""``dimension_value`` of rows whose dimension column is empty."""


class MetricCompileError(UserError):
    """A metric cannot be compiled as asked (unknown stage, column, dimension ...)."""


@dataclass(frozen=True)
class Span:
    """One range of days (grain ``range``): every row dated ``start`` … ``end`` (both
    included) falls in the one period, keyed ``key`` (``ALL`` or ``start..end``)."""

    start: date
    end: date
    key: str


@dataclass(frozen=True)
class CompileContext:
    """Everything a metric needs besides its spec."""

    tables: Mapping[str, ir.Table]
    grain: Grain
    fy_start: int
    dimension: str | None
    stages: tuple[str, ...]
    as_of: date | None
    node_id: str | None
    location: Location | None
    span: Span | None = None  # grain range: the days measured as one period

    def error(self, message: str, hint: str | None = None) -> MetricCompileError:
        return MetricCompileError(message, location=self.location, hint=hint)


def _leads_can_join(fact_name: str) -> bool:
    return fact_name in {"lead_stages", "deals", "activities"}


def _available(fact_name: str) -> list[str]:
    own = list(TABLES_BY_NAME[fact_name].column_names) if fact_name != "lead_stages" else []
    if _leads_can_join(fact_name):
        own += [c for c in LEADS.column_names if c not in own]
    return own


def _column_type(fact_name: str, column: str) -> ColumnType:
    table = TABLES_BY_NAME[fact_name]
    if column in table.column_names and fact_name != "lead_stages":
        return table.column(column).type
    return LEADS.column(column).type


Bound = FilterScalar | date | datetime


def _coerce(value: FilterScalar, kind: ColumnType, column: str, ctx: CompileContext) -> Bound:
    """``value`` in the column's type, or a located error saying what was expected."""
    try:
        if kind is ColumnType.INT64:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value) if not isinstance(value, str) else int(float(value))
        if kind is ColumnType.FLOAT64:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if kind is ColumnType.DATE:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind is ColumnType.TIMESTAMP:
            if isinstance(value, datetime):
                return value
            text = str(value)
            return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except (TypeError, ValueError):
        expected = {
            ColumnType.INT64: "a whole number",
            ColumnType.FLOAT64: "a number",
            ColumnType.DATE: "a date (YYYY-MM-DD)",
            ColumnType.TIMESTAMP: "a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
        }[kind]
        raise ctx.error(
            f"filter '{column}': {value!r} is not {expected}",
            f"'{column}' holds {expected.split(' (')[0].removeprefix('a ')} values",
        ) from None
    if kind is ColumnType.BOOL:
        return value if isinstance(value, bool) else str(value).lower() in {"true", "1", "yes"}
    return str(value)


def condition(
    fact: ir.Table, column: str, wanted: FilterCondition, kind: ColumnType, ctx: CompileContext
) -> ir.BooleanValue:
    """The predicate of one filter (module doc of ``FilterCondition``: empty cells)."""
    import ibis

    cell = fact[column]
    empty = cell.isnull() | (cell == "") if kind is ColumnType.STRING else cell.isnull()
    parts: list[ir.BooleanValue] = []

    def bound(value: FilterScalar) -> Bound:
        return _coerce(value, kind, column, ctx)

    ranges = wanted.ranges()
    if ranges and kind not in _ORDERED:
        raise ctx.error(
            f"filter '{column}': {', '.join(ranges)} compare numbers and dates, "
            f"and '{column}' holds {kind.value} values",
            "use in / not_in / eq / ne for text, true / false for flags",
        )
    if wanted.eq is not None:
        parts.append(cell == bound(wanted.eq))
    if wanted.ne is not None:
        parts.append(empty | (cell != bound(wanted.ne)))
    for name, value in ranges.items():
        limit = bound(value)
        if kind is ColumnType.TIMESTAMP and not isinstance(limit, datetime):
            assert isinstance(limit, date)  # a date bound on a timestamp: the whole day
            day = datetime.combine(limit, time.min)
            name, limit = {
                "gt": ("gte", day + timedelta(days=1)),
                "gte": ("gte", day),
                "lt": ("lt", day),
                "lte": ("lt", day + timedelta(days=1)),
            }[name]
        literal = ibis.literal(limit)
        compare = {"gt": cell > literal, "gte": cell >= literal, "lt": cell < literal}
        parts.append(compare.get(name, cell <= literal))
    if wanted.in_ is not None:
        parts.append(cell.isin([bound(v) for v in wanted.in_]))
    if wanted.not_in is not None:
        parts.append(empty | ~cell.isin([bound(v) for v in wanted.not_in]))
    if wanted.null is not None:
        parts.append(empty if wanted.null else ~empty)
    predicate = parts[0]
    for part in parts[1:]:
        predicate = predicate & part
    return predicate


_ORDERED = (ColumnType.INT64, ColumnType.FLOAT64, ColumnType.DATE, ColumnType.TIMESTAMP)


def scope(
    fact: ir.Table,
    fact_name: str,
    ctx: CompileContext,
    filters: Mapping[str, FilterCondition],
    *,
    dimension: str | None = None,
    use_dimension: bool = True,
) -> ir.Table:
    """``fact`` with the filters applied and a ``dimension_value`` string column added.

    ``fact_name`` names the canonical table the fact rows come from ('lead_stages' for the
    funnel, whose dimensions all come from ``leads``).
    """
    import ibis

    wanted_dimension = (dimension or ctx.dimension) if use_dimension else None
    needed = [*filters, *([wanted_dimension] if wanted_dimension else [])]
    available = _available(fact_name)
    for column in needed:
        if column not in available:
            what = "dimension" if column == wanted_dimension else "filter column"
            raise ctx.error(
                f"{what} '{column}' is not a column of {fact_name}"
                + (" or leads" if _leads_can_join(fact_name) else ""),
                did_you_mean(column, available) or valid_values(available),
            )
    from_leads = [c for c in dict.fromkeys(needed) if c not in fact.columns]
    if from_leads:
        leads = ctx.tables["leads"]
        right = leads.select(_lead_key=leads.lead_key, **{c: leads[c] for c in from_leads})
        fact = fact.left_join(right, fact.lead_key == right._lead_key).drop("_lead_key")
    for column, wanted in filters.items():
        kind = _column_type(fact_name, column)
        fact = fact.filter(condition(fact, column, wanted, kind, ctx))
    if wanted_dimension:
        label = fact[wanted_dimension].cast("string")
        value = ibis.ifelse(label.isnull() | (label == ""), MISSING_VALUE, label)
    else:
        value = ibis.literal(NO_DIMENSION)
    return fact.mutate(dimension_value=value)


def shared_columns(*fact_names: str) -> list[str]:
    """Columns every one of ``fact_names`` can be split by."""
    sets = [set(_available(name)) for name in fact_names]
    return sorted(set.intersection(*sets))
