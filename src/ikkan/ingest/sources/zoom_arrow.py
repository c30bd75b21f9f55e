"""Zoom reports on the engine's vectorised path: the same ``ReadResult`` as
``ZoomWebinarReader.read_rows``, with Python only for the report head, the rows rejected
and the rows that might change the layout.

The head (title, meta block, host and panelist sections) is walked row by row, as the row
path does, up to the header of the first people table outside a staff section; the
engine scans from that header to the end of the file (``region.scan_region``); the cells
are converted column by column (``arrow_convert``) and people are aggregated with numpy
(joins counted, minutes summed in row order, earliest times).

The row path reads the file instead (None is returned) when:
- it is XLSX, or not UTF-8/cp932, or the region cannot be scanned exactly (lone CR,
  ragged quoting, a row wider than the header, a header cell with a newline);
- the head has a people row outside a staff section (a second table before the last);
- no meta block (``Topic`` …) precedes the table header (the row path looks further);
- a row of the table is a table header or names a section (a second table follows);
- the head has more than ``_HEAD_ROWS`` rows.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine import region
from ikkan.ingest.engine.arrow_convert import convert_column, json_strings
from ikkan.ingest.engine.arrow_csv import column_names, row_cells
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import ColumnPlan, FieldSpec, Kind
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.scratch import registered as registered_table
from ikkan.ingest.engine.scratch import scratch_cursor
from ikkan.ingest.engine.tabular import NumberedRow, is_xlsx
from ikkan.ingest.load_rows import mark_keys_unique
from ikkan.ingest.parsing.encoding import read_head
from ikkan.ingest.parsing.layout import sniff_delimiter
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.zoom_layout import (
    COLUMNS,
    SECTIONS,
    SOURCE,
    STAFF,
    Walk,
    absent_warning,
    filled_cells,
    is_blank,
    is_header,
    report_meta,
    staff_warning,
)
from ikkan.model.canonical import ACTIVITIES

_HEAD_ROWS = 10_000
_KINDS = {
    "email": Kind.EMAIL,
    "attended": Kind.BOOL,
    "registered_at": Kind.DATETIME,
    "joined_at": Kind.DATETIME,
    "minutes": Kind.FLOAT,
}
_NAMES = ("first_name", "last_name", "user_name", "approval")  # the order _take sets them
# A cell this matches is no "Email" label (``_label_of``): it has an "@" (skipped), or a
# character NFKC keeps and no alias has (ASCII digits and letters other than e, m, a, i,
# l; hiragana; ideographs and 々〆〇), or only ASCII without one of e, m, a, i, l.
_SURELY_NO_LABEL = (
    "[@0-9b-df-hj-kn-zB-DF-HJ-KN-Z\\x{3005}-\\x{3007}\\x{3041}-\\x{3096}\\x{4E00}-\\x{9FFF}]"
    "|^[^eEmMaAiIlL\\x{80}-\\x{10FFFF}]*$"
)
_NEVER = np.iinfo(np.int64).max


def read_arrow(path: Path, context: ReaderContext) -> ReadResult | None:
    """The report read on the vectorised path, or None (see the module's rules)."""
    if not path.is_file() or path.suffix.lower() == ".xls" or is_xlsx(path):
        return None
    try:
        encoding = region.head_encoding(path)
    except SourceError:
        return None
    if encoding not in region.REGION_ENCODINGS:
        return None
    delimiter = sniff_delimiter(read_head(path, encoding))
    quiet = dataclasses.replace(context, progress=None)  # (the head reports no progress)
    walk = Walk(ReadLog(str(path)), ZoneInfo(context.timezone), quiet)
    head = _head(path, encoding, delimiter, walk)
    if head is None or walk.header is None:
        return None
    rows, line = head
    if not any(_names_meta(cells) for _, cells in rows[:-1]):
        return None
    header = [str(c) for c in walk.header]
    specs = {n: FieldSpec(n, _KINDS.get(n, Kind.TEXT), COLUMNS[n]) for n in walk.columns}
    plan = ColumnPlan(header, dict(walk.columns), specs)
    scanned = region.scan_region(path, encoding, delimiter, line, plan)
    if scanned is None:
        return None
    table = _Table(walk, scanned.table, scanned.numbers)
    del scanned  # the cells: let go once rows are split (``_Table.split``)
    data = table.data_rows()
    if data is None:
        return None
    data_numbers = table.numbers[data]
    if not table.split(data):
        return None
    return _result(path, context, table, data_numbers, report_meta(rows, walk.tz), encoding)


def _names_meta(cells: list[object]) -> bool:
    keys = [normalise_header(str(c or "")) for c in cells]
    return "topic" in keys or "トピック" in keys


def _head(
    path: Path, encoding: str, delimiter: str, walk: Walk
) -> tuple[list[NumberedRow], int] | None:
    """The rows up to the header of the first people table outside a staff section (all
    walked), and that header's line; None when the head is not only staff rows."""
    rows: list[NumberedRow] = []
    pending: NumberedRow | None = None
    source = region.csv_rows(path, encoding, delimiter)
    try:
        for number, cells in source:
            if len(rows) >= _HEAD_ROWS:
                return None
            rows.append((number, cells))
            if is_blank(cells):
                continue
            if pending is not None:
                walk.row(*pending, [(number, cells)])
            pending = (number, cells)
            if is_header(cells) and walk.section not in STAFF:
                walk.row(number, cells, [])
                if walk.log.rows_seen != len(walk.log.skipped):
                    return None  # people rows before this table
                return rows, number
    except (UnicodeDecodeError, SourceError):
        return None
    finally:
        source.close()  # type: ignore[attr-defined]
    return None


class _Table:
    """The people table of a report: its cells converted, which rows are data, the rows
    rejected (by ``Walk.take``, in row order) and the rows kept."""

    def __init__(self, walk: Walk, table: pa.Table, numbers: pa.Array) -> None:
        self.walk = walk
        self.rows = table.num_rows
        self.values: dict[str, Any] = {}
        self.bad = np.zeros(self.rows, dtype=bool)
        filled = np.zeros(self.rows, dtype=np.int64)  # cells of fields that are not null
        surely_no_label: dict[int, np.ndarray] = {}
        for name, position in walk.columns.items():
            kind = _KINDS.get(name, Kind.TEXT)
            converted = convert_column(table.column(f"c{position}"), _spec(name, kind), walk.tz)
            values = converted.values
            values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
            self.values[name] = values
            valid = _mask(pc.is_valid(values))
            bad = np.zeros(self.rows, dtype=bool) if converted.bad is None else _mask(converted.bad)
            self.bad |= bad
            filled += valid | bad
            if kind is not Kind.TEXT:  # a date, number, yes/no or address: no label
                surely_no_label[position] = valid
        self.table, self.numbers = table, numbers.to_numpy(zero_copy_only=False)
        self.filled, self.surely_no_label = filled, surely_no_label

    def data_rows(self) -> np.ndarray | None:
        """Which rows are data (the others are blank); None when a row starts a section
        or a table. Rows with two field cells filled and no cell that may be an Email
        label are data; the others are looked at in Python."""
        width = len(self.walk.header or ())
        label = np.zeros(self.rows, dtype=bool)
        for position, name in enumerate(column_names(width)):
            label |= region.lacks(
                self.table.column(name), _SURELY_NO_LABEL, self.surely_no_label.get(position)
            )
        data = np.ones(self.rows, dtype=bool)
        suspects = np.flatnonzero((self.filled < 2) | label).tolist()
        for index, cells in zip(suspects, row_cells(self.table, width, suspects), strict=True):
            if is_blank(cells):
                data[index] = False
                continue
            if is_header(cells):
                return None
            filled = filled_cells(cells)
            if len(filled) == 1 and normalise_header(str(filled[0])) in SECTIONS:
                return None
        return data

    def split(self, data: np.ndarray) -> bool:
        """Rows rejected (logged as the row path logs them) and rows kept; False if the
        row path would keep a row rejected here (never seen: then it reads the file)."""
        email = self._valid("email")
        attended = (
            _mask(pc.fill_null(self.values["attended"], True))
            if "attended" in self.values
            else np.ones(self.rows, dtype=bool)
        )
        self.attends = attended & self._valid("joined_at")
        registered = self._valid("registered_at")
        rejected = np.flatnonzero(data & (self.bad | ~email | (~registered & ~self.attends)))
        data[rejected] = False
        self.kept = np.flatnonzero(data)
        self.kept_numbers = self.numbers[self.kept]
        width = len(self.walk.header or ())
        cells = row_cells(self.table, width, rejected.tolist())
        for number, row in zip(self.numbers[rejected].tolist(), cells, strict=True):
            if self.walk.take({}, number, row):
                return False
        self.table = self.table.schema.empty_table()  # the cells are let go
        return True

    def _valid(self, name: str) -> np.ndarray:
        found = self.values.get(name)
        if found is None:
            return np.zeros(self.rows, dtype=bool)
        return _mask(pc.is_valid(found))

    def column(self, name: str) -> Any:
        """Field ``name`` of the rows kept (None when the table lacks it)."""
        found = self.values.get(name)
        return None if found is None else pc.take(found, pa.array(self.kept))


def _spec(name: str, kind: Kind) -> FieldSpec:
    return FieldSpec(name, kind, COLUMNS[name])


def _result(
    path: Path,
    context: ReaderContext,
    table: _Table,
    data_numbers: np.ndarray,
    meta: tuple[str | None, str | None, Any],
    encoding: str,
) -> ReadResult:
    topic, webinar_id, _ = meta
    log = table.walk.log
    log.rows_seen += len(data_numbers)
    people = _People(table)
    table.values.clear()  # the converted cells: let go before the output is built
    if not people.count and not log.rejected and not log.skipped:
        log.warn("the report lists nobody (no registrant or attendee rows): nothing to load")
    if log.skipped:
        log.warn(staff_warning(len(log.skipped)))
    if people.absent:
        log.warn(absent_warning(people.absent))
    builder = TableBuilder(ACTIVITIES)
    people.emit(builder, topic, webinar_id)
    if context.progress:
        for number in data_numbers[data_numbers % 10_000 == 0].tolist():
            context.progress(number)
    return ReadResult(
        source_system=SOURCE,
        reader="zoom",
        file_path=str(path),
        tables={"activities": mark_keys_unique(builder.to_arrow())},  # one per e-mail and kind
        rejected=log.rejected,
        skipped=log.skipped,
        warnings=log.warnings,
        rows_read=log.rows_seen,
        encoding=encoding,
        loaded_rows=table.kept_numbers,
        vectorised=True,
    )


def _mask(values: Any) -> np.ndarray:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _micros(values: Any) -> np.ndarray:
    """Timestamps as µs, ``_NEVER`` where null."""
    found = pc.fill_null(pc.cast(values, pa.int64()), _NEVER)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


class _People:
    """Per e-mail, in order of first appearance (``zoom._take``'s dict): first row,
    earliest registration and join, joins, minutes summed in row order, and the first
    value of each name column (numpy: ``add.at`` adds in row order, as ``_take`` does)."""

    def __init__(self, table: _Table) -> None:
        encoded = pc.dictionary_encode(table.column("email"))
        self.emails = encoded.dictionary
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        self.count = count = len(self.emails)
        first = np.ones(len(codes), dtype=bool)  # codes rise at each e-mail's first row
        if len(codes):
            first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
        self.first = np.flatnonzero(first)  # each person's first kept row
        self.rows = table.kept_numbers[self.first]
        self.registered = np.full(count, _NEVER, dtype=np.int64)
        if "registered_at" in table.values:
            np.minimum.at(self.registered, codes, _micros(table.column("registered_at")))
        attends = table.attends[table.kept]
        joined = codes[attends]
        self.joins = np.bincount(joined, minlength=count)
        self.joined = np.full(count, _NEVER, dtype=np.int64)
        self.minutes = np.zeros(count, dtype=np.float64)
        if len(joined):
            np.minimum.at(self.joined, joined, _micros(table.column("joined_at"))[attends])
            if "minutes" in table.values:
                spent = pc.fill_null(table.column("minutes"), 0.0).to_numpy(zero_copy_only=False)
                np.add.at(self.minutes, joined, np.asarray(spent)[attends])
        self.names = self._names(table, codes)
        named = np.zeros(count, dtype=bool)
        for where, _ in self.names:
            named |= where != _NEVER
        self.absent = int(np.count_nonzero(named & (self.joins == 0)))

    def _names(self, table: _Table, codes: np.ndarray) -> list[tuple[np.ndarray, Any]]:
        """Per name column: each person's first row holding it (``_NEVER``: none) and the
        ``"label": value`` JSON member of that value."""
        found = []
        header = table.walk.header or []
        for name in _NAMES:
            values = table.values.get(name)
            if values is None:
                continue
            holds = _mask(pc.is_valid(values))[table.kept]
            where = np.where(holds[self.first], self.first, _NEVER)
            later = holds & (where[codes] == _NEVER)  # people without it on their first row
            if later.any():
                rows = np.flatnonzero(later)
                people, at = np.unique(codes[rows], return_index=True)
                where[people] = rows[at]
            none = where == _NEVER
            at_row = table.kept[np.where(none, 0, where)] if len(table.kept) else where
            firsts = pc.take(values, pa.array(at_row, mask=none))
            label = json.dumps(str(header[table.walk.columns[name]]), ensure_ascii=False)
            member = pc.binary_join_element_wise(f"{label}: ", _json_texts(firsts), "")
            found.append((where, member))
        return found

    def _members(self) -> list[Any]:
        """The name members of each attendance in the order ``_take`` set them: the columns'
        order, unless someone's came from different rows in another order."""
        wheres = [where for where, _ in self.names]
        ordered = all(
            not np.any((a != _NEVER) & (b != _NEVER) & (b < a))
            for i, a in enumerate(wheres)
            for b in wheres[i + 1 :]
        )
        if ordered:
            return [member for _, member in self.names]
        slots = []
        for rank in range(len(self.names)):
            piece: Any = pa.nulls(self.count, pa.string())
            for k, (where, member) in enumerate(self.names):
                here = (where != _NEVER) & (_rank(wheres, k) == rank)
                piece = pc.if_else(pa.array(here), member, piece)
            slots.append(piece)
        return slots

    def emit(self, builder: TableBuilder, topic: str | None, webinar_id: str | None) -> None:
        """Per person, its registration then its attendance (``zoom._emit``'s order)."""
        registered = np.flatnonzero(self.registered != _NEVER) * 2
        attendees = np.flatnonzero(self.joins > 0)
        order = np.sort(np.concatenate([registered, attendees * 2 + 1]))
        person, kind = order // 2, order % 2
        attendance = kind == 1
        registration = json.dumps({"webinar_id": webinar_id}, ensure_ascii=False)
        if len(attendees) > self.count * 0.8:  # JSON for everyone: no take per column
            attendees = np.arange(self.count)
        slot = np.zeros(self.count, dtype=np.int64)
        slot[attendees] = np.arange(len(attendees))
        at = np.where(attendance, slot[person], len(attendees))  # the last: a registration's
        attributes = pa.concat_arrays(
            [self._attendance(attendees, webinar_id), pa.array([registration])]
        )
        emails = pc.take(self.emails, pa.array(person))
        kinds = pc.take(pa.array(["webinar_registration", "webinar_attendance"]), pa.array(kind))
        builder.add_arrow(
            {
                "activity_key": _keys(webinar_id, attendance, emails),
                "source_system": SOURCE,
                "source_id": pc.binary_join_element_wise(f"{webinar_id}:", emails, ""),
                "email": emails,
                "occurred_at": pa.array(
                    np.where(attendance, self.joined[person], self.registered[person]).astype(
                        "datetime64[us]"
                    )
                ),
                "activity_type": kinds,
                "channel": "webinar",
                "detail": topic,
                "quantity": pa.array(self.minutes[person], mask=~attendance),
                "attributes": pc.take(attributes, pa.array(at)),
            },
            pa.array(self.rows[person]),
        )

    def _attendance(self, attendees: np.ndarray, webinar_id: str | None) -> pa.Array:
        """The attendance attributes (JSON) of ``attendees`` (people who joined, or
        everyone): name members, webinar id and joins, as ``json.dumps`` writes them."""
        everyone = len(attendees) == self.count
        pick = pa.array(attendees)
        columns = {"joins": pa.array(self.joins[attendees])}
        members = self._members()
        for k, member in enumerate(members):
            columns[f"m{k}"] = member if everyone else pc.take(member, pick)
        parts = ", ".join([*(f"m{k}" for k in range(len(members))), "? || joins"])
        wid = json.dumps(webinar_id, ensure_ascii=False)
        with scratch_cursor() as con, registered_table(con, pa.table(columns), "zoom") as name:
            found = con.sql(
                f"SELECT '{{' || concat_ws(', ', {parts}) || '}}' AS a FROM {name}",  # noqa: S608
                params=[f'"webinar_id": {wid}, "joins": '],
            ).to_arrow_table(len(attendees) + 1)
        if found.num_rows != len(attendees):
            raise AssertionError("attributes lost rows")
        return found.column("a").combine_chunks()


def _keys(webinar_id: str | None, attendance: np.ndarray, emails: Any) -> pa.Array:
    """``stable_key(SOURCE, webinar_id, kind, email)`` per row (sha1 in DuckDB)."""
    key = "\x1f".join([SOURCE, "\x00" if webinar_id is None else str(webinar_id), ""])
    table = pa.table({"attendance": pa.array(attendance), "email": emails})
    with scratch_cursor() as con, registered_table(con, table, "zoom_keys") as name:
        found = con.sql(
            "SELECT sha1(? || CASE WHEN attendance THEN 'webinar_attendance' "  # noqa: S608
            f"ELSE 'webinar_registration' END || chr(31) || email) AS k FROM {name}",
            params=[key],
        ).to_arrow_table(len(attendance) + 1)
    if found.num_rows != len(attendance):
        raise AssertionError("keys lost rows")
    return found.column("k").combine_chunks()


def _json_texts(values: Any) -> Any:
    """``arrow_convert.json_strings``, once per distinct value when values repeat."""
    sample = values.slice(0, 20_000)
    if len(sample) < 1_000 or pc.count_distinct(sample).as_py() > len(sample) // 4:
        return json_strings(values)
    encoded = pc.dictionary_encode(values)
    return pc.take(json_strings(encoded.dictionary), encoded.indices)


def _rank(wheres: list[np.ndarray], k: int) -> np.ndarray:
    """Per person: how many name columns were first set before column ``k`` (an earlier
    row, or the same row and earlier in ``_NAMES``)."""
    where = wheres[k]
    rank = np.zeros(len(where), dtype=np.int64)
    for j, other in enumerate(wheres):
        if j != k:
            rank += ((other < where) | ((other == where) & (j < k))) & (other != _NEVER)
    return rank
