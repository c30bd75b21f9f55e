"""Clean delimited files read by DuckDB's parallel CSV scanner, with exact row numbers.

The vectorised import path (see ``fast_contacts``) only takes a file this module can read
exactly as Python's ``csv`` module (the row-by-row path) would: the header on line 1, every
row as wide as the header (or, on a second try, narrower), no blank line between data rows,
no lone carriage return, no NUL byte and no quote that ``csv`` would keep but DuckDB would
strip (``a, "b"``). Anything else returns None and the caller uses the row-by-row path.

Row numbers: record ``i`` starts on line ``2 + i + (newlines inside the cells of records
0..i-1)``; a check that header, records, in-cell newlines and trailing blank lines add up to
the file's line count proves no line was skipped. The line count and the quirks come from
one pass over the bytes, in a thread beside DuckDB's scan; UTF-8 itself is checked by that
scan (DuckDB refuses what Python's codec refuses). Other encodings are transcoded to a
temporary UTF-8 copy first (cp932 in two halves at once).
"""

# ruff: noqa: S608 - SQL text holds only generated column names; labels are parameters

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

_CHUNK = 8 << 20
_SPLIT = 32 << 20  # cp932 files larger than this are transcoded in two halves at once
_NULL_MARK = "\x01ikkan-padded\x02"  # DuckDB's nullstr: only padded cells come back null
_BOM = "\ufeff"
_MAX_SPACE_QUOTES = 100_000
_BLANKS = (32, 9)  # space, tab
# Rows per Arrow batch of the scan: streamed out of DuckDB (a whole-table fetch holds its
# own copy of the result while it builds the Arrow one: +~100 MB at 1M HubSpot contacts).
_SCAN_BATCH = 122_880


@dataclass(frozen=True)
class LineStats:
    """Facts about a UTF-8 file's bytes that decide whether DuckDB may read it."""

    lines: int  # as Python's csv module counts them
    trailing_blank: int  # empty lines at the end of the file
    clean: bool  # no NUL, no lone CR, no quote opened after blanks
    tail_blank: tuple[int, ...] = ()  # line numbers of the blank lines in the last 4 KiB


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def row_cells(table: pa.Table, width: int, indices: Sequence[int]) -> list[list[object]]:
    """Rows ``indices`` of a scanned ``table`` as the ``csv`` module gives them: the padded
    (null) cells a short row lacks left off."""
    if not len(indices):
        return []
    names = column_names(width)
    picked = table.select(names).take(pa.array(indices, pa.int64())).to_pylist()
    rows: list[list[object]] = []
    for row in picked:
        cells: list[object] = [row[n] for n in names]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return rows


@contextmanager
def utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """``path`` itself when it is UTF-8, else a UTF-8 temporary copy (deleted afterwards).
    A large cp932 file is transcoded in two halves at once (the second in a child Python:
    the codec holds the GIL). Raises UnicodeDecodeError when the file is not ``encoding``."""
    if encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    names: list[str] = []
    try:
        handle, name = tempfile.mkstemp(prefix="ikkan-", suffix=".csv")
        os.close(handle)
        names.append(name)
        size = path.stat().st_size
        split = 0
        if encoding == "cp932" and size > _SPLIT and sys.executable:
            split = _line_start_near(path, size // 2)
        child = None
        if split:
            handle, second = tempfile.mkstemp(prefix="ikkan-", suffix=".csv")
            os.close(handle)
            names.append(second)
            try:
                child = subprocess.Popen(  # noqa: S603 - our own constant code, paths as argv
                    [
                        sys.executable,
                        "-I",
                        "-c",
                        _TRANSCODE,
                        str(path),
                        str(split),
                        second,
                        encoding,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError:  # no child process here: one pass instead
                child = None
        if child is not None:
            try:
                _transcode(path, Path(name), encoding, 0, split)
            finally:
                _, errors = child.communicate()
            if child.returncode != 0:
                raise UnicodeDecodeError(encoding, b"", 0, 1, errors.decode(errors="replace"))
            with open(name, "ab") as sink, open(second, "rb") as rest:
                shutil.copyfileobj(rest, sink, _CHUNK)
        else:
            _transcode(path, Path(name), encoding, 0, None)
        yield Path(name)
    finally:
        for name in names:
            os.unlink(name)


# Transcodes argv[1] from byte argv[2] to its end, in argv[4], into UTF-8 file argv[3].
_TRANSCODE = """
import codecs, sys
decoder = codecs.getincrementaldecoder(sys.argv[4])("strict")
with open(sys.argv[1], "rb") as source, open(sys.argv[3], "wb") as sink:
    source.seek(int(sys.argv[2]))
    while True:
        chunk = source.read(8 << 20)
        sink.write(decoder.decode(chunk, not chunk).encode("utf-8", "surrogatepass"))
        if not chunk:
            break
"""


def _transcode(path: Path, target: Path, encoding: str, start: int, end: int | None) -> None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    left = end - start if end is not None else None
    with target.open("wb") as sink, path.open("rb") as source:
        source.seek(start)
        first = start == 0
        while True:
            chunk = source.read(_CHUNK if left is None else min(_CHUNK, left))
            if left is not None:
                left -= len(chunk)
            text = decoder.decode(chunk, not chunk)
            if first and text.startswith(_BOM):
                text = text[1:]
            first = False
            sink.write(text.encode("utf-8", "surrogatepass"))
            if not chunk:
                break


def _line_start_near(path: Path, offset: int) -> int:
    """The first byte after the first newline at or after ``offset`` (0: none). In cp932 a
    newline byte is never part of a two-byte character, so both halves decode alone."""
    with path.open("rb") as handle:
        handle.seek(offset)
        found = handle.read(1 << 20).find(b"\n")
    return 0 if found == -1 else offset + found + 1


def line_stats(path: Path, delimiter: str, *, utf8: bool = False) -> LineStats | None:
    """One pass over the bytes: line count, trailing blank lines, and the quirks; with
    ``utf8``, None when the file is not valid UTF-8 (checked in the same pass)."""
    counter = _LineCounter(delimiter.encode())
    decoder = codecs.getincrementaldecoder("utf-8")("strict") if utf8 else None
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if decoder is not None:
                try:
                    decoder.decode(chunk, not chunk)
                except UnicodeDecodeError:
                    return None
            if not chunk:
                break
            counter.feed(chunk)
    return counter.result()


class _LineCounter:
    def __init__(self, delimiter: bytes) -> None:
        self.delimiter = delimiter
        self.newlines = self.carriage = self.crlf = self.space_quotes = 0
        self.clean = True
        self.last = b""
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        last = self.last
        self.newlines += chunk.count(b"\n")
        carriage = chunk.count(b"\r")
        if carriage or last.endswith(b"\r"):
            self.carriage += carriage
            joined = last[-1:] + chunk
            self.crlf += joined.count(b"\r\n")
        if b"\x00" in chunk:
            self.clean = False
        found = _quotes_after_blanks(chunk, self.delimiter, last)
        if found is None:
            self.clean = False
        else:
            self.space_quotes += found
        self.last = (last + chunk[-64:])[-64:]
        self.tail = (self.tail + chunk[-4096:])[-4096:]

    def result(self) -> LineStats:
        clean = self.clean
        if self.carriage != self.crlf or self.space_quotes > _MAX_SPACE_QUOTES:
            clean = False
        tail = self.tail
        lines = self.newlines + (1 if tail and not tail.endswith(b"\n") else 0)
        return LineStats(
            lines, _trailing_blank_lines(tail), clean, _tail_blank_lines(tail, self.newlines)
        )


def _quotes_after_blanks(data: bytes, delimiter: bytes, before: bytes = b"") -> int | None:
    """How many `` "`` pairs ``data`` has (``before``: the bytes just before it); None if
    one of them opens a quoted field after leading blanks (which csv keeps verbatim and
    DuckDB unquotes). A tab right before the quote needs no check: DuckDB keeps such a cell
    verbatim as csv does, or refuses the file."""
    count = 0
    if data[:1] == b'"' and before[-1:] == b" ":
        count += 1
        if _opens_field(before, len(before), delimiter):
            return None
    for pair in (b' "',):
        at = data.find(pair)
        while at != -1:
            count += 1
            back = at
            while back > 0 and data[back - 1] in _BLANKS:
                back -= 1
            opens = (
                _opens_field(before, len(before), delimiter)
                if back == 0
                else data[back - 1 : back] in (delimiter, b"\n", b"\r")
            )
            if opens:
                return None
            at = data.find(pair, at + 1)
    return count


def _opens_field(data: bytes, end: int, delimiter: bytes) -> bool:
    """True when only blanks stand between ``data[:end]``'s last field start and ``end``
    (or when that cannot be told from ``data``)."""
    back = end
    while back > 0 and data[back - 1] in _BLANKS:
        back -= 1
    return back == 0 or data[back - 1 : back] in (delimiter, b"\n", b"\r")


def _tail_blank_lines(tail: bytes, newlines: int) -> tuple[int, ...]:
    """The numbers of the blank lines among the whole lines of ``tail`` (the last bytes of
    a file with ``newlines`` newlines): a report footer block has them."""
    parts = tail.split(b"\n")
    last = len(parts) - 1  # parts[last] follows the last newline: line newlines + 1
    return tuple(newlines + 1 - (last - i) for i in range(1, last) if parts[i].strip(b"\r") == b"")


def _trailing_blank_lines(tail: bytes) -> int:
    if not tail.endswith(b"\n"):
        return 0
    lines = tail[:-1].split(b"\n")
    blank = 0
    for line in reversed(lines):
        if line.strip(b"\r") != b"":
            break
        blank += 1
    return blank


class Background:
    """``function(*args, **kwargs)`` in a thread; ``result()`` waits (and re-raises)."""

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = function(*args, **kwargs)
            except BaseException as exc:  # handed to the caller of result()
                self._error = exc

        self._thread = threading.Thread(target=run, name="ikkan-background", daemon=True)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


@dataclass
class ScannedFile:
    """Raw cells (columns c0…, '' for empty, null only for padded cells) plus any extra
    computed columns, and each record's 1-based starting line."""

    table: pa.Table
    numbers: pa.Array


def scan_csv(
    con: Any,
    path: Path,
    width: int,
    delimiter: str,
    facts: Background,  # -> LineStats | None (None: not UTF-8)
    extra_select: Sequence[str] = (),
    params: Sequence[Any] = (),  # the ``?`` of ``extra_select``, in order
) -> ScannedFile | None:
    """Records after the header line, or None when DuckDB cannot read the file exactly as
    the row-by-row path would (then that path reads it)."""
    import duckdb

    names = column_names(width)
    raw = ", ".join(names)
    fixed = ["CASE WHEN starts_with(c0, ?) THEN substr(c0, 2) ELSE c0 END AS c0", *names[1:]]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    # A file ending in a short row (a report footer) fails the unpadded scan only at its
    # end: such a file is scanned padded first (the same table when no row is short).
    order = (True, False) if _ends_short(path, width, delimiter) else (False, True)
    for padding in order:
        source = (
            f"read_csv(?, header = false, skip = 1, columns = {columns}, auto_detect = false, "
            f"delim = ?, quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = {str(padding).lower()}, parallel = {str(not padding).lower()}, "
            f"nullstr = ?, allow_quoted_nulls = false)"
        )
        selects = ", ".join([raw, *extra_select])
        sql = f"SELECT {selects} FROM (SELECT {', '.join(fixed)} FROM {source})"
        try:
            relation = con.sql(sql, params=[*params, _BOM, str(path), delimiter, _NULL_MARK])
            table = relation.to_arrow_reader(_SCAN_BATCH).read_all()
        except duckdb.Error:
            continue
        stats = facts.result()
        if stats is None or not stats.clean:
            return None
        if not padding and any(table.column(n).null_count for n in names):
            return None  # a cell held the null marker itself
        numbers = _line_numbers(table, names, stats)
        if numbers is None:
            return None
        return ScannedFile(table, numbers)
    return None


def _ends_short(path: Path, width: int, delimiter: str) -> bool:
    """Whether the last non-blank line of the file has fewer delimiters than a full row
    (a guess: a quoted delimiter or newline may mislead it, costing only time)."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        tail = handle.read()
    lines = [line for line in tail.split(b"\n") if line.strip(b"\r")]
    return bool(lines) and lines[-1].count(delimiter.encode()) < width - 1


def _line_numbers(table: pa.Table, names: Sequence[str], stats: LineStats) -> pa.Array | None:
    import numpy as np

    rows = table.num_rows
    start = pa.array(np.arange(2, rows + 2, dtype=np.int64))
    if 1 + rows + stats.trailing_blank == stats.lines:
        return start
    if not any(_holds_newline(table.column(name)) for name in names):
        return _after_blank_lines(rows, stats)
    inside = pa.array([0] * rows, pa.int64())
    for name in names:
        counts = pc.fill_null(pc.count_substring(table.column(name), "\n"), 0)
        inside = pc.add(inside, pc.cast(counts, pa.int64()))
    in_cells = int(pc.sum(inside).as_py() or 0)
    if 1 + rows + in_cells + stats.trailing_blank == stats.lines:
        before = pc.subtract(pc.cumulative_sum(inside), inside)
        return pc.add(start, before)
    if in_cells:
        return None  # a blank line between records was skipped: numbers would be wrong
    return _after_blank_lines(rows, stats)


def _holds_newline(column: Any) -> bool:
    """Whether a cell of a text column may hold a newline (its bytes are searched at once;
    a sliced chunk's buffer may hold more than its cells: then perhaps True wrongly)."""
    for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
        data = chunk.buffers()[2]
        if data is not None and memoryview(data).tobytes().find(b"\n") != -1:
            return True
    return False


def _after_blank_lines(rows: int, stats: LineStats) -> pa.Array | None:
    """Numbers when no cell holds a newline: only blank lines near the end may lie between
    records; None when others must have (the numbers cannot be told)."""
    import numpy as np

    if 1 + rows + len(stats.tail_blank) != stats.lines:
        return None  # a blank line between records was skipped: numbers would be wrong
    # blank lines only near the end (a report footer block), none inside a cell: each
    # moves the records after it one line down
    numbers = np.arange(2, rows + 2, dtype=np.int64)
    for blank in stats.tail_blank:
        numbers[numbers >= blank] += 1
    return pa.array(numbers)
