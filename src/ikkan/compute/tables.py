"""The canonical tables as unbound Ibis tables (no connection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.model.canonical import TABLES, ColumnType, Table

if TYPE_CHECKING:
    import ibis.expr.types as ir

IBIS_TYPES: dict[ColumnType, str] = {
    ColumnType.STRING: "string",
    ColumnType.INT64: "int64",
    ColumnType.FLOAT64: "float64",
    ColumnType.BOOL: "boolean",
    ColumnType.DATE: "date",
    ColumnType.TIMESTAMP: "timestamp",
    ColumnType.JSON: "string",  # JSON objects are stored as text
}


def ibis_schema(table: Table) -> dict[str, str]:
    """``{column: ibis type}`` for a canonical table, nullability included."""
    return {
        c.name: IBIS_TYPES[c.type] if c.nullable else f"!{IBIS_TYPES[c.type]}"
        for c in table.columns
    }


def bind_tables() -> dict[str, ir.Table]:
    """Every canonical table as an unbound Ibis table, by name (and the business-day
    numbers, ``compute.business_days``)."""
    import ibis

    from ikkan.compute.business_days import BUSINESS_DAYS

    return {t.name: ibis.table(ibis_schema(t), name=t.name) for t in (*TABLES, BUSINESS_DAYS)}
