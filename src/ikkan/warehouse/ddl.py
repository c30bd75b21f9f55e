"""DDL generated from the canonical tables (``ikkan.model.canonical``), never hand-written."""

from __future__ import annotations

from collections.abc import Mapping

from ikkan.model.canonical import ColumnType, Table
from ikkan.warehouse.sql import column_list, quote_ident

IMPORT_ID_SEQUENCE = "ikkan_import_id_seq"
SCHEMA_VERSION_TABLE = "schema_version"


def create_table_sql(
    table: Table,
    type_names: Mapping[ColumnType, str],
    *,
    name: str | None = None,
    temporary: bool = False,
    if_not_exists: bool = True,
    primary_key: bool = True,
) -> str:
    """``CREATE TABLE`` for ``table`` with the engine's type names."""
    lines = []
    for column in table.columns:
        null = "" if column.nullable and column.name not in table.primary_key else " NOT NULL"
        lines.append(f"{quote_ident(column.name)} {type_names[column.type]}{null}")
    if primary_key and table.primary_key:
        lines.append(f"PRIMARY KEY ({column_list(table.primary_key)})")
    temp = "TEMPORARY " if temporary else ""
    exists = "IF NOT EXISTS " if if_not_exists else ""
    body = ",\n  ".join(lines)
    return f"CREATE {temp}TABLE {exists}{quote_ident(name or table.name)} (\n  {body}\n)"


def create_schema_version_sql(type_names: Mapping[ColumnType, str]) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {quote_ident(SCHEMA_VERSION_TABLE)} ("
        f'"version" {type_names[ColumnType.INT64]} NOT NULL PRIMARY KEY, '
        f'"applied_at" {type_names[ColumnType.TIMESTAMP]} NOT NULL)'
    )


def create_sequence_sql() -> str:
    return f"CREATE SEQUENCE IF NOT EXISTS {quote_ident(IMPORT_ID_SEQUENCE)}"


def add_column_sql(table: Table, column: str, type_names: Mapping[ColumnType, str]) -> str:
    """``ALTER TABLE … ADD COLUMN IF NOT EXISTS`` for a nullable column a later schema adds."""
    kind = type_names[table.column(column).type]
    return (
        f"ALTER TABLE {quote_ident(table.name)} "
        f"ADD COLUMN IF NOT EXISTS {quote_ident(column)} {kind}"
    )
