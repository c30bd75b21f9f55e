"""``content_hash``: a stable hash of a row's payload columns.

Always DuckDB's md5 over the Arrow rows as read, so DuckDB and PostgreSQL warehouses (and
earlier versions) hold the same hash for the same row. The hash covers ``name=value`` pairs
in sorted column-name order, so it does not depend on the order of the columns.

PostgreSQL gets it from ``content_hashes`` (an in-memory DuckDB, about a second per million
rows) before the rows are staged. A DuckDB warehouse stores it lazily: a row the loader
writes gets ``UNHASHED`` (the empty text), which means "the stored payload is the export's
as last written", so its hash is ``hash_expression`` over the stored values
(``stored_hash_expression``). Computing and storing the md5 of every new row was half of
the load's CPU time (1M leads + 1.7M stage rows: 2.6 of 5.5 CPU-s); it is needed only once
a stored row is edited after loading (a deal's channel filled by attribution), and the code
that edits a row first fixes its hash from the values it is about to change
(``stored_hash_expression`` in the same ``UPDATE``). Rows hashed by earlier versions keep
their md5, and rows of both kinds may share a table.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ikkan.warehouse.sql import quote_ident

_NULL = "\\N"  # what a null value looks like in the hashed text
_SEPARATOR = "\x1f"  # ASCII unit separator

UNHASHED = ""
"""A DuckDB row's ``content_hash`` while its stored payload is the export's as last written
(its hash is then ``hash_expression`` over the stored values; see the module doc)."""


def hash_expression(columns: Sequence[str], alias: str = "") -> str:
    """DuckDB SQL for the md5 of ``columns`` (sorted by name, nulls marked), of the
    relation ``alias`` when given.

    The hashed text is ``name=value`` pairs joined by the unit separator, built by one
    ``concat`` call (the same text as ``concat_ws`` over ``'name=' || value`` pairs, about
    twice as fast: no intermediate string per column).
    """
    dot = f"{alias}." if alias else ""
    parts = []
    for position, name in enumerate(sorted(columns)):
        label = (_SEPARATOR if position else "") + name + "="
        parts.append("'" + label.replace("'", "''") + "'")
        parts.append(f"coalesce(CAST({dot}{quote_ident(name)} AS VARCHAR), '{_NULL}')")
    if not parts:
        return "md5('')"
    return f"md5(concat({', '.join(parts)}))"


def stored_hash_expression(columns: Sequence[str], alias: str) -> str:
    """DuckDB SQL for the content hash of the stored row ``alias``: its ``content_hash``, or
    when that is ``UNHASHED`` the md5 of its stored ``columns`` (the same text as
    ``hash_expression`` over the rows as read: stored values cast back to text are the
    values read). An ``UPDATE`` that edits a loaded row sets ``content_hash`` to this,
    computed from the values before the edit."""
    stored = f'{alias}."content_hash"'
    return (
        f"CASE WHEN {stored} = '{UNHASHED}' THEN {hash_expression(columns, alias)} "
        f"ELSE {stored} END"
    )


def content_hashes(data: pa.Table, columns: Sequence[str]) -> pa.Array:
    """One hex md5 per row of ``data`` over ``columns``, in row order."""
    import duckdb

    if data.num_rows == 0:
        return pa.array([], pa.string())
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("ikkan_rows", data.select(list(columns)))
        result = con.sql(f"SELECT {hash_expression(columns)} AS h FROM ikkan_rows")
        hashes = result.to_arrow_table().column("h").combine_chunks()
    finally:
        con.close()
    if len(hashes) != data.num_rows:
        raise AssertionError("content hash lost rows")
    return hashes.cast(pa.string())


def with_content_hash(data: pa.Table, columns: Sequence[str]) -> pa.Table:
    """``data`` with a ``content_hash`` column over ``columns`` appended."""
    hashes = content_hashes(data, columns)
    return data.append_column(pa.field("content_hash", pa.string(), nullable=False), hashes)


def stored_hashes(rows: pa.Table, columns: Sequence[str]) -> pa.Array:
    """The content hash of each stored row of ``rows`` (read back with ``content_hash``
    and ``columns``): its ``content_hash``, or the md5 of its values when ``UNHASHED``, as
    ``stored_hash_expression`` computes it in SQL. Equal on every engine for the same rows."""
    import pyarrow.compute as pc

    stored = rows.column("content_hash").combine_chunks().cast(pa.string())
    lazy = pc.equal(stored, UNHASHED)
    if not pc.any(lazy).as_py():
        return stored
    return pc.if_else(lazy, content_hashes(rows, columns), stored)
