"""The date of rows a file does not date (``default_date:`` of a generic mapping).

A constant, the date in the file's name, the file's modification day, or the import day.
The import day changes when the same file is imported on another day (its rows then count
as updated); a constant or the file's name keeps them where they were.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ikkan.errors import Location, SourceError
from ikkan.ingest.mapping.spec import DefaultDate

DESCRIPTIONS = {
    "constant": "the date given in the mapping",
    "file_name": "the date in the file's name",
    "file_modified": "the day the file was last modified",
    "import_date": "the day of the import",
}


def resolve_default_date(rule: DefaultDate, path: Path, timezone: str) -> date:
    if rule.source == "constant":
        assert rule.value is not None
        return rule.value
    if rule.source == "file_name":
        match = re.search(rule.pattern, path.name)
        if match is None:
            raise SourceError(
                f"default_date is taken from the file name, but {path.name!r} has no date "
                f"matching {rule.pattern!r}",
                location=Location(str(path)),
                hint="rename the file (e.g. calls_2024-05-01.csv) or set default_date: YYYY-MM-DD",
            )
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            raise SourceError(
                f"the date in the file name {path.name!r} is not a valid date ({exc})",
                location=Location(str(path)),
                hint="default_date.pattern needs year, month and day groups in that order",
            ) from None
    zone = ZoneInfo(timezone)
    if rule.source == "file_modified":
        return datetime.fromtimestamp(path.stat().st_mtime, zone).date()
    return datetime.now(zone).date()


def describe(rule: DefaultDate, day: date) -> str:
    return f"{day.isoformat()} ({DESCRIPTIONS[rule.source]}; default_date)"
