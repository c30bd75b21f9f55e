"""The layout of a Zoom webinar report read row by row: which header cells name which
field, section titles, the meta block, and ``Walk``, the loop over the rows that takes
each attendee or registrant row into ``people`` (``zoom.py`` reads a whole report this
way; ``zoom_arrow.py`` only its head). See ``zoom.py`` for what the report means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.errors import Location, SourceError
from ikkan.ingest.base import ReaderContext
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.tabular import Cells, NumberedRow
from ikkan.ingest.parsing.dates import parse_datetime
from ikkan.ingest.parsing.values import (
    ParseError,
    clean_text,
    is_null,
    normalise_header,
    parse_bool,
    parse_email,
    parse_number,
)

SOURCE = "zoom"
COLUMNS = {
    "attended": ("attended", "出席"),
    "email": ("email", "メール", "メールアドレス"),
    "registered_at": ("registration time", "登録時間", "登録日時"),
    "joined_at": ("join time", "参加時間", "入室時間"),
    "minutes": ("time in session (minutes)", "セッション時間 (分)", "滞在時間 (分)"),
    "first_name": ("first name", "名"),
    "last_name": ("last name", "姓"),
    "user_name": ("user name (original name)", "user name", "ユーザー名 (元の名前)", "名前"),
    "approval": ("approval status", "承認ステータス"),
}
STAFF = ("host details", "panelist details", "ホストの詳細", "パネリストの詳細")


@dataclass
class Person:
    row: int
    registered_at: datetime | None = None
    joined_at: datetime | None = None
    minutes: float = 0.0
    joins: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _index(header: Cells) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        text = str(cell or "")
        if "@" in text:  # an e-mail address (no label has "@"; NFKC keeps it)
            continue
        name = _label_of(text)
        if name is not None and name not in found:
            found[name] = position
    return found


@lru_cache(maxsize=65_536)
def _label_of(text: str) -> str | None:
    """The field a header cell names (the first in ``COLUMNS`` order), if any: every row
    is tested as a possible table header, and its cells repeat."""
    key = normalise_header(text)
    return next((name for name, aliases in COLUMNS.items() if key in aliases), None)


def is_blank(cells: Cells) -> bool:
    return all(is_null(x) for x in cells)


@dataclass
class Walk:
    """The report read row by row: sections, table headers, staff rows skipped, people
    rows taken into ``people`` (the head of a report on the vectorised path too)."""

    log: ReadLog
    tz: ZoneInfo
    context: ReaderContext
    people: dict[str, Person] = field(default_factory=dict)
    times: _Times = field(default_factory=lambda: _Times())
    section: str = ""
    header: Cells | None = None
    columns: dict[str, int] = field(default_factory=dict)
    loaded: set[int] = field(default_factory=set)
    tables_seen: int = 0  # people tables (a header with Email and a time column)

    def row(self, number: int, cells: Cells, following: list[NumberedRow]) -> None:
        """One non-blank row; ``following``: the next non-blank row, if any."""
        if is_header(cells):
            self.header, self.columns = cells, _index(cells)
            self.tables_seen += 1
            return
        if _is_section_title(cells, following):
            self.section, self.header = normalise_header(str(filled_cells(cells)[0])), None
            return
        if self.header is None:
            return  # report title, meta block: layout before the first table
        self.log.rows_seen += 1
        if self.section in STAFF:
            self.log.skip(
                number, "a host/panelist row: staff, not a lead", _record(self.header, cells)
            )
            return
        if self.take(self.people, number, cells):
            self.loaded.add(number)
        if self.context.progress and number % 10_000 == 0:
            self.context.progress(number)

    def take(self, people: dict[str, Person], number: int, cells: Cells) -> bool:
        assert self.header is not None
        return _take(
            people, number, cells, self.header, self.columns, self.log, self.tz, self.times
        )

    def finish(self, path: Path) -> None:
        """The checks and warnings after the last row."""
        log = self.log
        if not self.tables_seen:
            raise SourceError(
                "no attendee or registrant table with an Email column found",
                location=Location(str(path)),
                hint="download the webinar's Attendee or Registration report as CSV",
            )
        if not self.people and not log.rejected and not log.skipped:
            log.warn("the report lists nobody (no registrant or attendee rows): nothing to load")
        if log.skipped:
            log.warn(staff_warning(len(log.skipped)))
        absent = sum(1 for p in self.people.values() if not p.joins and p.extra)
        if absent:
            log.warn(absent_warning(absent))


def staff_warning(count: int) -> str:
    return (
        f"{count} host/panelist row(s) are staff, not leads, and were not "
        "loaded (listed by 'ikkan rejects' as skipped)"
    )


def absent_warning(count: int) -> str:
    return (
        f"names of {count} registrant(s) who did not attend are not stored: "
        "registrations are kept by e-mail and time; people come from the CRM"
    )


SECTIONS = (
    *STAFF,
    "attendee details",
    "attendees",
    "other attended",
    "registrants",
    "registrant details",
    "出席者の詳細",
    "参加者の詳細",
    "登録者",
    "登録者の詳細",
)


def filled_cells(cells: Cells) -> list[object]:
    return [c for c in cells if not is_null(c)]


def is_header(cells: Cells) -> bool:
    found = _index(cells)
    return "email" in found and ("joined_at" in found or "registered_at" in found)


def _is_section_title(cells: Cells, following: list[NumberedRow]) -> bool:
    """A one-cell row that names a known section, or that a table header follows. Any
    other one-cell row inside a section is a data row (it is read, and rejected with its
    reason if it holds no usable e-mail): a stray line never ends a section."""
    filled = filled_cells(cells)
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    if normalise_header(filled[0]) in SECTIONS:
        return True
    return bool(following) and is_header(following[0][1])


def _record(header: Cells, cells: Cells) -> dict[str, Any]:
    return {str(h): c for h, c in zip(header, cells, strict=False)}


def report_meta(
    rows: list[NumberedRow], tz: ZoneInfo
) -> tuple[str | None, str | None, datetime | None]:
    for i, (_, cells) in enumerate(rows[:-1]):
        keys = [normalise_header(str(c or "")) for c in cells]
        if "topic" in keys or "トピック" in keys:
            values = rows[i + 1][1]

            def value(*names: str, keys: list[str] = keys, values: Cells = values) -> Any:
                for n in names:
                    if n in keys and keys.index(n) < len(values):
                        return clean_text(values[keys.index(n)])
                return None

            webinar = value("webinar id", "meeting id", "ウェビナーid", "ミーティングid")
            start = value("actual start time", "start time", "開始時間", "実際の開始時間")
            try:
                started = parse_datetime(start, tz) if start else None
            except ParseError:
                started = None
            return (
                value("topic", "トピック"),
                None if webinar is None else "".join(str(webinar).split()),
                started,
            )
    return None, None, None


class _Times:
    """``parse_datetime`` once per distinct cell of a report (join and registration times
    repeat from row to row); a ParseError is raised again for every row that has it."""

    def __init__(self) -> None:
        self._seen: dict[tuple[type, object], datetime | ParseError] = {}

    def __call__(self, value: object, tz: ZoneInfo) -> datetime:
        key = (type(value), value)  # (1 == 1.0 == True: keyed apart)
        found = self._seen.get(key)
        if found is None:
            try:
                found = parse_datetime(value, tz)
            except ParseError as exc:
                found = exc
            if len(self._seen) > 200_000:
                self._seen.clear()
            self._seen[key] = found
        if isinstance(found, ParseError):
            raise ParseError(found.reason)
        return found


def _take(
    people: dict[str, Person],
    number: int,
    cells: Cells,
    header: Cells,
    columns: dict[str, int],
    log: ReadLog,
    tz: ZoneInfo,
    times: _Times,
) -> bool:
    """Add one attendee or registrant row; False (and a reject with the reason) when the
    row gives neither a registration nor an attendance."""
    filled = {
        name: None if i >= len(cells) or is_null(cells[i]) else cells[i]
        for name, i in columns.items()
    }
    cell = filled.get

    def raw(name: str) -> Any:
        i = columns.get(name)
        return None if i is None or i >= len(cells) else cells[i]

    def label(name: str) -> str:
        return str(header[columns[name]]) if name in columns else name

    current = "email"
    try:
        raw_email = cell("email")
        if raw_email is None:
            log.reject(
                number,
                label("email"),
                None,
                "no e-mail: cannot match the row to a lead",
                _record(header, cells),
            )
            return False
        email = parse_email(raw_email)
        attended = True
        if cell("attended") is not None:
            current = "attended"
            attended = parse_bool(cell("attended"))
        current = "registered_at"
        registered = times(cell("registered_at"), tz) if cell("registered_at") else None
        current = "joined_at"
        joined = times(cell("joined_at"), tz) if cell("joined_at") else None
        current = "minutes"
        minutes = parse_number(cell("minutes")) if cell("minutes") is not None else 0.0
    except ParseError as exc:
        log.reject(number, label(current), raw(current), exc.reason, _record(header, cells))
        return False
    attends = attended and "joined_at" in columns and joined is not None
    if registered is None and not attends:
        if attended and "joined_at" in columns:
            column, why = "joined_at", "attended but no join time: the attendance has no date"
        else:
            column, why = (
                "registered_at",
                "no registration time and no attendance: nothing to record for this row",
            )
        log.reject(number, label(column), raw(column), why, _record(header, cells))
        return False
    person = people.setdefault(email, Person(number))
    if registered and (person.registered_at is None or registered < person.registered_at):
        person.registered_at = registered
    if attends:
        person.joins += 1
        person.minutes += minutes
        if person.joined_at is None or (joined is not None and joined < person.joined_at):
            person.joined_at = joined
    for name in ("first_name", "last_name", "user_name", "approval"):
        if cell(name) is not None:
            person.extra.setdefault(label(name), clean_text(cell(name)))
    return True
