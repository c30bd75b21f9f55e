"""The loop every tabular reader shares: open, find the header, plan, convert, batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.arrow_rows import ArrowBatch
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.columnar import (
    ColumnarFile,
    arrow_batches,
    log_footer,
    open_columnar,
)
from ikkan.ingest.engine.fields import (
    ColumnPlan,
    Converted,
    FieldSpec,
    convert_batch,
    plan_columns,
    warn_extra,
)
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.memory import release_memory
from ikkan.ingest.engine.tabular import (
    Cells,
    FileRows,
    LocatedTable,
    NumberedRow,
    head_rows,
    iter_batches,
    locate_header,
    open_rows,
)
from ikkan.ingest.load_rows import mark_keys_unique
from ikkan.ingest.parsing.layout import header_matches, is_comment_row


@dataclass
class ReadState:
    """What a reader's batch handler sees."""

    path: Path
    context: ReaderContext
    log: ReadLog
    tz: ZoneInfo
    plan: ColumnPlan
    preamble: list[NumberedRow]
    builders: dict[str, TableBuilder]


BatchHandler = Callable[[ReadState, Converted], None]
ArrowHandler = Callable[[ReadState, ArrowBatch], None]
"""The same step as a ``BatchHandler`` on Arrow arrays (the vectorised path): it must add
the same rows (``TableBuilder.add_arrow``) and log the same messages in the same order."""


def header_test(
    specs: Sequence[FieldSpec], required: Sequence[str], minimum: int = 2
) -> Callable[[Cells], bool]:
    """A header row has every ``required`` field and at least ``minimum`` known labels."""
    required_aliases = [next(s for s in specs if s.name == r).aliases for r in required]
    all_aliases = [a for s in specs for a in s.aliases]

    def test(cells: Cells) -> bool:
        if any(header_matches(cells, aliases) == 0 for aliases in required_aliases):
            return False
        return header_matches(cells, all_aliases) >= minimum

    return test


def looks_like(
    head: str,
    specs: Sequence[FieldSpec],
    required: Sequence[str],
    any_of: Sequence[str] = (),
    scan: int = 1,
) -> bool:
    """True if one of the first ``scan`` non-comment rows of ``head`` has every ``required``
    field and (if given) one of ``any_of``."""
    by_name = {s.name: s for s in specs}
    seen = 0
    for row in head_rows(head):
        if not row or is_comment_row(list(row)) or not any(c.strip() for c in row):
            continue
        if all(header_matches(row, by_name[r].aliases) for r in required) and (
            not any_of or any(header_matches(row, by_name[a].aliases) for a in any_of)
        ):
            return True
        seen += 1
        if seen >= scan:
            break
    return False


def read_tabular(
    path: Path,
    context: ReaderContext,
    *,
    reader: str,
    source_system: str,
    specs: Sequence[FieldSpec],
    is_header: Callable[[Cells], bool],
    tables: Sequence[TableBuilder],
    handle: BatchHandler,
    more_specs: Callable[[list[str]], Sequence[FieldSpec]] | None = None,
    sheet: str | None = None,
    setup: Callable[[ReadState, LocatedTable], None] | None = None,
    locate: Callable[[FileRows], LocatedTable] | None = None,
    transform: Callable[[LocatedTable], LocatedTable] | None = None,
    log: ReadLog | None = None,
    vectorised: bool = False,
    dense_rows_only: bool = False,
    handle_arrow: ArrowHandler | None = None,
    columnar_header: Callable[[Cells], bool] | None = None,
) -> tuple[ReadResult, ReadState]:
    """Read a one-table file; ``handle`` turns each converted batch into canonical rows.
    The caller finishes the builders (dedupe) and fills ``result.tables``.

    ``vectorised``: try the engine's vectorised read first (``columnar``; the same batches,
    rejections and warnings), used only without ``sheet``, ``locate`` and ``setup``; there
    ``handle_arrow``, when given, replaces ``handle`` (rows stay Arrow up to the load);
    ``columnar_header``: with ``locate`` (GA4), the header test of a file that ``locate``
    reads as a plain table (header on line 1, no ``#`` comment rows): such files take the
    vectorised path too;
    ``dense_rows_only``: ``transform`` changes nothing on a file whose every row fills
    more than half its cells, so only such files take that path."""
    plain = locate is None or columnar_header is not None
    if vectorised and sheet is None and plain and setup is None:
        columnar = open_columnar(
            path,
            specs,
            columnar_header or is_header,
            more_specs,
            dense_rows_only,
            comment_rows=columnar_header is not None,
        )
        if columnar is not None:
            return _read_columnar(
                columnar, path, context, reader, source_system, tables, handle, handle_arrow, log
            )
    rows = open_rows(path, sheet)
    if locate is not None:
        located = locate(rows)
    else:
        located = locate_header(rows, is_header, [a for s in specs for a in s.aliases[1:2]])
    if transform is not None:
        located = transform(located)
    all_specs = [*(more_specs(located.header) if more_specs else ()), *specs]
    plan = plan_columns(located.header, all_specs)
    log = log or ReadLog(str(path))
    warn_extra(plan, log)
    state = ReadState(
        path,
        context,
        log,
        ZoneInfo(context.timezone),
        plan,
        located.preamble,
        {b.table.name: b for b in tables},
    )
    if setup:
        setup(state, located)
    for batch in iter_batches(located, log):
        converted = convert_batch(batch, plan, log, state.tz)
        handle(state, converted)
        if context.progress:
            context.progress(log.rows_seen)
    result = ReadResult(
        source_system=source_system,
        reader=reader,
        file_path=str(path),
        rejected=log.rejected,
        skipped=log.skipped,
        warnings=log.warnings,
        rows_read=log.rows_seen,
        encoding=rows.encoding or "xlsx",
    )
    return result, state


def _read_columnar(
    columnar: ColumnarFile,
    path: Path,
    context: ReaderContext,
    reader: str,
    source_system: str,
    tables: Sequence[TableBuilder],
    handle: BatchHandler,
    handle_arrow: ArrowHandler | None,
    log: ReadLog | None,
) -> tuple[ReadResult, ReadState]:
    log = log or ReadLog(str(path))
    warn_extra(columnar.plan, log)
    tz = ZoneInfo(context.timezone)
    state = ReadState(path, context, log, tz, columnar.plan, [], {b.table.name: b for b in tables})
    for batch in arrow_batches(columnar, log, tz):
        if handle_arrow is not None:
            handle_arrow(state, batch)
        else:
            handle(state, batch.to_converted())
        if context.progress:
            context.progress(log.rows_seen)
    log_footer(columnar, log)
    result = ReadResult(
        source_system=source_system,
        reader=reader,
        file_path=str(path),
        rejected=log.rejected,
        skipped=log.skipped,
        warnings=log.warnings,
        rows_read=log.rows_seen,
        encoding=columnar.encoding,
        vectorised=True,
    )
    return result, state


def require(state: ReadState, converted: Converted, name: str) -> list[int]:
    """Indices of rows that have ``name``; the others are rejected (missing required value)."""
    values = converted.get(name)
    keep = [i for i, v in enumerate(values) if v is not None]
    if len(keep) != converted.size:
        label = state.plan.label(name) if state.plan.has(name) else name
        for i, v in enumerate(values):
            if v is None:
                state.log.reject(converted.numbers[i], label, None, f"{label} is empty")
    return keep


def pick(values: Sequence[Any], keep: Sequence[int]) -> list[Any]:
    return [values[i] for i in keep]


def finish(result: ReadResult, state: ReadState) -> ReadResult:
    """Attach the builders' tables (also empty ones) to the result, marked for the loader
    when a step left one row per key (``load_rows.KEYS_UNIQUE``: no second check)."""
    loaded: set[int] = set()
    arrays = []  # Arrow builders' row numbers: joined by numpy, not a Python set
    for name, builder in state.builders.items():
        table = builder.to_arrow()
        result.tables[name] = mark_keys_unique(table) if builder.keys_unique else table
        if builder.chunks:
            arrays.append(builder.number_array())
        else:
            loaded.update(builder.row_numbers())
    if arrays:
        arrays.append(np.fromiter(loaded, dtype=np.int64, count=len(loaded)))
        numbers = np.sort(np.concatenate(arrays))  # (np.unique hashes: 20x slower here)
        first = np.ones(len(numbers), dtype=bool)
        first[1:] = numbers[1:] != numbers[:-1]
        result.loaded_rows = numbers[first]
    else:
        result.loaded_rows = loaded
    result.rows_read = state.log.rows_seen
    result.rejected = state.log.rejected
    result.skipped = state.log.skipped
    result.warnings = state.log.warnings
    release_memory()  # the batches' converted columns, now in the builders' tables
    return result
