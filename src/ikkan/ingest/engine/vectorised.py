"""The vectorised read of a CSV (HubSpot contacts first): the same ``ReadResult`` as the
row-by-row reader. ``benchmarks/bench_import.py``, 1M HubSpot contacts: read + load into a
DuckDB warehouse file 5.3x DuckDB's own in-memory ``read_csv`` of the same file, most of it
the warehouse insert (primary-key index, commit) and content hashes (2 cores, load 0.5,
2026-12-02).

DuckDB parses the file (``arrow_csv``) while a thread counts its lines; cells are converted
column by column, once per distinct value where values repeat (``arrow_convert``). Rows with a
rejected cell go through ``convert_batch`` itself, batch by batch, so their RejectedRows,
the order of all rejections, the stage rows, duplicate handling, warnings and progress
calls match the row-by-row reader exactly. Returns None for any file this path cannot
read exactly (XLSX, preamble rows, footers, blank lines between rows, ragged quoting …);
the caller then reads it row by row.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext
from ikkan.ingest.engine import arrow_convert as fc
from ikkan.ingest.engine.arrow_csv import (
    Background,
    ScannedFile,
    column_names,
    line_stats,
    scan_csv,
    utf8_copy,
)
from ikkan.ingest.engine.builder import arrow_schema
from ikkan.ingest.engine.fields import ColumnPlan, convert_batch
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.memory import release_memory
from ikkan.ingest.engine.scratch import registered, scratch_cursor
from ikkan.ingest.engine.tabular import (
    BATCH_ROWS,
    Cells,
    FileRows,
    RawBatch,
    _csv_rows,
    is_xlsx,
    locate_header,
)
from ikkan.ingest.parsing.encoding import bom_encoding, read_head, sniff_encoding
from ikkan.ingest.parsing.layout import is_blank_row, is_footer_row, sniff_delimiter
from ikkan.ingest.stages import StageMapper
from ikkan.model.canonical import LEAD_STAGES

_HEAD = 64 * 1024
_THREADS = 2  # columns converted at once

# Rows whose first cell starts like this may be blank or a footer: checked in Python.
_PLAIN_ROW = (
    "coalesce(regexp_matches(c0, '^[!-~]') AND lower(c0[1]) NOT IN ('t', 'g', 's', 'c'), false)"
)


def located_header(
    path: Path,
    is_header: Callable[[Cells], bool],
    expected: Sequence[str],
    encoding: str | None = None,
) -> tuple[str, str, list[str]] | None:
    """(encoding, delimiter, header) when the file is a CSV whose header is line 1. Unless
    given, the encoding of a file without a byte-order mark is taken from its head and
    confirmed by ``scan`` in the pass it makes anyway."""
    if not path.is_file() or path.suffix.lower() == ".xls" or is_xlsx(path):
        return None
    try:
        encoding = encoding or _head_encoding(path)
    except SourceError:
        return None  # the row-by-row path raises the same error
    if encoding is None:
        return None
    delimiter = sniff_delimiter(read_head(path, encoding))
    rows = _csv_rows(path, encoding, delimiter)
    try:
        located = locate_header(
            FileRows(path, "csv", encoding, delimiter, rows), is_header, expected
        )
    except (SourceError, UnicodeDecodeError):
        return None
    finally:
        rows.close()  # type: ignore[attr-defined]
    if located.header_row != 1 or any("\n" in h or "\r" in h for h in located.header):
        return None
    return encoding, delimiter, located.header


def _head_encoding(path: Path) -> str | None:
    """``sniff_encoding``'s answer for a file with a byte-order mark; else utf-8 if the
    head is UTF-8 (the rest is checked by DuckDB's scan, which refuses invalid UTF-8),
    cp932 if it is cp932 (checked while transcoding)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    if bom_encoding(head) is not None or (len(head) == _HEAD and b"\n" not in head):
        return sniff_encoding(path)  # (or a header line longer than the head)
    for name in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(name)("strict").decode(head, len(head) < _HEAD)
        except UnicodeDecodeError:
            continue
        return name
    return None


class NotUtf8(Exception):
    """The file's head is UTF-8 but the rest is not; ``args[0]``: ``sniff_encoding``'s
    answer."""


def scan(
    path: Path, encoding: str, delimiter: str, plan: ColumnPlan
) -> tuple[ScannedFile, list[str], list[str]] | None:
    """The file's cells (as text, converted later by ``arrow_convert``) and whether each
    row is surely data (``plain``); with the field names and extra column labels. The byte
    pass (line count, quirks) runs in a thread beside DuckDB's scan. Raises NotUtf8 when a
    file taken for UTF-8 is not (DuckDB refuses it; ``sniff_encoding`` then decides)."""
    import duckdb

    fields = list(plan.index)
    labels = plan.extra_labels()
    release_memory()  # what earlier work let go, before the scan adds the file's cells
    try:
        with utf8_copy(path, encoding) as source:
            facts = Background(line_stats, source, delimiter)
            con = duckdb.connect(":memory:")
            try:
                con.execute("SET preserve_insertion_order = true")
                selects = [f"{_PLAIN_ROW} AS plain"]
                scanned = scan_csv(con, source, len(plan.header), delimiter, facts, selects)
            finally:
                con.close()
                stats = facts.result()
    except UnicodeDecodeError:
        return None  # not cp932 after all: the row-by-row path reports it
    if scanned is None and stats.clean and encoding == "utf-8":
        try:
            sniffed = sniff_encoding(path)
        except SourceError:
            return None  # the row-by-row path raises the same error
        if sniffed != encoding:
            raise NotUtf8(sniffed)
    if scanned is None:
        return None
    return scanned, fields, labels


def _cells(table: pa.Table, names: list[str], indices: Sequence[int]) -> list[Cells]:
    picked = table.select(names).take(pa.array(indices, pa.int64())).to_pylist()
    return [[row[n] for n in names] for row in picked]


def drop_blank_rows(scanned: ScannedFile, width: int) -> ScannedFile | None:
    """Rows not surely data are checked as the row-by-row path does; blank ones are
    skipped; None if there is a footer (that path handles trailers)."""
    plain = scanned.table.column("plain")
    if plain.null_count == 0 and pc.all(plain).as_py() is not False:
        return scanned
    names = column_names(width)
    suspects = pc.indices_nonzero(pc.invert(pc.fill_null(plain, False))).to_pylist()
    blank: list[int] = []
    for index, cells in zip(suspects, _cells(scanned.table, names, suspects), strict=True):
        if is_blank_row(cells):
            blank.append(index)
        elif is_footer_row(cells):
            return None
    if not blank:
        return scanned
    keep = np.ones(scanned.table.num_rows, dtype=bool)
    keep[blank] = False
    mask = pa.array(keep)
    return ScannedFile(scanned.table.filter(mask), scanned.numbers.filter(mask))


class Columns:
    """Converted field columns of every data row, and which rows were rejected."""

    def __init__(
        self, scanned: ScannedFile, plan: ColumnPlan, fields: list[str], tz: ZoneInfo
    ) -> None:
        table = scanned.table
        self.rows = table.num_rows
        self.values: dict[str, Any] = {}
        bad: Any = None

        def convert(name: str) -> fc.ConvertedColumn:
            return fc.convert_column(table.column(f"c{plan.index[name]}"), plan.specs[name], tz)

        with ThreadPoolExecutor(_THREADS, thread_name_prefix="ikkan-convert") as pool:
            converted_columns = list(pool.map(convert, fields))  # Arrow releases the GIL
        for name, converted in zip(fields, converted_columns, strict=True):
            self.values[name] = converted.values
            if converted.currency is not None:
                self.values[f"{name}:currency"] = converted.currency
            if converted.bad is not None:
                bad = converted.bad if bad is None else pc.or_(bad, converted.bad)
        self.bad = bad
        release_memory()  # the conversions' dictionaries and masks

    def get(self, name: str, kind_type: pa.DataType) -> Any:
        found = self.values.get(name)
        return pa.nulls(self.rows, kind_type) if found is None else found


def log_rejections(
    scanned: ScannedFile,
    plan: ColumnPlan,
    columns: Columns,
    log: ReadLog,
    tz: ZoneInfo,
    required: str,
) -> Any:
    """RejectedRows in the row-by-row order (per batch: bad cells, then empty ids); the
    mask of the rows that are kept."""
    has_id = pc.is_valid(columns.values[required])
    bad = columns.bad
    kept = has_id if bad is None else pc.and_(has_id, pc.invert(bad))
    if pc.all(kept).as_py() is not False:
        return kept
    names = column_names(len(plan.header))
    bad_rows = [] if bad is None else pc.indices_nonzero(bad).to_pylist()
    no_id = pc.indices_nonzero(pc.invert(has_id)).to_pylist()
    bad_set = set(bad_rows)
    numbers = scanned.numbers.to_pylist()
    label = plan.label(required)
    cells = dict(zip(bad_rows, _cells(scanned.table, names, bad_rows), strict=True))
    batches = sorted({i // BATCH_ROWS for i in [*bad_rows, *no_id]})
    for batch in batches:
        rows = [i for i in bad_rows if i // BATCH_ROWS == batch]
        if rows:
            raw = RawBatch([cells[i] for i in rows], [numbers[i] for i in rows])
            convert_batch(raw, plan, log, tz)
        for i in no_id:
            if i // BATCH_ROWS == batch and i not in bad_set:
                log.reject(numbers[i], label, None, f"{label} is empty")
    return kept


def attributes(scanned: ScannedFile, plan: ColumnPlan, labels: list[str]) -> Any:
    members = [
        fc.attribute_members(scanned.table.column(f"c{position}"), labels[k])
        for k, position in enumerate(plan.extra)
    ]
    joined = fc.attributes_column(members, scanned.table.num_rows)
    del members
    release_memory()  # the members and their joins
    return joined


def first_of_key(encoded: pa.DictionaryArray) -> tuple[np.ndarray, np.ndarray]:
    """(is first occurrence, index of the first occurrence) for each row of dictionary
    encoded keys."""
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    _, first_index = np.unique(codes, return_index=True)
    first = first_index[codes]
    return first == np.arange(len(codes)), first


def table_of(schema: pa.Schema, columns: dict[str, Any], rows: int) -> pa.Table:
    """The table of ``schema`` over ``columns`` (nulls where one is missing). Chunked
    columns stay chunked: combining them would copy every converted column while the
    original is still held (the read's second memory peak)."""
    arrays = []
    for field in schema:
        values = columns.get(field.name)
        if values is None:
            values = pa.nulls(rows, field.type)
        elif values.type != field.type:
            values = pc.cast(values, field.type)
        if not isinstance(values, pa.ChunkedArray):
            values = pa.chunked_array([values], field.type)
        arrays.append(values)
    return pa.Table.from_arrays(arrays, schema=schema)


def stage_table(
    plan: ColumnPlan,
    columns: Columns,
    kept_index: pa.Array,
    keys: Any,
    stages: StageMapper,
    leads_unique: bool,
) -> pa.Table:
    """``lead_stages`` as the row-by-row reader builds it: rows in its order (batch of
    ``BATCH_ROWS``, then stage column, then row), one per lead and stage: the earliest
    date, the first such row on ties. ``leads_unique``: no key repeats among the kept
    rows. Built from index arrays: one take per output column, no sort."""
    schema = arrow_schema(LEAD_STAGES)
    release_memory()  # the duplicate check's hash tables
    found = _stage_hits(plan, columns, kept_index, stages)
    if not found:
        return schema.empty_table()
    rows = np.asarray(kept_index.to_numpy(zero_copy_only=False), dtype=np.int64)
    batch_of = [rows[hits] // BATCH_ROWS for _, _, _, _, hits in found]
    last = max(int(b[-1]) for b in batch_of)
    cuts = [np.searchsorted(b, np.arange(last + 2)) for b in batch_of]
    position_parts: list[np.ndarray] = []
    column_parts: list[np.ndarray] = []
    for b in range(last + 1):
        for k, (_, _, _, _, hits) in enumerate(found):
            piece = hits[cuts[k][b] : cuts[k][b + 1]]
            if len(piece):
                position_parts.append(piece)
                column_parts.append(np.full(len(piece), k, dtype=np.int64))
    position = np.concatenate(position_parts)
    column = np.concatenate(column_parts)
    stamps = np.stack([micros for _, _, _, micros, _ in found])
    picked = pa.array(position)
    which = pa.array(column)
    values = {
        "lead_key": pc.take(keys, picked),
        "stage": pc.take(pa.array([f[1] for f in found], pa.string()), which),
        "entered_at": pa.array(stamps[column, position].astype("datetime64[us]")),
        "source": pc.take(pa.array([f[2] for f in found], pa.string()), which),
    }
    names = [f[1] for f in found]
    if leads_unique and len(set(names)) == len(names):  # one row per lead and stage
        return table_of(schema, values, len(position))
    order = pa.array(np.asarray([f[0] for f in found], dtype=np.int64)[column])
    return _keep_earliest(
        schema, {**values, "col": order, "row": pa.array(rows[position])}, len(position)
    )


def _stage_hits(
    plan: ColumnPlan, columns: Columns, kept_index: pa.Array, stages: StageMapper
) -> list[tuple[int, str, str, np.ndarray, np.ndarray]]:
    """(column order, stage, label, every kept row's date in µs, positions with a date)
    for each stage column the project maps."""
    found = []
    for order, name in enumerate(plan.index):
        if not name.startswith("stage:"):
            continue
        _, internal, label = name.split(":", 2)
        stage = stages(internal)
        if stage is None:
            continue
        values = columns.values[name]
        if len(kept_index) != columns.rows:
            values = pc.take(values, kept_index)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        valid = values.is_valid().to_numpy(zero_copy_only=False)
        hits = np.flatnonzero(valid)
        if not len(hits):
            continue
        micros = pc.fill_null(values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        found.append((order, stage, label, micros, hits))
    return found


def _keep_earliest(schema: pa.Schema, values: dict[str, Any], rows: int) -> pa.Table:
    staged = pa.table(values)
    staged = staged.append_column("seq", pa.array(np.arange(rows, dtype=np.int64)))
    pairs = pc.binary_join_element_wise(staged.column("lead_key"), staged.column("stage"), "\x1f")
    if len(pc.unique(pairs)) == rows:
        return table_of(schema, values, rows)
    with scratch_cursor() as con, registered(con, staged, "stage_rows") as name:
        kept = con.sql(  # seq is the row-by-row order: (batch, col, row)
            f"SELECT lead_key, stage, entered_at, source FROM {name} QUALIFY row_number() "  # noqa: S608
            "OVER (PARTITION BY lead_key, stage ORDER BY entered_at, seq) = 1 ORDER BY seq"
        ).to_arrow_table()
    return table_of(schema, {n: kept.column(n) for n in kept.column_names}, kept.num_rows)


def progress(context: ReaderContext, rows_read: int) -> None:
    """The row-by-row reader's progress calls: one per batch of ``BATCH_ROWS``."""
    if context.progress is None:
        return
    for end in range(BATCH_ROWS, rows_read + BATCH_ROWS, BATCH_ROWS):
        context.progress(min(end, rows_read))
