"""Source columns → typed values: field specs with EN/JA aliases, and batch conversion.

A reader declares the fields it understands (``FieldSpec``); ``plan_columns`` matches them to
the file's header (NFKC, case-insensitive); ``convert_batch`` parses every cell and rejects a
row whose cell cannot be parsed (one RejectedRow per bad cell, the rest of the file loads).
Columns no field claims go into ``attributes`` as a JSON object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.tabular import RawBatch
from ikkan.ingest.parsing.dates import parse_date, parse_datetime
from ikkan.ingest.parsing.values import (
    NULL_TOKENS,
    ParseError,
    clean_text,
    normalise,
    normalise_header,
    parse_amount,
    parse_bool,
    parse_email,
    parse_int,
    parse_number,
    parse_percent,
)

_CACHE_LIMIT = 200_000
_MISSING = object()


class Kind(StrEnum):
    TEXT = "text"
    ID = "id"
    EMAIL = "email"
    INT = "int"
    FLOAT = "float"
    AMOUNT = "amount"  # value plus currency (stored under "<field>:currency")
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    aliases: tuple[str, ...]
    formats: tuple[str, ...] = ()  # strptime formats tried first for dates


def spec(name: str, kind: Kind, *aliases: str) -> FieldSpec:
    return FieldSpec(name, kind, (name, *aliases))


@dataclass
class ColumnPlan:
    """Which column feeds which field; the rest are extra (→ attributes)."""

    header: list[str]
    index: dict[str, int]
    specs: dict[str, FieldSpec]
    extra: list[int] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.index

    def label(self, name: str) -> str:
        return self.header[self.index[name]]

    def extra_labels(self) -> list[str]:
        return [self.header[i] for i in self.extra]


def alias_table(specs: Iterable[FieldSpec]) -> dict[str, list[FieldSpec]]:
    table: dict[str, list[FieldSpec]] = {}
    for s in specs:
        for alias in dict.fromkeys(normalise_header(a) for a in s.aliases):
            table.setdefault(alias, []).append(s)
    return table


def plan_columns(header: Sequence[str], specs: Sequence[FieldSpec]) -> ColumnPlan:
    """Match header labels to fields. The first column matching a field wins; one column may
    feed several fields (e.g. a date that is both created_at and a stage date); blank
    header cells of empty columns are ignored; unmatched columns are extra."""
    table = alias_table(specs)
    plan = ColumnPlan(list(header), {}, {s.name: s for s in specs})
    for position, label in enumerate(header):
        used = False
        for found in table.get(normalise_header(label), ()):
            if found.name not in plan.index:
                plan.index[found.name] = position
                used = True
        if not used and label.strip():
            plan.extra.append(position)
    return plan


def warn_extra(plan: ColumnPlan, log: ReadLog) -> None:
    labels = plan.extra_labels()
    if labels:
        log.warn(
            f"{len(labels)} column(s) have no canonical home and are kept in attributes: "
            + ", ".join(labels),
            key="extra-columns",
        )


@dataclass
class Converted:
    """Parsed values of the rows that survived, in batch order."""

    values: dict[str, list[Any]]
    numbers: list[int]  # row numbers of the kept rows
    attributes: list[str | None]
    size: int
    _nulls: list[None] | None = field(default=None, repr=False, compare=False)

    def get(self, name: str) -> list[Any]:
        found = self.values.get(name)
        if found is not None:
            return found
        if self._nulls is None or len(self._nulls) != self.size:  # (one per batch: handlers
            self._nulls = [None] * self.size  # index a missing field row by row)
        return self._nulls


def _parser(spec_: FieldSpec, tz: tzinfo | None) -> Callable[[object], Any]:
    formats = spec_.formats
    kind = spec_.kind
    if kind is Kind.DATE:
        return lambda v: parse_date(v, tz, formats)
    if kind is Kind.DATETIME:
        return lambda v: parse_datetime(v, tz, formats)
    simple: dict[Kind, Callable[[object], Any]] = {
        Kind.TEXT: clean_text,
        Kind.ID: _parse_id,
        Kind.EMAIL: parse_email,
        Kind.INT: parse_int,
        Kind.FLOAT: parse_number,
        Kind.AMOUNT: parse_amount,
        Kind.PERCENT: parse_percent,
        Kind.BOOL: parse_bool,
    }
    return simple[kind]


def _parse_id(value: object) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError(f"not a record id: {value!r}")
        return str(int(value))
    text = normalise(str(value))
    upper = text.upper()
    if "E+" in upper and upper.replace(".", "").replace("E+", "").isdigit():
        raise ParseError(
            f"record id {text!r} was turned into a number by Excel and lost its digits; "
            "export the file again without opening it in Excel"
        )
    return text


def _is_null(value: object) -> bool:
    if value is None:
        return True
    if type(value) is str:
        text = value.strip()
        if text in NULL_TOKENS:
            return True
        return not text.isascii() and normalise(text) in NULL_TOKENS
    return False


def convert_batch(batch: RawBatch, plan: ColumnPlan, log: ReadLog, tz: tzinfo | None) -> Converted:
    """Parse every field column; reject rows with unparseable cells."""
    size = len(batch.rows)
    parsed: dict[str, list[Any]] = {}
    bad: set[int] = set()
    for name, position in plan.index.items():
        spec_ = plan.specs[name]
        parse = _parser(spec_, tz)
        cache: dict[object, Any] = {}
        cacheable = spec_.kind not in (Kind.ID, Kind.EMAIL)
        out: list[Any] = [None] * size
        for i, row in enumerate(batch.rows):
            raw = row[position]
            if raw is None or raw == "":
                continue
            if cacheable:
                hit = cache.get(raw, _MISSING)
                if hit is not _MISSING:
                    out[i] = hit
                    continue
            if _is_null(raw):
                value = None
            else:
                try:
                    value = parse(raw)
                except ParseError as exc:
                    bad.add(i)
                    log.reject(
                        batch.numbers[i],
                        plan.header[position],
                        raw,
                        exc.reason,
                        dict(zip(plan.header, row, strict=False)),
                    )
                    continue
            if cacheable:
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                cache[raw] = value
            out[i] = value
        if spec_.kind is Kind.AMOUNT:
            parsed[name] = [None if v is None else v[0] for v in out]
            parsed[f"{name}:currency"] = [None if v is None else v[1] for v in out]
        else:
            parsed[name] = out
    keep = [i for i in range(size) if i not in bad] if bad else None
    if keep is not None:
        parsed = {name: [values[i] for i in keep] for name, values in parsed.items()}
    rows = batch.rows if keep is None else [batch.rows[i] for i in keep]
    numbers = batch.numbers if keep is None else [batch.numbers[i] for i in keep]
    return Converted(parsed, numbers, attributes_json(rows, plan), len(rows))


def attributes_json(rows: Sequence[Sequence[object]], plan: ColumnPlan) -> list[str | None]:
    """One JSON object per row holding the non-empty extra columns (None when all empty)."""
    if not plan.extra:
        return [None] * len(rows)
    pairs = [(plan.header[i], i) for i in plan.extra]
    out: list[str | None] = []
    for row in rows:
        found = {
            label: _json_value(row[i])
            for label, i in pairs
            if row[i] is not None and row[i] != "" and not _is_null(row[i])
        }
        out.append(json.dumps(found, ensure_ascii=False) if found else None)
    return out


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value
