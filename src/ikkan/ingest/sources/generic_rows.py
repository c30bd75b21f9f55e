"""The generic reader's batch handler, row by row: converted batches -> canonical rows (and
stage rows) as the mapping says (value maps, constants, references, lookups, default date,
channels, stages, keys). ``generic_arrow`` is its twin on Arrow batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine.builder import output_columns, stable_key
from ikkan.ingest.engine.fields import Converted
from ikkan.ingest.engine.runner import ReadState, pick
from ikkan.ingest.mapping.dates import describe
from ikkan.ingest.mapping.identity import ROW_ID_LABEL
from ikkan.ingest.mapping.lookups import LoadedLookup
from ikkan.ingest.mapping.spec import (
    AGGREGATE_KEY,
    KEYS,
    REFERENCES,
    ROW_DATE,
    GenericMapping,
    column_type,
)
from ikkan.ingest.mapping.values import ValueMap, convert_constant, kind_of, typed_parser
from ikkan.ingest.parsing.values import ParseError, normalise_header
from ikkan.ingest.stages import StageMapper
from ikkan.model.canonical import TABLES_BY_NAME, ColumnType


class MappedRows:
    """Turns converted batches into canonical rows (and stage rows)."""

    def __init__(
        self,
        mapping: GenericMapping,
        context: ReaderContext,
        lookups: list[LoadedLookup],
        default_day: date | None,
    ) -> None:
        self.mapping = mapping
        self.table = TABLES_BY_NAME[mapping.table]
        self.names = output_columns(self.table)
        self.channels = ChannelMapper(context.channels)
        self.stages = StageMapper(context, hint="value_maps.lifecycle_stage of the mapping")
        self.lookups = lookups
        self.default_day = default_day
        self.defaulted = 0
        self.without_lead = 0
        self.undated = 0
        tz = ZoneInfo(context.timezone)
        formats = mapping.date_formats
        self.constants = {
            name: convert_constant(value, column_type(mapping.table, name), formats, tz)
            for name, value in mapping.constants.items()
        }
        self.value_maps = {name: ValueMap(values) for name, values in mapping.value_maps.items()}
        self.parsers = {
            name: typed_parser(kind_of(mapping.table, name), tz, formats)
            for name in mapping.value_maps
        }
        self.when = [{normalise_header(str(v)) for v in rule.when_in} for rule in mapping.stages]

    def handle(self, state: ReadState, conv: Converted) -> None:
        mapping = self.mapping
        mapped, bad = self._value_mapped(state, conv)
        keep = [i for i in range(conv.size) if i not in bad]
        if "source_id" in mapping.columns or mapping.identity is not None:
            ids = conv.get("source_id")
            for i in list(keep):
                if ids[i] is None:
                    label = mapping.columns.get("source_id") or ROW_ID_LABEL
                    state.log.reject(conv.numbers[i], label, None, f"{label} is empty")
            keep = [i for i in keep if ids[i] is not None]
        ss = mapping.source_system
        columns: dict[str, list[Any]] = {}
        for name in self.names:
            if name in mapped:
                columns[name] = pick(mapped[name], keep)
            elif name in mapping.columns:
                columns[name] = pick(conv.get(name), keep)
            elif name in self.constants:
                columns[name] = [self.constants[name]] * len(keep)
        if mapping.identity is not None:
            columns["source_id"] = pick(conv.get("source_id"), keep)
        columns["source_system"] = [ss] * len(keep)
        for key, (option, system) in REFERENCES.items():
            if getattr(mapping, option):
                prefix = getattr(mapping, system) or ss
                refs = pick(conv.get(f"ref:{key}"), keep)
                columns[key] = [None if v is None else f"{prefix}:{v}" for v in refs]
        self._money(columns, conv, keep)
        self._lookups(columns, conv, keep)
        self._default_date(columns, len(keep))
        row_date = ROW_DATE.get(self.table.name)
        if row_date in mapping.columns:
            self.undated += sum(1 for v in columns.get(row_date, []) if v is None)
        if "channel" in self.names:
            if "channel_raw" in columns and "channel" not in columns:
                columns["channel"] = [self.channels(v) for v in columns["channel_raw"]]
            elif "channel" in mapping.columns and "channel" not in mapping.value_maps:
                columns["channel"] = [self.channels(v) for v in columns["channel"]]
        if "lifecycle_stage" in columns:
            columns["lifecycle_stage"] = [self.stages(v) for v in columns["lifecycle_stage"]]
        key = KEYS[self.table.name]
        if "source_id" in columns:
            columns[key] = [f"{ss}:{v}" for v in columns["source_id"]]
        else:
            parts = AGGREGATE_KEY.get(self.table.name, ())
            columns[key] = [
                stable_key(ss, *(columns.get(p, [None] * len(keep))[j] for p in parts))
                for j in range(len(keep))
            ]
        columns["attributes"] = pick(conv.attributes, keep)
        numbers = pick(conv.numbers, keep)
        state.builders[self.table.name].add(columns, numbers)
        lead_keys = columns[key] if self.table.name == "leads" else columns.get("lead_key")
        if mapping.stages and lead_keys is not None:
            self._stage_rows(state, conv, keep, lead_keys, numbers, columns)

    def _value_mapped(
        self, state: ReadState, conv: Converted
    ) -> tuple[dict[str, list[Any]], set[int]]:
        """Each value-mapped column: raw cell → its own map → the column's type."""
        out: dict[str, list[Any]] = {}
        bad: set[int] = set()
        for name, value_map in self.value_maps.items():
            parse = self.parsers[name]
            label = self.mapping.columns[name]
            values: list[Any] = []
            for i, raw in enumerate(conv.get(f"raw:{name}")):
                value = value_map(raw)
                try:
                    values.append(_typed(value, parse))
                except ParseError as exc:
                    values.append(None)
                    bad.add(i)
                    state.log.reject(
                        conv.numbers[i],
                        label,
                        raw,
                        f"{exc.reason}; value_maps.{name} does not list {raw!r} "
                        "(add it, or '*' for every other value)",
                    )
            out[name] = values
            if name in ("amount", "cost"):
                out[name] = [v[0] if isinstance(v, tuple) else v for v in values]
        return out, bad

    def _money(self, columns: dict[str, list[Any]], conv: Converted, keep: list[int]) -> None:
        money = next(
            (f"{m}:currency" for m in ("amount", "cost") if f"{m}:currency" in conv.values), None
        )
        if money and "currency" in self.names:
            given = columns.get("currency") or [None] * len(keep)
            found = pick(conv.values[money], keep)
            columns["currency"] = [a or b for a, b in zip(given, found, strict=True)]

    def _lookups(self, columns: dict[str, list[Any]], conv: Converted, keep: list[int]) -> None:
        for index, loaded in enumerate(self.lookups):
            lookup = loaded.lookup
            if lookup.match is not None:
                values = columns.get(lookup.match) or [None] * len(keep)
            else:
                values = pick(conv.get(f"match:{index}"), keep)
            found = [loaded.find(v) for v in values]
            for name in lookup.columns:
                columns[name] = [None if f is None else f.get(name) for f in found]

    def default_date(self) -> tuple[str, date | datetime] | None:
        """The column the mapping's default date fills and the value it fills empty cells
        with (a date, or midnight of it for a timestamp column); None when there is none."""
        name = self.mapping.default_date_column()
        if name is None or self.default_day is None:
            return None
        day = self.default_day
        if column_type(self.mapping.table, name) is ColumnType.DATE:
            return name, day
        return name, datetime.combine(day, time())

    def _default_date(self, columns: dict[str, list[Any]], size: int) -> None:
        default = self.default_date()
        if default is None:
            return
        name, value = default
        given = columns.get(name) or [None] * size
        self.defaulted += sum(1 for v in given if v is None)
        columns[name] = [value if v is None else v for v in given]

    def _stage_rows(
        self,
        state: ReadState,
        conv: Converted,
        keep: list[int],
        lead_keys: list[Any],
        numbers: list[Any],
        columns: dict[str, list[Any]],
    ) -> None:
        self.without_lead += sum(1 for k in lead_keys if k is None)
        date_column = ROW_DATE.get(self.table.name, "")
        row_dates = columns.get(date_column, [None] * len(keep))
        date_label = self.mapping.columns.get(date_column) or "default_date"
        for index, rule in enumerate(self.mapping.stages):
            if rule.column is not None:
                values = pick(conv.get(f"stage:{index}"), keep)
            else:
                values = list(row_dates)
            if rule.when_column is not None:
                reached = self.when[index]
                flags = pick(conv.get(f"when:{index}"), keep)
                values = [
                    v if f is not None and normalise_header(str(f)) in reached else None
                    for v, f in zip(values, flags, strict=True)
                ]
            hits = [j for j, v in enumerate(values) if v is not None and lead_keys[j] is not None]
            entered = [
                v if isinstance(v, datetime) else datetime.combine(v, time())
                for v in (values[j] for j in hits)
            ]
            state.builders["lead_stages"].add(
                {
                    "lead_key": [lead_keys[j] for j in hits],
                    "stage": [rule.stage] * len(hits),
                    "entered_at": entered,
                    "source": [rule.column or rule.when_column or date_label] * len(hits),
                },
                [numbers[j] for j in hits],
            )

    def warnings(self) -> list[str]:
        out: list[str | None] = []
        rule = self.mapping.default_date
        if rule is not None and self.default_day is not None and self.defaulted:
            name = self.mapping.default_date_column()
            out.append(
                f"{self.defaulted} row(s) have no {name} in the file and are dated "
                + describe(rule, self.default_day)
            )
        if self.undated:
            name = ROW_DATE[self.mapping.table]
            out.append(
                f"{self.undated} row(s) have an empty {name} "
                f"(column {self.mapping.columns[name]!r}): they are loaded but count in no "
                "period; give default_date: to date them"
            )
        if self.without_lead:
            out.append(
                f"{self.without_lead} row(s) have an empty {self.mapping.lead_id_column!r} "
                "(lead_id_column): they are loaded, but write no funnel stage"
            )
        out += [self.channels.warning(), *self.stages.warnings()]
        out += [loaded.warning() for loaded in self.lookups]
        return [m for m in out if m]


def _typed(value: object, parse: Callable[[object], Any]) -> Any:
    """A mapped value as the column's type (typed map values pass through the parser)."""
    return None if value is None else parse(value)
