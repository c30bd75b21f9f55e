"""Any CSV/XLSX with a column mapping (``GenericMapping``), e.g. EventHub / Bizibl / ネクプロ
exports, spreadsheets kept by hand, or public datasets such as Olist.

The mapping names the target table, which source column feeds which canonical column,
constants, date formats, value maps and stage-date columns. It is a pydantic model with
``extra="forbid"`` so it can sit in ``ikkan.yml``; pass it as ``context.options["mapping"]``
(or as ``context.options`` itself).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ikkan.errors import Location, SourceError, did_you_mean
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.builder import TableBuilder, output_columns, stable_key
from ikkan.ingest.sources.fields import Converted, FieldSpec, Kind
from ikkan.ingest.sources.runner import ReadState, finish, pick, read_tabular, require
from ikkan.ingest.sources.stages import StageMapper
from ikkan.ingest.sources.tabular import LocatedTable, NumberedRow, head_rows
from ikkan.model.canonical import LEAD_STAGES, TABLES_BY_NAME, ColumnType

TargetTable = Literal["leads", "deals", "accounts", "spend", "web_traffic", "activities"]
_KEYS = {
    "leads": "lead_key",
    "deals": "deal_key",
    "accounts": "account_key",
    "spend": "spend_key",
    "web_traffic": "traffic_key",
    "activities": "activity_key",
}
_AGGREGATE_KEY = {
    "spend": ("day", "channel", "campaign", "ad_group"),
    "web_traffic": ("day", "channel", "source_medium", "landing_page"),
    "activities": ("occurred_at", "activity_type", "email", "lead_key", "detail"),
}
_KINDS = {
    ColumnType.STRING: Kind.TEXT,
    ColumnType.JSON: Kind.TEXT,
    ColumnType.INT64: Kind.INT,
    ColumnType.FLOAT64: Kind.FLOAT,
    ColumnType.BOOL: Kind.BOOL,
    ColumnType.DATE: Kind.DATE,
    ColumnType.TIMESTAMP: Kind.DATETIME,
}
_GENERATED = frozenset({*_KEYS.values(), "source_system", "attributes"})


class StageColumn(BaseModel):
    """A date column that records when a lead entered a funnel stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stage: str = Field(description="the project's stage id, e.g. mql")
    column: str = Field(description="the source column holding the entry date")


class GenericMapping(BaseModel):
    """How one file maps onto one canonical table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: TargetTable
    source_system: str = Field(min_length=1, description="keys are '<source_system>:<id>'")
    columns: dict[str, str] = Field(description="canonical column -> source column label")
    constants: dict[str, str | int | float | bool] = Field(default_factory=dict)
    date_formats: list[str] = Field(default_factory=list, description="strptime, tried first")
    value_maps: dict[str, dict[str, str | int | float | bool]] = Field(default_factory=dict)
    stages: list[StageColumn] = Field(default_factory=list)
    lead_id_column: str | None = Field(
        None, description="source column with the lead's id (deals/activities → lead_key)"
    )
    lead_source_system: str | None = None
    sheet: str | None = None

    @model_validator(mode="after")
    def _check_columns(self) -> GenericMapping:
        allowed = set(output_columns(TABLES_BY_NAME[self.table])) - _GENERATED
        for name in (*self.columns, *self.constants, *self.value_maps):
            if name not in allowed:
                hint = did_you_mean(name, allowed) or "valid: " + ", ".join(sorted(allowed))
                raise ValueError(f"{self.table} has no column {name!r}; {hint}")
        for name in self.value_maps:
            if name not in self.columns:
                raise ValueError(f"value_maps.{name}: map the column under 'columns' first")
        table = TABLES_BY_NAME[self.table]
        for column in table.columns:
            required = not column.nullable and column.name not in (*_GENERATED, "import_id")
            if required and column.name not in (*self.columns, *self.constants):
                if column.name in ("content_hash", "loaded_at"):
                    continue
                raise ValueError(f"{self.table}.{column.name} is required: map or set it")
        if self.stages and self.table not in ("leads", "deals", "activities"):
            raise ValueError("stages are read from leads, deals or activities files")
        return self


def mapping_from(options: Mapping[str, Any]) -> GenericMapping:
    return GenericMapping.model_validate(options.get("mapping", options))


class GenericReader:
    name = "generic"
    source_system = "generic"

    def sniff(self, path: Path, head: str) -> bool:
        return False  # needs a mapping; never picked by detection

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        mapping = mapping_from(context.options)
        table = TABLES_BY_NAME[mapping.table]
        specs = _specs(mapping)
        labels = {normalise_header(s.aliases[0]) for s in specs}
        channels = ChannelMapper(context.channels)
        stages = StageMapper(context)

        def is_header(cells: list[object]) -> bool:
            found = {normalise_header(str(c)) for c in cells if c is not None}
            return labels <= found

        def handle(state: ReadState, conv: Converted) -> None:
            _handle(state, conv, mapping, channels, stages)

        try:
            result, state = read_tabular(
                path,
                context,
                reader=self.name,
                source_system=mapping.source_system,
                specs=specs,
                is_header=is_header,
                tables=(TableBuilder(table), TableBuilder(LEAD_STAGES)),
                handle=handle,
                sheet=mapping.sheet,
                transform=lambda t: _apply_value_maps(t, mapping),
            )
        except SourceError as exc:
            raise _missing_columns(path, specs) from exc
        builder = state.builders[table.name]
        if table.name in _AGGREGATE_KEY and table.name != "activities":
            measures = [
                c.name for c in table.columns if c.type in (ColumnType.INT64, ColumnType.FLOAT64)
            ]
            builder.sum_duplicates(state.log, measures)
        else:
            builder.reject_duplicates(state.log, _KEYS[table.name])
        state.builders["lead_stages"].keep_earliest(("lead_key", "stage"), "entered_at")
        for message in [channels.warning(), *stages.warnings()]:
            if message:
                state.log.warn(message)
        if not mapping.stages:
            del state.builders["lead_stages"]
        result.source_system = mapping.source_system
        return finish(result, state)


def _specs(mapping: GenericMapping) -> list[FieldSpec]:
    table = TABLES_BY_NAME[mapping.table]
    formats = tuple(mapping.date_formats)
    specs = []
    for name, label in mapping.columns.items():
        kind = _KINDS[table.column(name).type]
        if name == "email":
            kind = Kind.EMAIL
        elif name in ("source_id", "account_key", "lead_key"):
            kind = Kind.ID
        elif name in ("amount", "cost"):
            kind = Kind.AMOUNT
        specs.append(FieldSpec(name, kind, (label,), formats))
    for stage in mapping.stages:
        specs.append(FieldSpec(f"stage:{stage.stage}", Kind.DATETIME, (stage.column,), formats))
    if mapping.lead_id_column:
        specs.append(FieldSpec("lead_ref", Kind.ID, (mapping.lead_id_column,), formats))
    return specs


def _apply_value_maps(table: LocatedTable, mapping: GenericMapping) -> LocatedTable:
    if not mapping.value_maps:
        return table
    positions: dict[int, dict[str, Any]] = {}
    for name, values in mapping.value_maps.items():
        label = normalise_header(mapping.columns[name])
        for i, h in enumerate(table.header):
            if normalise_header(h) == label:
                positions[i] = {normalise_header(k): v for k, v in values.items()}

    def rows() -> Iterator[NumberedRow]:
        for number, cells in table.rows:
            cells = list(cells)
            for i, values in positions.items():
                if i < len(cells) and cells[i] is not None:
                    key = normalise_header(str(cells[i]))
                    if key in values:
                        cells[i] = values[key]
            yield number, cells

    return LocatedTable(table.header, table.header_row, table.preamble, rows())


def _handle(
    state: ReadState,
    conv: Converted,
    mapping: GenericMapping,
    channels: ChannelMapper,
    stages: StageMapper,
) -> None:
    table = TABLES_BY_NAME[mapping.table]
    keep = (
        require(state, conv, "source_id")
        if "source_id" in mapping.columns
        else list(range(conv.size))
    )
    ss = mapping.source_system
    lead_ss = mapping.lead_source_system or ss
    columns: dict[str, list[Any]] = {}
    for name in output_columns(table):
        if name in mapping.columns:
            columns[name] = pick(conv.get(name), keep)
        elif name in mapping.constants:
            columns[name] = [mapping.constants[name]] * len(keep)
    columns["source_system"] = [ss] * len(keep)
    if mapping.lead_id_column:
        columns["lead_key"] = [
            None if v is None else f"{lead_ss}:{v}" for v in pick(conv.get("lead_ref"), keep)
        ]
    money = next(
        (f"{m}:currency" for m in ("amount", "cost") if f"{m}:currency" in conv.values), None
    )
    if money and "currency" in output_columns(table):
        given = columns.get("currency") or [None] * len(keep)
        found = pick(conv.values[money], keep)
        columns["currency"] = [a or b for a, b in zip(given, found, strict=True)]
    if "channel" in output_columns(table):
        if "channel_raw" in columns and "channel" not in columns:
            columns["channel"] = [channels(v) for v in columns["channel_raw"]]
        elif "channel" in mapping.columns and "channel" not in mapping.value_maps:
            columns["channel"] = [channels(v) for v in columns["channel"]]
    if "lifecycle_stage" in mapping.columns:
        columns["lifecycle_stage"] = [stages(v) for v in columns["lifecycle_stage"]]
    key = _KEYS[table.name]
    if "source_id" in columns:
        columns[key] = [f"{ss}:{v}" for v in columns["source_id"]]
    else:
        parts = _AGGREGATE_KEY.get(table.name, ())
        columns[key] = [
            stable_key(ss, *(columns.get(p, [None] * len(keep))[j] for p in parts))
            for j in range(len(keep))
        ]
    columns["attributes"] = pick(conv.attributes, keep)
    numbers = pick(conv.numbers, keep)
    state.builders[table.name].add(columns, numbers)
    lead_keys = columns[key] if table.name == "leads" else columns.get("lead_key")
    if mapping.stages and lead_keys is not None:
        _stage_rows(state, conv, keep, lead_keys, numbers, mapping, stages)


def _stage_rows(
    state: ReadState,
    conv: Converted,
    keep: list[int],
    lead_keys: list[Any],
    numbers: list[Any],
    mapping: GenericMapping,
    stages: StageMapper,
) -> None:
    for stage_column in mapping.stages:
        stage = stages(stage_column.stage)
        if stage is None:
            continue
        values = pick(conv.get(f"stage:{stage_column.stage}"), keep)
        hits = [j for j, v in enumerate(values) if v is not None and lead_keys[j] is not None]
        state.builders["lead_stages"].add(
            {
                "lead_key": [lead_keys[j] for j in hits],
                "stage": [stage] * len(hits),
                "entered_at": [values[j] for j in hits],
                "source": [stage_column.column] * len(hits),
            },
            [numbers[j] for j in hits],
        )


def _missing_columns(path: Path, specs: list[FieldSpec]) -> SourceError:
    from ikkan.ingest.sources.tabular import head_text

    rows = [r for r in head_rows(head_text(path, 20)) if any(c.strip() for c in r)]
    first = rows[0] if rows else []
    present = {normalise_header(c) for c in first}
    missing = [s.aliases[0] for s in specs if normalise_header(s.aliases[0]) not in present]
    hints = [h for m in missing if (h := did_you_mean(m, first))]
    return SourceError(
        "the mapping names column(s) the file does not have: " + ", ".join(missing),
        location=Location(str(path), 1),
        hint="; ".join(hints) or "the file's columns are: " + ", ".join(first),
    )
