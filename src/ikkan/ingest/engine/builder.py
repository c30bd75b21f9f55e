"""Canonical rows collected column by column and turned into a pyarrow table.

Rows come either as Python lists (``add``: the row-by-row path) or as Arrow arrays
(``add_arrow``: the vectorised path, kept as Arrow up to the load); the steps after the
read (``reject_duplicates``, ``keep_earliest``, ``sum_duplicates``) give the same rows and
messages either way (``arrow_rows``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ikkan.ingest.engine import arrow_rows
from ikkan.ingest.engine.keys import stable_key as stable_key  # (re-exported)
from ikkan.ingest.engine.log import ReadLog
from ikkan.model.canonical import BOOKKEEPING, ColumnType, Table


def output_columns(table: Table) -> tuple[str, ...]:
    """The columns a reader fills: all but the loader's bookkeeping."""
    return tuple(name for name in table.column_names if name not in BOOKKEEPING)


def arrow_schema(table: Table) -> Any:
    import pyarrow as pa

    types = {
        ColumnType.STRING: pa.string(),
        ColumnType.JSON: pa.string(),
        ColumnType.INT64: pa.int64(),
        ColumnType.FLOAT64: pa.float64(),
        ColumnType.BOOL: pa.bool_(),
        ColumnType.DATE: pa.date32(),
        ColumnType.TIMESTAMP: pa.timestamp("us"),
    }
    return pa.schema(
        [
            pa.field(c.name, types[c.type], nullable=c.nullable)
            for c in table.columns
            if c.name not in BOOKKEEPING
        ]
    )


class TableBuilder:
    """Collects rows for one canonical table, with the source row number of each."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = output_columns(table)
        self.data: dict[str, list[Any]] = {name: [] for name in self.names}
        self.numbers: list[int] = []
        self.chunks: list[Any] = []  # Arrow tables (add_arrow)
        self.chunk_numbers: list[Any] = []
        self.keys_unique = False  # a step below left one row per primary key

    def __len__(self) -> int:
        return len(self.numbers) + sum(len(n) for n in self.chunk_numbers)

    def add_arrow(self, columns: Mapping[str, Any], numbers: Any) -> None:
        """Append rows given as Arrow arrays (or one Python value for every row); missing
        columns are null. A builder takes rows either this way or through ``add``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        unknown = set(columns) - set(self.names)
        if unknown:
            raise KeyError(f"{self.table.name} has no column(s) {sorted(unknown)}")
        if self.numbers:
            raise ValueError(f"{self.table.name}: rows were added as lists already")
        schema = arrow_schema(self.table)
        size = len(numbers)
        arrays = []
        for f in schema:
            values = columns.get(f.name)
            if values is None or not isinstance(values, pa.Array | pa.ChunkedArray):
                values = pa.repeat(pa.scalar(values, f.type), size)
            elif len(values) != size:
                raise ValueError(f"column {f.name} has {len(values)} values, expected {size}")
            elif values.type != f.type:
                values = pc.cast(values, f.type)
            arrays.append(arrow_rows.combined(values))
        self.chunks.append(pa.Table.from_arrays(arrays, schema=schema))
        self.chunk_numbers.append(arrow_rows.combined(pc.cast(numbers, pa.int64())))

    def _arrow(self) -> tuple[Any, Any]:
        import pyarrow as pa

        if len(self.chunks) != 1:  # batches stay chunks: no copy of the whole table
            table = pa.concat_tables(self.chunks)
            self._set_arrow(table, pa.concat_arrays(self.chunk_numbers))
        return self.chunks[0], self.chunk_numbers[0]

    def _set_arrow(self, table: Any, numbers: Any) -> None:
        self.chunks, self.chunk_numbers = [table], [numbers]

    def number_array(self) -> Any:
        """The source row numbers of the rows added by ``add_arrow`` (numpy int64)."""
        return self._arrow()[1].to_numpy(zero_copy_only=False)

    def row_numbers(self) -> list[int]:
        """The source row number of every row held."""
        if not self.chunks:
            return self.numbers
        return self._arrow()[1].to_pylist()  # type: ignore[no-any-return]

    def add(self, columns: Mapping[str, Sequence[Any]], numbers: Sequence[int]) -> None:
        """Append rows given column-wise; missing columns are null."""
        unknown = set(columns) - set(self.names)
        if unknown:
            raise KeyError(f"{self.table.name} has no column(s) {sorted(unknown)}")
        size = len(numbers)
        for name in self.names:
            values = columns.get(name)
            if values is None:
                self.data[name].extend([None] * size)
            else:
                if len(values) != size:
                    raise ValueError(f"column {name} has {len(values)} values, expected {size}")
                self.data[name].extend(values)
        self.numbers.extend(numbers)

    def reject_duplicates(self, log: ReadLog, label: str) -> None:
        """Keep the first row of each primary key; later ones become RejectedRows."""
        (key,) = self.table.primary_key
        self.keys_unique = True
        if self.chunks:
            self._set_arrow(*arrow_rows.reject_duplicates(*self._arrow(), log, key, label))
            return
        first: dict[Any, int] = {}
        drop: list[int] = []
        for i, value in enumerate(self.data[key]):
            if value in first:
                drop.append(i)
                log.reject(
                    self.numbers[i],
                    label,
                    value,
                    f"duplicate {label} {value!r} (first seen at row {self.numbers[first[value]]})",
                )
            else:
                first[value] = i
        self._drop(drop)

    def keep_earliest(self, key_columns: Sequence[str], order_column: str) -> None:
        """One row per key: the one with the smallest ``order_column`` (first stage entry)."""
        self.keys_unique = tuple(key_columns) == tuple(self.table.primary_key)
        if self.chunks:
            self._set_arrow(*arrow_rows.keep_earliest(*self._arrow(), key_columns, order_column))
            return
        best: dict[tuple[Any, ...], int] = {}
        for i in range(len(self.numbers)):
            key = tuple(self.data[c][i] for c in key_columns)
            held = best.get(key)
            if held is None or self.data[order_column][i] < self.data[order_column][held]:
                best[key] = i
        if len(best) != len(self.numbers):
            keep = set(best.values())
            self._drop([i for i in range(len(self.numbers)) if i not in keep])

    def sum_duplicates(self, log: ReadLog, measures: Sequence[str]) -> None:
        """Rows with the same key are added up (a finer breakdown than the canonical grain,
        e.g. keywords under one ad group): each later row is listed as skipped (merged into
        the first, whose row number it names) and a warning says how many were merged."""
        (key,) = self.table.primary_key
        self.keys_unique = True
        if self.chunks:

            def skip(number: int, held: int) -> None:
                log.skip(number, self._merged_reason(held))

            table, numbers, merged = arrow_rows.sum_duplicates(*self._arrow(), key, measures, skip)
            self._set_arrow(table, numbers)
            self._warn_merged(log, merged)
            return
        first: dict[Any, int] = {}
        drop: list[int] = []
        for i, value in enumerate(self.data[key]):
            held = first.get(value)
            if held is None:
                first[value] = i
                continue
            drop.append(i)
            for m in measures:
                a, b = self.data[m][held], self.data[m][i]
                self.data[m][held] = b if a is None else a if b is None else a + b
            log.skip(self.numbers[i], self._merged_reason(self.numbers[held]))
        self._warn_merged(log, len(drop))
        self._drop(drop)

    def _merged_reason(self, held: int) -> str:
        return (
            f"same day/channel/campaign/ad group as row {held}: its figures "
            f"were added to that row ({self.table.name} is kept at that grain)"
        )

    def _warn_merged(self, log: ReadLog, merged: int) -> None:
        if merged:
            log.warn(
                f"{merged} row(s) repeat a day/channel/campaign/ad group already seen and "
                f"were added to it ({self.table.name} is kept at that grain)"
            )

    def _drop(self, indices: Sequence[int]) -> None:
        if not indices:
            return
        gone = set(indices)
        keep = [i for i in range(len(self.numbers)) if i not in gone]
        for name in self.names:
            column = self.data[name]
            self.data[name] = [column[i] for i in keep]
        self.numbers = [self.numbers[i] for i in keep]

    def to_arrow(self) -> Any:
        import pyarrow as pa

        schema = arrow_schema(self.table)
        if self.chunks:
            return self._arrow()[0]
        arrays = [pa.array(self.data[f.name], type=f.type) for f in schema]
        return pa.Table.from_arrays(arrays, schema=schema)
