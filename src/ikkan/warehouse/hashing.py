"""``content_hash``: a stable hash of a row's payload columns.

Always DuckDB's md5 over the Arrow rows as read, so DuckDB and PostgreSQL warehouses (and
earlier versions) store the same hash for the same row: a DuckDB warehouse computes it in
the statement that writes the rows (``hash_expression``, for new and changed rows only),
any other engine gets it from ``content_hashes`` (an in-memory DuckDB, about a second per
million rows) before the rows are staged. The hash covers ``name=value`` pairs in sorted
column-name order, so it does not depend on the order of the columns.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ikkan.warehouse.sql import quote_ident

_NULL = "\\N"  # what a null value looks like in the hashed text
_SEPARATOR = "\x1f"  # ASCII unit separator


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
