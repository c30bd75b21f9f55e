"""Any CSV/XLSX with a column mapping (``GenericMapping``), e.g. EventHub / Bizibl / ネクプロ
exports, CRM pipeline exports, call lists, spreadsheets kept by hand, or public datasets.

The mapping (``ikkan.ingest.mapping.spec``) names the target table, which source column
feeds which canonical column, constants, date formats, value maps (one per mapped use),
stage rules, a default date, a made-up row identity and side files to join. Pass it as
``context.options["mapping"]`` (or as ``context.options`` itself). The rules are in
docs/data.md ("The generic reader").
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ikkan.errors import Location, SourceError, did_you_mean
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import FieldSpec, Kind
from ikkan.ingest.engine.runner import finish, read_tabular
from ikkan.ingest.engine.tabular import LocatedTable, head_rows
from ikkan.ingest.mapping.dates import resolve_default_date
from ikkan.ingest.mapping.identity import ROW_ID_LABEL, add_row_ids
from ikkan.ingest.mapping.lookups import load_lookup
from ikkan.ingest.mapping.spec import (
    AGGREGATE_KEY,
    KEYS,
    REFERENCES,
    GenericMapping,
    StageRule,
)
from ikkan.ingest.mapping.values import kind_of
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.generic_arrow import handle_arrow
from ikkan.ingest.sources.generic_rows import MappedRows
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
        return self.read_rows(path, context, vectorised=True)

    def read_rows(self, path: Path, context: ReaderContext, vectorised: bool = False) -> ReadResult:
        """``vectorised``: try the engine's vectorised read first (the same result; not for
        a mapping with ``identity:``, whose made-up row ids the row path adds)."""
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
        rows = MappedRows(mapping, context, lookups, default_day)

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
                vectorised=vectorised and mapping.identity is None,
                handle_arrow=lambda state, batch: handle_arrow(rows, state, batch),
            )
        except SourceError as exc:
            if "no header row" not in exc.message:
                raise
            raise _missing_columns(path, expected) from exc
        builder = state.builders[table.name]
        if table.name in AGGREGATE_KEY and table.name != "activities":
            measures = [
                c.name
                for c in table.columns
                if c.type in (ColumnType.INT64, ColumnType.FLOAT64) and c.name in builder.names
            ]  # (not the loader's bookkeeping: a repeated grain raised KeyError 'import_id')
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
