"""Dates and datetimes as exports write them, to naive wall-clock in the project zone.

Accepted: ``2026-01-07``, ``2026/1/7``, ``2026.1.7``, ``20260107``, ``2026年1月7日``,
``令和8年1月7日``, ``令和元年5月1日``, ``平成31年4月30日``, ``R8.1.7``, ``H31/4/30``,
US ``1/7/2026`` and ``04/26/2026 10:45:17 AM``, any of these with a time
(``9:05``, ``09:05:30``, ``9:05 PM``, ``午後9:05``), ISO 8601 with ``T`` and a zone
(``…Z``, ``+09:00``; converted to the project zone), ms-epoch strings (HubSpot API) and, for
cells that are numbers (XLSX), Excel serial days. Anything else raises ParseError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ikkan.ingest.parsing.values import ParseError, normalise

_ISO_FAST = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?$")
_TIME = (
    r"(?:\s*(?P<ampm1>AM|PM|午前|午後)?\s*(?P<h>\d{1,2}):(?P<mi>\d\d)"
    r"(?::(?P<s>\d\d)(?:\.(?P<f>\d{1,6})\d*)?)?\s*(?P<ampm2>AM|PM)?)?"
)
_YMD = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]" + _TIME + r")?$", re.I
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)$")
_KANJI = re.compile(
    r"^(?P<era>令和|平成|昭和)?(?P<y>\d{1,4}|元)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
    r"(?:\([^)]*\))?" + _TIME + "$",
    re.I,
)
_ERA_ABBR = re.compile(
    r"^(?P<era>[RHS])(?P<y>\d{1,2}|元)[./-](?P<m>\d{1,2})[./-](?P<d>\d{1,2})(?:\s" + _TIME + ")?$",
    re.I,
)
_US = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s" + _TIME + ")?$", re.I)
_ISO_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$", re.I)
_EPOCH_MS = re.compile(r"^\d{12,13}$")

# (first day, last day) of each era; the era year 1 starts on the first day.
_ERAS = {
    "令和": (date(2019, 5, 1), date(9999, 12, 31)),
    "平成": (date(1989, 1, 8), date(2019, 4, 30)),
    "昭和": (date(1926, 12, 25), date(1989, 1, 7)),
}
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_datetime(
    value: object, tz: tzinfo | None = None, formats: Sequence[str] = ()
) -> datetime:
    """A naive datetime in ``tz`` (zone-aware sources are converted; naive ones are taken as
    already local). ``formats`` are strptime formats tried first (generic mappings)."""
    if isinstance(value, datetime):
        return _to_local(value, tz) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool) or value is None:
        raise ParseError(f"expected a date, got {value!r}")
    if isinstance(value, int | float):
        return _excel_serial(value)
    raw = str(value)
    if not formats and len(raw) in (10, 16, 19) and raw[4:5] == "-" and raw[7:8] == "-":
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            return parsed
    fast = _ISO_FAST.match(raw)
    if fast and not formats:
        y, m, d, hh, mm, ss = fast.groups()
        try:
            return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError as exc:
            raise ParseError(f"not a valid date: {raw!r} ({exc})") from None
    text = normalise(raw)
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _to_local(parsed, tz) if parsed.tzinfo else parsed
    return _parse_text(text, raw, tz)


def parse_date(value: object, tz: tzinfo | None = None, formats: Sequence[str] = ()) -> date:
    """The calendar date of a cell (a datetime cell keeps its date in the project zone)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_datetime(value, tz, formats).date()


def _parse_text(text: str, raw: str, tz: tzinfo | None) -> datetime:
    if _ISO_ZONE.match(text):
        stamp = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        return _to_local(stamp, tz)
    if _EPOCH_MS.match(text):
        stamp = datetime.fromtimestamp(int(text) / 1000, tz=UTC)
        return _to_local(stamp, tz)
    for pattern in (_YMD, _US):
        match = pattern.match(text)
        if match:
            return _build(match, int(match["y"]), raw)
    match = _COMPACT.match(text)
    if match:
        return _build(match, int(match["y"]), raw)
    match = _KANJI.match(text) or _ERA_ABBR.match(text)
    if match:
        era = match["era"]
        era = _ERA_LETTERS.get(era.upper(), era) if era else None
        year_text = match["y"]
        if era is None:
            if year_text == "元" or len(year_text) != 4:
                raise ParseError(f"not a date: {raw!r} (year needs an era or four digits)")
            return _build(match, int(year_text), raw)
        return _build_era(match, era, year_text, raw)
    raise ParseError(f"not a date or datetime: {raw!r}")


def _build_era(match: re.Match[str], era: str, year_text: str, raw: str) -> datetime:
    first, last = _ERAS[era]
    era_year = 1 if year_text == "元" else int(year_text)
    if era_year < 1:
        raise ParseError(f"not a date: {raw!r} (era years start at 元年 = 1)")
    stamp = _build(match, first.year + era_year - 1, raw)
    if not first <= stamp.date() <= last:
        raise ParseError(
            f"not a date: {raw!r} ({era} runs from {first:%Y-%m-%d} to {last:%Y-%m-%d})"
        )
    return stamp


def _build(match: re.Match[str], year: int, raw: str) -> datetime:
    groups = match.groupdict()
    hour = int(groups.get("h") or 0)
    minute = int(groups.get("mi") or 0)
    second = int(groups.get("s") or 0)
    micro = int((groups.get("f") or "0").ljust(6, "0"))
    ampm = (groups.get("ampm1") or groups.get("ampm2") or "").upper()
    if ampm:
        if not 1 <= hour <= 12:
            raise ParseError(f"not a valid time: {raw!r} (hour {hour} with {ampm})")
        if ampm in ("PM", "午後") and hour != 12:
            hour += 12
        elif ampm in ("AM", "午前") and hour == 12:
            hour = 0
    try:
        return datetime(year, int(groups["m"]), int(groups["d"]), hour, minute, second, micro)
    except ValueError as exc:
        raise ParseError(f"not a valid date: {raw!r} ({exc})") from None


def _to_local(stamp: datetime, tz: tzinfo | None) -> datetime:
    if tz is None:
        return stamp.replace(tzinfo=None)
    return stamp.astimezone(tz).replace(tzinfo=None)


def _excel_serial(value: float) -> datetime:
    # Excel serials: day 1 = 1900-01-01 (with the 1900 leap-year bug, hence 1899-12-30).
    if not 1 <= value < 2_958_466:
        raise ParseError(f"not an Excel date serial: {value!r}")
    stamp = _EXCEL_EPOCH + timedelta(days=float(value))
    return stamp.replace(microsecond=0) if stamp.microsecond >= 999_000 else stamp


_RANGE_SPLIT = re.compile(r"\s*(?:~|～|〜| - | – | — |から)\s*")
_EN_DATE = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}), (?P<y>\d{4})$")
_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def parse_loose_date(text: str) -> date:
    """A date as report title rows write it: anything ``parse_date`` accepts plus
    ``September 1, 2026`` / ``Sep 1, 2026``."""
    text = normalise(text)
    match = _EN_DATE.match(text)
    if match:
        month = _MONTHS.get(match["mon"].casefold())
        if month is None:
            raise ParseError(f"not a date: {text!r}")
        try:
            return date(int(match["y"]), month, int(match["d"]))
        except ValueError as exc:
            raise ParseError(f"not a valid date: {text!r} ({exc})") from None
    return parse_date(text)


def parse_date_range(text: str) -> tuple[date, date] | None:
    """``September 1, 2026 - September 3, 2026``, ``2026年1月1日～2026年1月31日``,
    ``20251001-20260228`` → (first, last); None if the text is not a range."""
    text = normalise(text).strip('"')
    compact = re.match(r"^(\d{8})\s*-\s*(\d{8})$", text)
    parts = list(compact.groups()) if compact else _RANGE_SPLIT.split(text)
    if len(parts) != 2:
        return None
    try:
        first, last = parse_loose_date(parts[0]), parse_loose_date(parts[1])
    except ParseError:
        return None
    return (first, last) if first <= last else None
