"""The vectorised scan of a table that starts below line 1: a report head (titles, a meta
block, small sections) that a reader parses in Python, then one large table to the end of
the file. ``scan_region`` gives that table's cells as ``vectorised.scan`` gives a whole
file's, with the file's own line numbers (``arrow_csv.row_cells`` gives rows of them back
as ``csv`` would).

Exactness: the region starts at a byte offset found by counting newlines, so only
encodings whose newline bytes are never part of another character are taken (UTF-8,
cp932), and the head must have no lone carriage return (``csv`` counts it as a line end).
Anything else returns None: the caller reads the file row by row.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine import vectorised as fast
from ikkan.ingest.engine.arrow_csv import ScannedFile
from ikkan.ingest.engine.fields import ColumnPlan
from ikkan.ingest.engine.tabular import NumberedRow, _csv_rows

REGION_ENCODINGS = ("utf-8", "utf-8-sig", "cp932")
_CHUNK = 8 << 20


def head_encoding(path: Path) -> str | None:
    """The encoding the vectorised path reads ``path`` in: taken from its head, confirmed
    by the scan (``vectorised.scan`` raises NotUtf8, ``utf8_copy`` a decode error)."""
    return fast._head_encoding(path)


def csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[NumberedRow]:
    """The file's rows as the row path numbers them (a generator: ``close()`` it)."""
    return _csv_rows(path, encoding, delimiter)


def region_offset(path: Path, line: int) -> int | None:
    """The byte offset at which 1-based ``line`` starts, as ``csv`` numbers lines; None if
    the lines before it hold a lone carriage return (or the file is shorter)."""
    offset = 0
    newlines = 0
    carry = b""
    with path.open("rb") as handle:
        while newlines < line - 1:
            chunk = handle.read(1 << 16)
            if not chunk:
                return None
            need = line - 1 - newlines
            at = -1
            for _ in range(need):
                at = chunk.find(b"\n", at + 1)
                if at == -1:
                    break
                newlines += 1
            part = chunk if at == -1 else chunk[: at + 1]
            if (carry + part).count(b"\r") != (carry + part).count(b"\r\n"):
                return None
            offset += len(part)
            carry = part[-1:]
    return offset


def scan_region(
    path: Path, encoding: str, delimiter: str, line: int, plan: ColumnPlan
) -> ScannedFile | None:
    """The records after the header on ``line`` (``plan.header``, one line long) to the end
    of the file, as ``vectorised.scan`` reads a file, numbered by the file's lines. None
    when the region cannot be read exactly (the caller reads the file row by row)."""
    if encoding not in REGION_ENCODINGS:
        return None
    if any("\n" in h or "\r" in h for h in plan.header):
        return None
    offset = region_offset(path, line)
    if offset is None:
        return None
    handle, name = tempfile.mkstemp(prefix="ikkan-region-", suffix=".csv")
    os.close(handle)
    copy = Path(name)
    try:
        with path.open("rb") as source, copy.open("wb") as sink:
            source.seek(offset)
            first = source.readline()
            if not _is_header_line(first, encoding, delimiter, plan.header):
                return None
            sink.write(first)
            sink.flush()
            _copy_rest(source, sink)
        try:
            found = fast.scan(copy, encoding, delimiter, plan)
        except fast.NotUtf8:
            return None  # the row path sniffs the whole file and decides
    finally:
        copy.unlink()
    if found is None:
        return None
    scanned = found[0]
    numbers = pc.add(scanned.numbers, pa.scalar(line - 1, pa.int64()))
    return ScannedFile(scanned.table, numbers)


def _copy_rest(source: Any, sink: Any) -> None:
    """The rest of ``source`` appended to ``sink``, by the kernel where it can."""
    at, end = source.tell(), os.fstat(source.fileno()).st_size
    try:
        while at < end:
            sent = os.sendfile(sink.fileno(), source.fileno(), at, min(end - at, 1 << 30))
            if sent == 0:
                break
            at += sent
    except OSError:
        pass
    source.seek(at)
    sink.seek(0, os.SEEK_END)
    shutil.copyfileobj(source, sink, _CHUNK)


def _is_header_line(first: bytes, encoding: str, delimiter: str, header: Sequence[str]) -> bool:
    try:
        text = first.decode("utf-8" if encoding == "utf-8-sig" else encoding)
    except UnicodeDecodeError:
        return False
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return len(rows) == 1 and [c.strip() for c in rows[0]] == [h.strip() for h in header]


def lacks(column: Any, pattern: str, settled: np.ndarray | None = None) -> np.ndarray:
    """Per cell: True when ``pattern`` (RE2) matches nowhere in it; False for null cells
    and the cells ``settled`` marks (known not to matter). Tested once per distinct value
    when values repeat."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    out = np.zeros(len(column), dtype=bool)
    at = np.flatnonzero(_valid(column) if settled is None else _valid(column) & ~settled)
    if not len(at):
        return out
    cells = column if len(at) == len(column) else column.take(pa.array(at))
    sample = cells.slice(0, 20_000)
    if pc.count_distinct(sample).as_py() <= len(sample) // 2:
        encoded = pc.dictionary_encode(cells)
        found = pc.match_substring_regex(encoded.dictionary, pattern)
        hits = pc.take(found, encoded.indices)
    else:
        hits = pc.match_substring_regex(cells, pattern)
    out[at] = ~np.asarray(hits.to_numpy(zero_copy_only=False), dtype=bool)
    return out


def _valid(column: Any) -> np.ndarray:
    return np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
