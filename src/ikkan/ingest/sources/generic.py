"""Any CSV/XLSX with a column mapping (``GenericMapping``), e.g. EventHub / Bizibl / ネクプロ
exports, CRM pipeline exports, call lists, spreadsheets kept by hand, or public datasets.

The mapping (``ikkan.ingest.mapping.spec``) names the target table, which source column
feeds which canonical column, constants, date formats, value maps (one per mapped use),
stage rules, a default date, a made-up row identity and side files to join. Pass it as
``context.options["mapping"]`` (or as ``context.options`` itself). The rules are in
docs/data.md ("The generic reader").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ikkan.errors import Location, SourceError, did_you_mean
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine.builder import TableBuilder, output_columns, stable_key
from ikkan.ingest.engine.fields import Converted, FieldSpec, Kind
from ikkan.ingest.engine.runner import ReadState, finish, pick, read_tabular
from ikkan.ingest.engine.tabular import LocatedTable, head_rows
from ikkan.ingest.mapping.dates import describe, resolve_default_date
from ikkan.ingest.mapping.identity import ROW_ID_LABEL, add_row_ids
from ikkan.ingest.mapping.lookups import LoadedLookup, load_lookup
from ikkan.ingest.mapping.spec import (
    AGGREGATE_KEY,
    KEYS,
    REFERENCES,
    ROW_DATE,
    GenericMapping,
    StageRule,
    column_type,
)
from ikkan.ingest.mapping.values import ValueMap, convert_constant, kind_of, typed_parser
from ikkan.ingest.parsing.values import ParseError, normalise_header
from ikkan.ingest.stages import StageMapper
from ikkan.model.canonical import LEAD_STAGES, TABLES_BY_NAME, ColumnType

__all__ = ["GenericMapping", "GenericReader", "StageRule", "mapping_from"]


def mapping_from(options: Mapping[str, Any], path: Path | None = None) -> GenericMapping:
    """The mapping in ``options``; a SourceError listing every problem when it is wrong."""
    context_keys = ("fiscal_year_start",)  # added by the ingest service, not the user's
    data = options.get("mapping") or {k: v for k, v in options.items() if k not in context_keys}
    if not data:
        raise SourceError(
            "the generic reader needs a mapping of the file's columns",
            location=Location(str(path)) if path else None,
            hint="declare the file under sources: with reader: generic and options.mapping "
            "(docs/data.md, 'The generic reader'), then run 'ikkan ingest <source name>'",
        )
    try:
        return GenericMapping.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {message}" if where else message)
        raise SourceError(
            "the generic mapping is wrong: " + "; ".join(lines),
            location=Location(str(path)) if path else None,
            hint="run 'ikkan validate' to see each problem at its line in ikkan.yml",
        ) from None


def _mapped_name(name: str, mapping: GenericMapping) -> str:
    return f"raw:{name}" if name in mapping.value_maps else name


def field_specs(mapping: GenericMapping) -> list[FieldSpec]:
    """One field per mapped use of a source column (several may read the same column)."""
    formats = tuple(mapping.date_formats)
    specs = []
    for name, label in mapping.columns.items():
        kind = Kind.TEXT if name in mapping.value_maps else kind_of(mapping.table, name)
        specs.append(FieldSpec(_mapped_name(name, mapping), kind, (label,), formats))
    if mapping.identity is not None:
        specs.append(FieldSpec("source_id", Kind.ID, (ROW_ID_LABEL,)))
    for index, rule in enumerate(mapping.stages):
        if rule.column is not None:
            specs.append(FieldSpec(f"stage:{index}", Kind.DATETIME, (rule.column,), formats))
        if rule.when_column is not None:
            specs.append(FieldSpec(f"when:{index}", Kind.TEXT, (rule.when_column,)))
    for key, (option, _) in REFERENCES.items():
        label = getattr(mapping, option)
        if label:
            specs.append(FieldSpec(f"ref:{key}", Kind.ID, (label,)))
    for index, lookup in enumerate(mapping.lookups):
        if lookup.match_column is not None:
            specs.append(FieldSpec(f"match:{index}", Kind.TEXT, (lookup.match_column,)))
    return specs


def file_labels(mapping: GenericMapping) -> list[str]:
    """Every column label the mapping expects in the data file."""
    labels = [a for s in field_specs(mapping) for a in s.aliases]
    labels += mapping.identity.columns if mapping.identity else []
    return [label for label in dict.fromkeys(labels) if label != ROW_ID_LABEL]


class GenericReader:
    name = "generic"
    source_system = "generic"

    def sniff(self, path: Path, head: str) -> bool:
        return False  # needs a mapping; never picked by detection

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        mapping = mapping_from(context.options, path)
        table = TABLES_BY_NAME[mapping.table]
        specs = field_specs(mapping)
        expected = file_labels(mapping)
        labels = {normalise_header(label) for label in expected}
        _check_stages(mapping, context, path)
        lookups = [
            load_lookup(path, lookup, mapping.table, mapping.date_formats, context.timezone)
            for lookup in mapping.lookups
        ]
        default_day = (
            resolve_default_date(mapping.default_date, path, context.timezone)
            if mapping.default_date is not None
            else None
        )
        rows = _Rows(mapping, context, lookups, default_day)

        def is_header(cells: list[object]) -> bool:
            found = {normalise_header(str(c)) for c in cells if c is not None}
            return labels <= found

        def transform(located: LocatedTable) -> LocatedTable:
            if mapping.identity is None:
                return located
            return add_row_ids(located, mapping.identity, str(path))

        try:
            result, state = read_tabular(
                path,
                context,
                reader=self.name,
                source_system=mapping.source_system,
                specs=specs,
                is_header=is_header,
                tables=(TableBuilder(table), TableBuilder(LEAD_STAGES)),
                handle=rows.handle,
                sheet=mapping.sheet,
                transform=transform,
            )
        except SourceError as exc:
            if "no header row" not in exc.message:
                raise
            raise _missing_columns(path, expected) from exc
        builder = state.builders[table.name]
        if table.name in AGGREGATE_KEY and table.name != "activities":
            measures = [
                c.name for c in table.columns if c.type in (ColumnType.INT64, ColumnType.FLOAT64)
            ]
            builder.sum_duplicates(state.log, measures)
        else:
            builder.reject_duplicates(state.log, KEYS[table.name])
        state.builders["lead_stages"].keep_earliest(("lead_key", "stage"), "entered_at")
        for message in rows.warnings():
            state.log.warn(message)
        if not mapping.stages:
            del state.builders["lead_stages"]
        result.source_system = mapping.source_system
        return finish(result, state)


def _check_stages(mapping: GenericMapping, context: ReaderContext, path: Path) -> None:
    for rule in mapping.stages:
        if rule.stage not in context.stages:
            raise SourceError(
                f"stages: {rule.stage!r} is not a stage of the project's funnel",
                location=Location(str(path)),
                hint=did_you_mean(rule.stage, context.stages)
                or "funnel.stages: " + ", ".join(context.stages),
            )


class _Rows:
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
        from zoneinfo import ZoneInfo

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

    def _default_date(self, columns: dict[str, list[Any]], size: int) -> None:
        name = self.mapping.default_date_column()
        if name is None or self.default_day is None:
            return
        day = self.default_day
        value: date | datetime = (
            day
            if column_type(self.mapping.table, name) is ColumnType.DATE
            else datetime.combine(day, time())
        )
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


def _missing_columns(path: Path, expected: list[str]) -> SourceError:
    from ikkan.ingest.engine.tabular import head_text

    rows = [r for r in head_rows(head_text(path, 20)) if any(c.strip() for c in r)]
    first = rows[0] if rows else []
    present = {normalise_header(c) for c in first}
    missing = [label for label in expected if normalise_header(label) not in present]
    hints = [h for m in missing if (h := did_you_mean(m, first))]
    return SourceError(
        "the mapping names column(s) the file does not have: " + ", ".join(missing),
        location=Location(str(path), 1),
        hint="; ".join(hints) or "the file's columns are: " + ", ".join(first),
    )
