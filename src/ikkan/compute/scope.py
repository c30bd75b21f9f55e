"""Dimensions and filters: which column they name, on which table, and how to apply them.

A metric reads one *fact* table (lead funnel, deals, spend, web traffic, activities). A
dimension or filter column is taken from the fact table when it has it, else from
``leads`` through ``lead_key`` (left join: facts without a lead keep the '(none)' value),
else it is an error naming the columns that would have worked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ikkan.errors import Location, UserError, did_you_mean, valid_values
from ikkan.model.canonical import LEADS, TABLES_BY_NAME, ColumnType
from ikkan.model.metrics import FilterScalar
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


def _coerce(value: FilterScalar, kind: ColumnType) -> FilterScalar:
    if kind is ColumnType.INT64:
        return int(value)
    if kind is ColumnType.FLOAT64:
        return float(value)
    if kind is ColumnType.BOOL:
        return value if isinstance(value, bool) else str(value).lower() in {"true", "1", "yes"}
    return str(value)


def scope(
    fact: ir.Table,
    fact_name: str,
    ctx: CompileContext,
    filters: Mapping[str, Sequence[FilterScalar]],
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
    for column, values in filters.items():
        kind = _column_type(fact_name, column)
        fact = fact.filter(fact[column].isin([_coerce(v, kind) for v in values]))
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
