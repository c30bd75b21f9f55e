"""Canonical rows kept as Arrow from the vectorised scan to the warehouse load.

``ArrowBatch`` is ``fields.Converted`` with Arrow arrays instead of Python lists: what a
reader's Arrow batch handler (``runner.read_tabular(handle_arrow=...)``) gets on the
vectorised path. The functions below are the Arrow twins of ``TableBuilder``'s row-wise
steps (first row of a key, earliest row of a key, summed duplicates, ``stable_key``) with
exactly their results: row-wise Python runs only on the rows a step reports or changes
(duplicates, rejected rows), never on every row.
"""

# ruff: noqa: S608 - the SQL texts hold only constant names

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine.fields import Converted
from ikkan.ingest.engine.keys import stable_key
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.scratch import registered, scratch_cursor


@dataclass
class ArrowBatch:
    """Parsed values of the rows that survived conversion, in batch order."""

    values: dict[str, Any]
    numbers: pa.Array  # row numbers of the kept rows (int64)
    attributes: pa.Array  # JSON text or null
    size: int

    def has(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, kind: pa.DataType | None = None) -> pa.Array:
        """Field ``name``, or nulls (of ``kind``, text unless given) when the file lacks it."""
        found = self.values.get(name)
        if found is None:
            return pa.nulls(self.size, pa.string() if kind is None else kind)
        return found

    def filter(self, mask: Any) -> ArrowBatch:
        """The rows where ``mask`` is true (in order)."""
        mask = pc.fill_null(mask, False)
        values = {name: pc.filter(column, mask) for name, column in self.values.items()}
        numbers = pc.filter(self.numbers, mask)
        return ArrowBatch(values, numbers, pc.filter(self.attributes, mask), len(numbers))

    def to_converted(self) -> Converted:
        """The same batch as Python lists (a row-wise batch handler)."""
        values = {name: column.to_pylist() for name, column in self.values.items()}
        return Converted(values, self.numbers.to_pylist(), self.attributes.to_pylist(), self.size)


def combined(values: Any) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def text_or(first: Any, second: Any) -> Any:
    """``a or b`` per row for text columns ('' counts as missing, as in Python)."""
    filled = pc.and_(pc.is_valid(first), pc.not_equal(first, ""))
    return pc.if_else(pc.fill_null(filled, False), first, second)


def stable_keys(parts: Sequence[Any], rows: int) -> pa.Array:
    """``builder.stable_key(*parts)`` per row: sha1 of the parts as text joined by \\x1f,
    None as \\x00. A part is an Arrow array (text, date, integer) or one Python value
    (passed to DuckDB as a parameter, not repeated per row)."""
    columns: dict[str, Any] = {}
    terms: list[str] = []
    constants: list[str] = []
    for k, part in enumerate(parts):
        if isinstance(part, pa.Array | pa.ChunkedArray):
            columns[f"p{k}"] = pc.cast(part, pa.string())
            terms.append(f"coalesce(p{k}, chr(0))")
        elif part is None:
            terms.append("chr(0)")
        else:
            terms.append("CAST(? AS VARCHAR)")
            constants.append(str(part))
    if not columns:  # one key for every row
        return pa.repeat(pa.scalar(stable_key(*parts), pa.string()), rows)
    joined = " || chr(31) || ".join(terms)
    with scratch_cursor() as con, registered(con, pa.table(columns), "key_parts") as name:
        found = con.sql(
            f"SELECT sha1({joined}) AS k FROM {name}", params=constants or None
        ).to_arrow_table()
    return combined(found.column("k"))


def first_of_key(keys: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(is the first row of its key, index of that first row) per row; None when every key
    is distinct. Null is a key of its own (as in a Python dict)."""
    keys = combined(keys)
    if all_distinct(keys):
        return None
    encoded = pc.dictionary_encode(keys, null_encoding="encode")
    if len(encoded.dictionary) == len(keys):
        return None
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    _, first_index = np.unique(codes, return_index=True)
    first = first_index[codes]
    return first == np.arange(len(codes)), first


def all_distinct(keys: pa.Array) -> bool:
    """True when no key repeats (a null counts as a key): strictly increasing keys (an
    export sorted by id or day) are told by one comparison pass, others by counting the
    distinct hashes in DuckDB (both cores; ~4x Arrow's single-threaded ``unique`` on 1M
    text keys). The hash is used only here, in this process: distinct hashes mean
    distinct keys, and a repeated hash (a real duplicate, or a collision) is settled by
    comparing the keys themselves."""
    if len(keys) < 2:
        return True
    ordered = pa.types.is_string(keys.type) or pa.types.is_integer(keys.type)
    if ordered and keys.null_count == 0:
        rising = pc.less(keys.slice(0, len(keys) - 1), keys.slice(1))
        if pc.all(rising).as_py():
            return True
    if keys.null_count > 1:  # (null is one value of its own: two nulls repeat)
        return False
    with scratch_cursor() as con, registered(con, pa.table({"k": keys}), "keys") as name:
        found = con.sql(
            f"SELECT count(DISTINCT hash(k)) FILTER (WHERE k IS NOT NULL) FROM {name}"
        ).fetchall()
    if int(found[0][0]) + keys.null_count == len(keys):
        return True
    return len(pc.unique(keys)) == len(keys)


def reject_duplicates(
    table: pa.Table, numbers: pa.Array, log: ReadLog, key: str, label: str
) -> tuple[pa.Table, pa.Array]:
    """``TableBuilder.reject_duplicates``: the first row of a key stays, each later one
    becomes a RejectedRow (in row order)."""
    if table.num_rows == 0:
        return table, numbers
    found = first_of_key(table.column(key))
    if found is None:
        return table, numbers
    is_first, first = found
    keys = table.column(key)
    row_numbers = numbers.to_pylist()
    for i in np.flatnonzero(~is_first).tolist():
        value = keys[i].as_py()
        log.reject(
            row_numbers[i],
            label,
            value,
            f"duplicate {label} {value!r} (first seen at row {row_numbers[first[i]]})",
        )
    mask = pa.array(is_first)
    return table.filter(mask), pc.filter(numbers, mask)


def keep_earliest(
    table: pa.Table, numbers: pa.Array, key_columns: Sequence[str], order_column: str
) -> tuple[pa.Table, pa.Array]:
    """``TableBuilder.keep_earliest``: one row per key, the smallest ``order_column`` (the
    first such row on ties); the rows kept stay in their order."""
    if table.num_rows == 0:
        return table, numbers
    if len(key_columns) == 1:
        keys = table.column(key_columns[0])
    else:
        parts = [pc.fill_null(pc.cast(table.column(c), pa.string()), "\x00") for c in key_columns]
        keys = pc.binary_join_element_wise(*parts, "\x1f")
    if first_of_key(keys) is None:
        return table, numbers
    staged = table.select([*key_columns, order_column])
    staged = staged.append_column("seq", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    partition = ", ".join(f'"{c}"' for c in key_columns)
    with scratch_cursor() as con, registered(con, staged, "staged_rows") as name:
        kept = con.sql(
            f"SELECT seq FROM {name} QUALIFY row_number() OVER (PARTITION BY {partition} "
            f'ORDER BY "{order_column}", seq) = 1 ORDER BY seq'
        ).to_arrow_table()
    index = combined(kept.column("seq"))
    return table.take(index), pc.take(numbers, index)


def sum_duplicates(
    table: pa.Table,
    numbers: pa.Array,
    key: str,
    measures: Sequence[str],
    skip: Callable[[int, int], None],
) -> tuple[pa.Table, pa.Array, int]:
    """``TableBuilder.sum_duplicates``: a later row of a key is added to the first one
    (None + x = x) and dropped; ``skip(row number, first row's number)`` per dropped row,
    in row order. Also how many rows were merged."""
    if table.num_rows == 0:
        return table, numbers, 0
    found = first_of_key(table.column(key))
    if found is None:
        return table, numbers, 0
    is_first, first = found
    drop = np.flatnonzero(~is_first)
    held = np.unique(first[drop])
    row_numbers = numbers.to_pylist()
    columns = {m: table.column(m) for m in measures}
    sums = {m: {int(h): columns[m][int(h)].as_py() for h in held} for m in measures}
    for i in drop.tolist():
        h = int(first[i])
        for m in measures:
            a, b = sums[m][h], columns[m][i].as_py()
            sums[m][h] = b if a is None else a if b is None else a + b
        skip(row_numbers[i], row_numbers[h])
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[held] = True
    for m in measures:
        column = combined(columns[m])
        replaced = pa.array([sums[m][int(h)] for h in held], column.type)
        position = table.schema.get_field_index(m)
        table = table.set_column(
            position,
            table.schema.field(m),
            pc.replace_with_mask(column, pa.array(mask), replaced),
        )
    keep = pa.array(is_first)
    return table.filter(keep), pc.filter(numbers, keep), len(drop)
