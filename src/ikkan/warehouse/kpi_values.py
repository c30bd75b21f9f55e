"""Atomic replacement of a scope of ``kpi_values`` (compute writes through this)."""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.model.canonical import KPI_VALUES
from ikkan.warehouse.arrow_schema import arrow_schema
from ikkan.warehouse.sql import quote_ident

if TYPE_CHECKING:
    from ikkan.warehouse.protocols import TransactionalWarehouse


@dataclass(frozen=True)
class ReplaceCounts:
    deleted: int
    inserted: int


def _scope_values(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _as_table(rows: pa.Table | Sequence[Mapping[str, Any]]) -> pa.Table:
    schema = arrow_schema(KPI_VALUES)
    if isinstance(rows, pa.Table):
        missing = [n for n in schema.names if n not in rows.column_names]
        if missing:
            raise ValueError(f"kpi_values rows lack column(s): {', '.join(missing)}")
        return rows.select(schema.names).cast(schema)
    return pa.Table.from_pylist([dict(r) for r in rows], schema=schema)


def duplicate_keys(data: pa.Table) -> tuple[Any, ...] | None:
    """The first key that two rows of ``data`` (kpi_values-shaped) share, or None (checked
    here: DuckDB's kpi_values has no PRIMARY KEY to refuse them, ``UNKEYED_TABLES``)."""
    keys = list(KPI_VALUES.primary_key)
    if data.num_rows < 2:
        return None
    counts = data.select(keys).group_by(keys).aggregate([([], "count_all")])
    if counts.num_rows == data.num_rows:
        return None
    repeated = counts.filter(pc.greater(counts.column("count_all"), 1)).slice(0, 1)
    return tuple(repeated.select(keys).to_pylist()[0].values())


def replace_kpi_values(
    warehouse: TransactionalWarehouse,
    rows: pa.Table | Sequence[Mapping[str, Any]],
    scope: Mapping[str, Any],
) -> ReplaceCounts:
    """Delete every kpi_values row matching ``scope``, insert ``rows``: one transaction.

    ``scope`` maps kpi_values columns to a value or a list of values (``IN``); an empty
    scope replaces the whole table. Every row must lie inside the scope, so a refresh can
    never leave stale and fresh values side by side.
    """
    data = _as_table(rows)
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in scope.items():
        if column not in KPI_VALUES.column_names:
            raise ValueError(f"unknown kpi_values column in scope: {column!r}")
        values = _scope_values(value)
        if not values:
            raise ValueError(f"empty value list for scope column {column!r}")
        inside = pc.is_in(data.column(column), value_set=pa.array(values))
        if data.num_rows and not pc.all(inside).as_py():
            raise ValueError(f"rows outside the scope: {column} not in {values!r}")
        clauses.append(f"{quote_ident(column)} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    duplicated = duplicate_keys(data)
    if duplicated:
        raise ValueError(f"duplicate kpi_values key in the rows: {duplicated!r}")
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    table = quote_ident(KPI_VALUES.name)
    with warehouse.transaction() as session:
        deleted = int(session.scalar(f"SELECT count(*) FROM {table}{where}", params))
        session.execute(f"DELETE FROM {table}{where}", params)
        if data.num_rows:
            session.insert_arrow(KPI_VALUES, data)
    return ReplaceCounts(deleted, data.num_rows)
