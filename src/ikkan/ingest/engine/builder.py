"""Canonical rows collected column by column and turned into a pyarrow table."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

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


def stable_key(*parts: object) -> str:
    """sha1 of the identifying columns of an aggregate row (None and '' differ from text)."""
    text = "\x1f".join("\x00" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class TableBuilder:
    """Collects rows for one canonical table, with the source row number of each."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = output_columns(table)
        self.data: dict[str, list[Any]] = {name: [] for name in self.names}
        self.numbers: list[int] = []

    def __len__(self) -> int:
        return len(self.numbers)

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
            log.skip(
                self.numbers[i],
                f"same day/channel/campaign/ad group as row {self.numbers[held]}: its figures "
                f"were added to that row ({self.table.name} is kept at that grain)",
            )
        if drop:
            log.warn(
                f"{len(drop)} row(s) repeat a day/channel/campaign/ad group already seen and "
                f"were added to it ({self.table.name} is kept at that grain)"
            )
            self._drop(drop)

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
        arrays = [pa.array(self.data[f.name], type=f.type) for f in schema]
        return pa.Table.from_arrays(arrays, schema=schema)
