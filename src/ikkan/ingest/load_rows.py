"""The Arrow side of a load: a reader's tables in load order, conformed to their canonical
schema, with one row per primary key (the file's last row for a key wins). No warehouse
here; ``ikkan.ingest.load`` writes what ``prepare`` returns (the warehouse adds the content
hashes, see ``ikkan.warehouse.hashing``)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.base import ReadResult
from ikkan.model.canonical import TABLES_BY_NAME, Table
from ikkan.warehouse.arrow_schema import conform
from ikkan.warehouse.sql import quote_ident

KEYS_UNIQUE = b"ikkan.keys_unique"
"""Arrow schema metadata key a reader sets (``mark_keys_unique``) on a table whose primary
keys it has just made unique: the loader then skips its own check. The mark holds the row
count, so a table concatenated or filtered afterwards is checked again."""


# Parents first, so that a reader of the warehouse never sees a stage without its lead.
LOAD_ORDER = (
    "accounts",
    "leads",
    "lead_stages",
    "deals",
    "activities",
    "spend",
    "web_traffic",
    "manual_values",
)


def _ordered(result: ReadResult) -> list[tuple[str, Any]]:
    unknown = [n for n in result.tables if n not in LOAD_ORDER]
    if unknown:
        raise ValueError(
            f"{result.file_path}: reader '{result.reader}' returned table(s) that imports "
            f"cannot write: {', '.join(unknown)} (valid: {', '.join(LOAD_ORDER)})"
        )
    return [(n, result.tables[n]) for n in LOAD_ORDER if n in result.tables]


def prepare(result: ReadResult, warnings: list[str]) -> dict[str, tuple[pa.Table, int]]:
    """Every table of ``result`` conformed to its canonical schema, one row per key (the
    Arrow side of a load, no warehouse needed), with how many rows repeated a key of a
    later row; what it noticed is appended to ``warnings``."""
    return {name: _prepare(name, data, result, warnings) for name, data in _ordered(result)}


def _prepare(name: str, data: Any, result: ReadResult, warnings: list[str]) -> tuple[pa.Table, int]:
    """Conformed rows, one per key (the file's last row for a key wins)."""
    definition = TABLES_BY_NAME[name]
    marked = (data.schema.metadata or {}).get(KEYS_UNIQUE) == str(data.num_rows).encode()
    rows = conform(definition, data, origin=f"{result.file_path} ({result.reader})")
    rows, duplicates = (rows, 0) if marked else _last_per_key(rows, definition)
    if duplicates:
        warnings.append(
            f"{name}: {duplicates} row(s) repeat a key of a later row in the file; "
            "the later row was kept"
        )
    return rows, duplicates


def mark_keys_unique(table: pa.Table) -> pa.Table:
    """``table`` marked as holding each primary key once (see ``KEYS_UNIQUE``)."""
    mark = str(table.num_rows).encode()
    return table.replace_schema_metadata({**(table.schema.metadata or {}), KEYS_UNIQUE: mark})


def _last_per_key(rows: pa.Table, definition: Table) -> tuple[pa.Table, int]:
    keys = list(definition.primary_key)
    if rows.num_rows == 0 or _keys_unique(rows, keys):
        return rows, 0
    indexed = rows.select(keys).append_column("_ikkan_row", pa.array(range(rows.num_rows)))
    last = indexed.group_by(keys, use_threads=False).aggregate([("_ikkan_row", "max")])
    duplicates = rows.num_rows - last.num_rows
    if not duplicates:
        return rows, 0
    keep = pc.sort_indices(last.column("_ikkan_row_max"))
    return rows.take(pc.take(last.column("_ikkan_row_max"), keep)), duplicates


def _keys_unique(rows: pa.Table, keys: list[str]) -> bool:
    """A cheap check that spares the group-by in the common case (no repeated key): a
    parallel DISTINCT in an in-memory DuckDB (NULLs count as one value, as in the group-by)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("ikkan_keys", rows.select(keys))
        columns = ", ".join(quote_ident(k) for k in keys)
        sql = f"SELECT count(*) FROM (SELECT DISTINCT {columns} FROM ikkan_keys)"  # noqa: S608 - identifiers quoted by quote_ident
        found = con.execute(sql).fetchone()
    finally:
        con.close()
    return found is not None and int(found[0]) == rows.num_rows
