"""Canonical tables read from tables the company already has (``warehouse.canonical``).

A mapped canonical table becomes a temporary view of the same name in every session
(``SELECT CAST(<source column> AS <canonical type>) AS <canonical column> … FROM
<existing table>``), so everything that reads ``leads`` (refresh, drill-down, quality)
reads the existing table, on DuckDB, PostgreSQL and Spark alike. Temporary views shadow
the imported tables of the same name: DuckDB, PostgreSQL and Spark all look in the
session's temporary namespace first.

``check_mappings`` is what ``ikkan validate`` runs: every mapped column must exist and
have a usable type; each problem names the YAML line, the table, the column, the type
found and a fix.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident or checked paths

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from ikkan.errors import did_you_mean, valid_values
from ikkan.model.canonical import BOOKKEEPING, TABLES_BY_NAME, ColumnType, Table
from ikkan.warehouse.sql import quote_ident

if TYPE_CHECKING:
    from ikkan.model.spec import CanonicalSourceSpec, MappableTable
    from ikkan.warehouse.protocols import SessionLike

_NAME_PART = r"[A-Za-z_][A-Za-z0-9_$]*"
_TABLE_NAME = re.compile(rf"^{_NAME_PART}(\.{_NAME_PART}){{0,2}}$")
SYSTEM = "warehouse"  # source_system of rows read from an existing table
DEFAULTS: dict[str, str] = {  # canonical columns an existing table need not have
    "source_system": f"'{SYSTEM}'",
    "content_hash": "''",
    "import_id": "0",
}


@dataclass(frozen=True)
class TableMapping:
    """One canonical table read from ``relation`` (SQL text, identifiers quoted)."""

    canonical: str
    relation: str
    written: str  # the table or path as written in ikkan.yml, for messages
    columns: Mapping[str, str]  # canonical column -> source column (as written)

    @property
    def definition(self) -> Table:
        return TABLES_BY_NAME[self.canonical]


@dataclass(frozen=True)
class MappingProblem:
    """A mapping problem: ``path`` is the YAML path below ``warehouse.canonical.<table>``."""

    canonical: str
    path: tuple[str, ...]
    message: str
    hint: str


def relation_sql(spec: CanonicalSourceSpec, *, engine: str) -> str:
    """The SQL text naming the existing table (each name part quoted) or Parquet path."""
    if spec.table is not None:
        if not _TABLE_NAME.match(spec.table):
            raise ValueError(
                f"'{spec.table}' is not a table name (use name, schema.name or catalog.schema.name)"
            )
        return ".".join(quote_ident(part) for part in spec.table.split("."))
    assert spec.path is not None
    if engine != "pyspark":
        raise ValueError("path: reads a Parquet directory in place, which only Spark does")
    if "`" in spec.path or not spec.path.startswith("/"):
        raise ValueError(f"path '{spec.path}' must be absolute and must not hold a backtick")
    return f"parquet.`{spec.path}`"


def build_mappings(
    specs: Mapping[MappableTable, CanonicalSourceSpec], *, engine: str
) -> tuple[dict[str, TableMapping], list[MappingProblem]]:
    """The mappings ``specs`` describe, and the problems found without a connection."""
    mappings: dict[str, TableMapping] = {}
    problems: list[MappingProblem] = []
    for canonical, spec in specs.items():
        definition = TABLES_BY_NAME[canonical]
        written = spec.table or spec.path or ""
        try:
            relation = relation_sql(spec, engine=engine)
        except ValueError as exc:
            key = "table" if spec.table is not None else "path"
            problems.append(MappingProblem(canonical, (key,), str(exc), _TABLE_HINT))
            continue
        for column in spec.columns:
            if column not in definition.column_names:
                choices = [c for c in definition.column_names if c not in BOOKKEEPING]
                problems.append(
                    MappingProblem(
                        canonical,
                        ("columns", column),
                        f"{canonical} has no column '{column}'",
                        did_you_mean(column, choices) or valid_values(choices),
                    )
                )
        columns = {k: v for k, v in spec.columns.items() if k in definition.column_names}
        mappings[canonical] = TableMapping(canonical, relation, written, columns)
    return mappings, problems


_TABLE_HINT = "write the table as name, schema.name or catalog.schema.name (letters, digits, _)"


def source_types(session: SessionLike, mapping: TableMapping) -> dict[str, pa.DataType]:
    """The existing table's columns and their Arrow types (one query returning no rows)."""
    empty = session.query(f"SELECT * FROM {mapping.relation} WHERE 1 = 0")
    return {field.name: field.type for field in empty.schema}


def check_mapping(mapping: TableMapping, found: Mapping[str, pa.DataType]) -> list[MappingProblem]:
    """Every canonical column: its source exists and has a type that converts cleanly."""
    problems: list[MappingProblem] = []
    lowered = {name.lower(): name for name in found}
    for column in mapping.definition.columns:
        explicit = column.name in mapping.columns
        source = mapping.columns.get(column.name, column.name)
        actual = found.get(source) or found.get(lowered.get(source.lower(), ""))
        path = ("columns", column.name) if explicit else ("table",)
        if actual is None:
            if explicit:
                problems.append(
                    MappingProblem(
                        mapping.canonical,
                        path,
                        f"{mapping.written} has no column '{source}' (mapped to "
                        f"{mapping.canonical}.{column.name})",
                        did_you_mean(source, list(found)) or valid_values(list(found)),
                    )
                )
            elif _required(mapping, column.name):
                problems.append(
                    MappingProblem(
                        mapping.canonical,
                        path,
                        f"{mapping.canonical}.{column.name} is required, and {mapping.written} "
                        f"has no column of that name",
                        f"map it: columns: {{{column.name}: <column of {mapping.written}>}}",
                    )
                )
            continue
        if not usable(column.type, actual):
            problems.append(
                MappingProblem(
                    mapping.canonical,
                    path,
                    f"{mapping.written}.{source} has type {actual}, which cannot be read as "
                    f"{mapping.canonical}.{column.name} ({column.type.value})",
                    _type_hint(column.type, actual, source),
                )
            )
    return problems


def _required(mapping: TableMapping, column: str) -> bool:
    definition = mapping.definition
    if column in DEFAULTS or column in BOOKKEEPING:
        return False
    if column == "source_id" and definition.primary_key:
        return False  # defaults to the key
    return not definition.column(column).nullable or column in definition.primary_key


def usable(target: ColumnType, found: pa.DataType) -> bool:
    """Whether a column of Arrow type ``found`` converts to ``target`` without guessing."""
    t = pa.types
    if t.is_null(found):
        return True
    if target in (ColumnType.STRING, ColumnType.JSON):
        return bool(t.is_string(found) or t.is_large_string(found) or t.is_integer(found))
    if target is ColumnType.INT64:
        return bool(t.is_integer(found) or (t.is_decimal(found) and found.scale == 0))
    if target is ColumnType.FLOAT64:
        return bool(t.is_integer(found) or t.is_floating(found) or t.is_decimal(found))
    if target is ColumnType.BOOL:
        return bool(t.is_boolean(found))
    if target in (ColumnType.DATE, ColumnType.TIMESTAMP):
        return bool(t.is_date(found) or (t.is_timestamp(found) and found.tz is None))
    return False


def _type_hint(target: ColumnType, found: pa.DataType, source: str) -> str:
    if pa.types.is_timestamp(found) and found.tz is not None:
        return (
            f"ikkan's times are local times without a zone: create a view converting "
            f"{source} (e.g. {source} AT TIME ZONE 'Asia/Tokyo') and map that view"
        )
    if pa.types.is_string(found) and target in (ColumnType.DATE, ColumnType.TIMESTAMP):
        return f"create a view parsing {source} into a {target.value} and map that view"
    return f"create a view casting {source} to a {target.value} column and map that view"


def view_sql(
    mapping: TableMapping, type_names: Mapping[ColumnType, str], found: frozenset[str]
) -> str:
    """``CREATE OR REPLACE TEMPORARY VIEW <canonical> AS SELECT …`` over the existing
    table; ``found`` holds its column names (absent optional columns read as NULL)."""
    definition = mapping.definition
    key = definition.primary_key[0] if definition.primary_key else None
    by_lower = {name.lower(): name for name in found}
    outputs = []
    for column in definition.columns:
        kind = type_names[column.type]
        source = by_lower.get(mapping.columns.get(column.name, column.name).lower())
        if source is not None:
            value = quote_ident(source)
        elif column.name == "source_id" and key is not None:
            value = quote_ident(by_lower.get(mapping.columns.get(key, key).lower(), key))
        else:
            value = DEFAULTS.get(column.name, "NULL")
        outputs.append(f"CAST({value} AS {kind}) AS {quote_ident(column.name)}")
    return (
        f"CREATE OR REPLACE TEMPORARY VIEW {quote_ident(definition.name)} AS SELECT "
        f"{', '.join(outputs)} FROM {mapping.relation}"
    )


def problem_text(problem: MappingProblem) -> str:
    return f"warehouse.canonical.{problem.canonical}: {problem.message}"
