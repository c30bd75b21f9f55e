"""Side files joined on import (``lookups:`` of a generic mapping).

Each lookup reads a small CSV/XLSX (agents → manager, regional office; accounts → sector,
size) into a table keyed by its ``key`` column, and fills canonical columns of every row
whose ``match`` value (a canonical column filled before it, so lookups chain) or
``match_column`` value (a column of the data file) is found there. Keys match after NFKC,
trimming and case-folding. A row whose value is not found keeps empty columns and is
counted in a warning; nothing is dropped. A key listed twice with different values is an
error naming both rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.errors import Location, SourceError
from ikkan.ingest.engine.tabular import locate_header, open_rows
from ikkan.ingest.mapping.spec import Lookup
from ikkan.ingest.mapping.values import kind_of, typed_parser
from ikkan.ingest.parsing.values import ParseError, is_null, normalise_header


def lookup_path(data_file: Path, lookup: Lookup) -> Path:
    """The side file: absolute, or relative to the data file's folder."""
    path = Path(lookup.file).expanduser()
    return path if path.is_absolute() else data_file.parent / path


def match_key(value: object) -> str:
    return normalise_header(str(value))


@dataclass
class LoadedLookup:
    lookup: Lookup
    path: Path
    rows: dict[str, dict[str, Any]]
    missing: dict[str, int] = field(default_factory=dict)  # unmatched value -> rows

    def find(self, value: object) -> dict[str, Any] | None:
        if value is None or is_null(value):
            return None
        found = self.rows.get(match_key(value))
        if found is None:
            text = str(value)
            self.missing[text] = self.missing.get(text, 0) + 1
        return found

    def warning(self) -> str | None:
        if not self.missing:
            return None
        total = sum(self.missing.values())
        examples = ", ".join(sorted(self.missing)[:10])
        return (
            f"{total} row(s) have a {self._what()} value not found in {self.path.name} "
            f"(column {self.lookup.key!r}): {examples}; their "
            + ", ".join(self.lookup.columns)
            + " stay empty"
        )

    def _what(self) -> str:
        return self.lookup.match or repr(self.lookup.match_column)


def load_lookup(
    data_file: Path, lookup: Lookup, table: str, formats: Sequence[str], timezone: str
) -> LoadedLookup:
    path = lookup_path(data_file, lookup)
    if not path.is_file():
        raise SourceError(
            f"lookup file not found: {path}",
            location=Location(str(data_file)),
            hint="a relative lookup path is taken from the data file's folder",
        )
    wanted = [lookup.key, *lookup.columns.values()]
    labels = {normalise_header(w) for w in wanted}

    def is_header(cells: list[object]) -> bool:
        return labels <= {normalise_header(str(c)) for c in cells if c is not None}

    try:
        located = locate_header(open_rows(path, lookup.sheet), is_header, wanted)
    except SourceError as exc:
        raise SourceError(
            f"lookup file {path.name} has no header with " + ", ".join(wanted),
            location=Location(str(path)),
            hint=exc.hint,
        ) from None
    header = [normalise_header(h) for h in located.header]
    key_at = header.index(normalise_header(lookup.key))
    targets = [
        (name, header.index(normalise_header(label))) for name, label in lookup.columns.items()
    ]
    tz = ZoneInfo(timezone)
    parsers = {name: typed_parser(kind_of(table, name), tz, formats) for name, _ in targets}
    rows: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for number, cells in located.rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        raw_key = cells[key_at]
        if raw_key is None or is_null(raw_key):
            continue
        values: dict[str, Any] = {}
        for name, position in targets:
            raw = cells[position]
            if raw is None or is_null(raw):
                values[name] = None
                continue
            try:
                parsed = parsers[name](raw)
            except ParseError as exc:
                raise SourceError(
                    f"{located.header[position]}: {exc.reason}",
                    location=Location(str(path), number),
                    hint=f"the lookup fills {name}; fix the cell or map another column",
                ) from None
            values[name] = parsed[0] if isinstance(parsed, tuple) else parsed
        key = match_key(raw_key)
        if key in rows and rows[key] != values:
            raise SourceError(
                f"{lookup.key} {raw_key!r} is listed twice with different values "
                f"(rows {first_row[key]} and {number})",
                location=Location(str(path), number),
                hint="a lookup key must name one row; remove or merge the duplicate",
            )
        rows[key] = values
        first_row.setdefault(key, number)
    return LoadedLookup(lookup, path, rows)
