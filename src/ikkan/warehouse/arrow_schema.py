"""Canonical tables as Arrow schemas, and conforming a reader's Arrow table to one."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.model.canonical import BOOKKEEPING, ColumnType, Table

_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    ColumnType.STRING: pa.string(),
    ColumnType.INT64: pa.int64(),
    ColumnType.FLOAT64: pa.float64(),
    ColumnType.BOOL: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us"),
    ColumnType.JSON: pa.string(),
}


def arrow_type(column_type: ColumnType) -> pa.DataType:
    return _ARROW_TYPES[column_type]


def arrow_schema(table: Table, *, with_bookkeeping: bool = True) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, arrow_type(c.type), nullable=c.nullable)
            for c in table.columns
            if with_bookkeeping or c.name not in BOOKKEEPING
        ]
    )


class ConformError(ValueError):
    """A reader produced rows that do not fit the canonical table (a reader bug)."""


def conform(table: Table, data: Any, *, origin: str) -> pa.Table:
    """``data`` cast to ``table``'s payload schema, in canonical column order.

    Missing nullable columns are filled with nulls; bookkeeping columns are dropped (the
    loader sets them); unknown columns, impossible casts and nulls in required columns
    raise ``ConformError`` naming the table, column and first offending rows.
    """
    if not isinstance(data, pa.Table):
        raise ConformError(f"{origin}: table '{table.name}' is not a pyarrow.Table")
    known = set(table.column_names)
    unknown = [n for n in data.column_names if n not in known]
    if unknown:
        raise ConformError(
            f"{origin}: table '{table.name}' has columns that are not canonical: "
            + ", ".join(unknown)
            + " (put source-only columns in 'attributes')"
        )
    arrays: list[pa.ChunkedArray] = []
    fields: list[pa.Field] = []
    for column in table.columns:
        if column.name in BOOKKEEPING:
            continue
        target = arrow_type(column.type)
        if column.name in data.column_names:
            values = data.column(column.name)
            if pa.types.is_timestamp(values.type) and values.type.tz is not None:
                raise ConformError(
                    f"{origin}: {table.name}.{column.name} is time-zone aware; canonical "
                    "timestamps are naive wall-clock times in the project time zone"
                )
            try:
                values = values.cast(target) if values.type != target else values
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise ConformError(
                    f"{origin}: {table.name}.{column.name} cannot be read as {column.type}: {exc}"
                ) from exc
        else:
            if not column.nullable:
                raise ConformError(
                    f"{origin}: table '{table.name}' lacks the required column '{column.name}'"
                )
            values = pa.chunked_array([pa.nulls(data.num_rows, target)], type=target)
        if not column.nullable and values.null_count:
            rows = pc.indices_nonzero(pc.is_null(values)).to_pylist()[:5]
            raise ConformError(
                f"{origin}: {table.name}.{column.name} is empty in {values.null_count} row(s) "
                f"(first row indexes {rows}); the reader must reject such rows"
            )
        arrays.append(values)
        fields.append(pa.field(column.name, target, nullable=column.nullable))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
