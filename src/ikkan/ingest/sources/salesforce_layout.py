"""Salesforce "Formatted Report" (XLSX) layout: group rows, subtotals, fill-down.

A grouped report writes the group value (e.g. the Stage) only on the first row of each
group, or on a row of its own, and closes each group with a subtotal row. Details-only
exports (CSV or XLSX) have none of this and pass through unchanged.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.tabular import Cells, LocatedTable, NumberedRow
from ikkan.ingest.parsing.layout import (
    first_text,
    is_blank_row,
    is_footer_row,
    is_trailer_start,
)

# The label alone, or followed by a colon, a number, a bracket or "of" ("Sum of Amount",
# "Count: 5", "小計 (3)"): "Total Solutions株式会社 - 新規導入" is a name, not a subtotal.
_SUBTOTAL = re.compile(
    r"^(?:subtotal|sub-total|小計|count|件数|sum|合計|total|レコード数|record count)"
    r"(?:\s*$|\s*[:：(（\[]|\s*[-+]?\d|\s+of\b)",
    re.I,
)


def _filled(cells: Cells) -> list[int]:
    return [i for i, c in enumerate(cells) if c is not None and str(c).strip() != ""]


def _is_subtotal(cells: Cells, width: int) -> bool:
    """A subtotal label and few filled cells: a detail row fills most of its columns.
    (The label is looked at first: most rows fail there, before their cells are counted.)"""
    text = first_text(cells)
    if text is None or not (_SUBTOTAL.match(text) is not None or is_footer_row(cells)):
        return False
    return len(_filled(cells)) <= max(2, width // 2)


def _group_only(cells: Cells, width: int) -> bool:
    """One or two cells filled, all in the left half (a group value on a row of its own);
    a detail row usually fills a right-half cell, which answers at once."""
    half = width // 2
    if any(c is not None and str(c).strip() != "" for c in cells[half:]):
        return False
    return 0 < len(_filled(cells)) <= 2


def fill_groups(table: LocatedTable, log: ReadLog | None = None) -> LocatedTable:
    """Buffer the rows; if the sheet has subtotal or group-only rows, leave them out (each
    listed as skipped in ``log``, with its reason) and fill the blank leading group columns
    down from the group's first row."""
    width = len(table.header)
    rows: list[NumberedRow] = list(table.rows)
    end = next((i for i, (_, c) in enumerate(rows) if is_trailer_start(c)), len(rows))
    body, tail = rows[:end], rows[end:]
    data_cells = [c for _, c in body if not is_blank_row(c)]
    grouped = any(_is_subtotal(c, width) for c in data_cells) or any(
        _group_only(c, width) for c in data_cells
    )
    filled = _filled_rows(body, width, log) if grouped else iter(body)
    return LocatedTable(
        table.header, table.header_row, table.preamble, itertools.chain(filled, tail)
    )


def _filled_rows(rows: list[NumberedRow], width: int, log: ReadLog | None) -> Iterator[NumberedRow]:
    details = [
        (n, c)
        for n, c in rows
        if not is_blank_row(c)
        and not _is_subtotal(c, width)
        and len(_filled(c)) > min(2, width - 1)
    ]

    def skip(number: int, cells: Cells, reason: str) -> None:
        if log is not None:
            log.rows_seen += 1
            log.skip(number, reason, {str(i): c for i, c in enumerate(cells) if c is not None})

    groups = _group_columns(details, width)
    group_set = set(groups)
    current: list[object] = [None] * width
    for number, raw in rows:
        if is_blank_row(raw):
            continue
        if _is_subtotal(raw, width):
            skip(number, raw, "a subtotal row of a grouped report (its figures are sums)")
            continue
        cells = list(raw) + [None] * (width - len(raw))
        filled = _filled(cells)
        if group_set and all(i in group_set for i in filled):
            for i in groups:  # a group header row of its own
                if i in filled:
                    current[i] = cells[i]
                elif filled and i > min(filled):
                    current[i] = None
            skip(
                number,
                raw,
                "a group heading of a grouped report: its value is filled into the rows below",
            )
            continue
        for i in groups:
            if cells[i] in (None, ""):
                cells[i] = current[i]
            else:
                current[i] = cells[i]
        yield number, cells


def _group_columns(details: list[NumberedRow], width: int) -> list[int]:
    """Leading columns that behave like groups: blank on some rows, and only blank where
    every column to their left is blank too (nested groups continue)."""
    groups: list[int] = []
    for column in range(width - 1):
        blanks = [c for _, c in details if column >= len(c) or c[column] in (None, "")]
        if not blanks or len(blanks) == len(details):
            break
        nested = all(all(j >= len(c) or c[j] in (None, "") for j in groups) for c in blanks)
        if not nested:
            break
        groups.append(column)
    return groups
