"""One vectorised read for every reader: a vendor gives its field specs and the field every
row needs; this returns the converted columns of the rows kept, with the rejections logged
as the row-by-row path (``runner.read_tabular`` + ``runner.require``) logs them. None for any
file this path cannot read exactly (XLSX, preamble, footer …): the caller reads it row by
row, so results are identical either way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine import vectorised as fast
from ikkan.ingest.engine.arrow_convert import supported
from ikkan.ingest.engine.arrow_rows import all_distinct
from ikkan.ingest.engine.fields import ColumnPlan, FieldSpec, plan_columns, warn_extra
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.memory import release_memory
from ikkan.ingest.engine.tabular import Cells
from ikkan.ingest.load_rows import mark_keys_unique


@dataclass
class VectorRead:
    """The converted columns of a file; ``index``: the rows kept (every required value
    present, no cell rejected), in file order."""

    path: Path
    encoding: str
    plan: ColumnPlan
    log: ReadLog
    tz: ZoneInfo
    columns: fast.Columns
    index: pa.Array
    attributes: Any
    numbers: Any  # row numbers of the rows kept
    rows_read: int

    @property
    def everything(self) -> bool:
        return len(self.index) == self.rows_read

    def take(self, name: str, kind: pa.DataType) -> Any:
        """Field ``name`` (or nulls when the file lacks it) for the rows kept."""
        values = self.columns.get(name, kind)
        return values if self.everything else pc.take(values, self.index)

    def kept_attributes(self) -> Any:
        return self.attributes if self.everything else pc.take(self.attributes, self.index)


def read_columns(
    path: Path,
    context: ReaderContext,
    specs: Sequence[FieldSpec],
    is_header: Callable[[Cells], bool],
    required: str,
    more_specs: Callable[[list[str]], Sequence[FieldSpec]] | None = None,
    encoding: str | None = None,
) -> VectorRead | None:
    """``encoding``: known already (else taken from the file's head, then checked)."""
    expected = [a for s in specs for a in s.aliases[1:2]]
    found = fast.located_header(path, is_header, expected, encoding)
    if found is None:
        return None
    encoding, delimiter, header = found
    plan = plan_columns(header, [*(more_specs(header) if more_specs else ()), *specs])
    labels = plan.extra_labels()
    if len(set(labels)) != len(labels) or not all(supported(s) for s in plan.specs.values()):
        return None
    try:
        scanned_fields = fast.scan(path, encoding, delimiter, plan)
    except fast.NotUtf8 as exc:  # a head in UTF-8 (often plain ASCII), the rest not
        sniffed = str(exc.args[0])
        if sniffed == encoding:
            return None
        return read_columns(path, context, specs, is_header, required, more_specs, sniffed)
    if scanned_fields is None:
        return None
    scanned, fields, labels = scanned_fields
    data = fast.drop_blank_rows(scanned, len(header))
    if data is None:
        return None
    tz = ZoneInfo(context.timezone)
    log = ReadLog(str(path))
    warn_extra(plan, log)
    # attributes first: their transients come and go before the converted columns exist
    attributes = fast.attributes(data, plan, labels)
    columns = fast.Columns(data, plan, fields, tz)
    kept = fast.log_rejections(data, plan, columns, log, tz, required)
    index = pc.indices_nonzero(kept)
    numbers = pc.take(data.numbers, index)
    rows = data.table.num_rows
    del data, scanned, scanned_fields  # the scanned cells: the largest buffers of the read
    release_memory()
    return VectorRead(path, encoding, plan, log, tz, columns, index, attributes, numbers, rows)


def reject_duplicates(
    table: pa.Table, numbers: Any, log: ReadLog, key: str, label: str
) -> tuple[pa.Table, bool, Any]:
    """As ``TableBuilder.reject_duplicates``: the first row of a key stays. Also whether
    the keys were unique to begin with, and the row numbers of the rows kept."""
    if table.num_rows == 0:
        return table, True, numbers
    keys = table.column(key).combine_chunks()
    if all_distinct(keys):
        return table, True, numbers
    encoded = pc.dictionary_encode(keys)
    if len(encoded.dictionary) == table.num_rows:
        return table, True, numbers
    is_first, first = fast.first_of_key(encoded)
    row_numbers = numbers.to_pylist()
    for i in (~is_first).nonzero()[0].tolist():
        value = keys[i].as_py()
        log.reject(
            row_numbers[i],
            label,
            value,
            f"duplicate {label} {value!r} (first seen at row {row_numbers[first[i]]})",
        )
    mask = pa.array(is_first)
    return table.filter(mask), False, pc.filter(numbers, mask)


def result_of(
    read: VectorRead,
    context: ReaderContext,
    *,
    reader: str,
    source_system: str,
    tables: dict[str, pa.Table],
    loaded: Any,
) -> ReadResult:
    """The ``ReadResult`` of a vectorised read (progress reported as the row path does)."""
    fast.progress(context, read.rows_read)
    release_memory()  # what the reader's steps let go (converted columns no table took)
    return ReadResult(
        source_system=source_system,
        reader=reader,
        file_path=str(read.path),
        tables={name: mark_keys_unique(table) for name, table in tables.items()},
        rejected=read.log.rejected,
        warnings=read.log.warnings,
        rows_read=read.rows_read,
        encoding=read.encoding,
        loaded_rows=loaded.to_numpy(zero_copy_only=False),
        vectorised=True,
    )
