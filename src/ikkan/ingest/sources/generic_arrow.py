"""The generic reader's batch handler on Arrow batches (the engine's vectorised path): the
same rows, stage rows, rejections (in the same order) and warning counts as
``MappedRows.handle`` gives row by row. Python runs once per distinct value of a value-mapped,
channel, stage, lookup or stage-flag column, and row by row only for rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine.arrow_convert import mapped_by_distinct
from ikkan.ingest.engine.arrow_rows import ArrowBatch, stable_keys, text_or
from ikkan.ingest.engine.builder import arrow_schema
from ikkan.ingest.engine.runner import ReadState
from ikkan.ingest.mapping.spec import AGGREGATE_KEY, KEYS, REFERENCES, ROW_DATE
from ikkan.ingest.parsing.values import ParseError, normalise_header
from ikkan.ingest.sources.generic_rows import MappedRows


def handle_arrow(rows: MappedRows, state: ReadState, batch: ArrowBatch) -> None:
    """``rows.handle`` on an Arrow batch."""
    mapping = rows.mapping
    types = {f.name: f.type for f in arrow_schema(rows.table)}
    mapped, bad = _value_mapped(rows, state, batch, types)
    keep = pc.invert(pa.array(bad))
    if "source_id" in mapping.columns:
        ids = batch.get("source_id")  # (as the row path: the converted cell, not a mapped one)
        empty = pc.and_(keep, pc.is_null(ids))
        if pc.any(empty).as_py():
            label = mapping.columns["source_id"]
            for number in pc.filter(batch.numbers, empty).to_pylist():
                state.log.reject(number, label, None, f"{label} is empty")
            keep = pc.and_(keep, pc.is_valid(ids))
    if not pc.all(keep).as_py():
        mapped = {name: pc.filter(values, keep) for name, values in mapped.items()}
        batch = batch.filter(keep)
    size = batch.size
    ss = mapping.source_system
    columns: dict[str, Any] = {}
    for name in rows.names:
        if name in mapped:
            columns[name] = mapped[name]
        elif name in mapping.columns:
            columns[name] = batch.get(name, types.get(name))
        elif name in rows.constants:
            columns[name] = _repeat(rows.constants[name], size, types[name])
    columns["source_system"] = ss
    for key, (option, system) in REFERENCES.items():
        if getattr(mapping, option):
            prefix = getattr(mapping, system) or ss
            refs = pc.cast(batch.get(f"ref:{key}"), pa.string())
            columns[key] = pc.binary_join_element_wise(f"{prefix}:", refs, "")
    _money(rows, columns, batch)
    _lookups(rows, columns, batch, types)
    _default_date(rows, columns, size, types)
    row_date = ROW_DATE.get(rows.table.name)
    if row_date in mapping.columns and row_date in columns:
        rows.undated += columns[row_date].null_count
    if "channel" in rows.names:
        if "channel_raw" in columns and "channel" not in columns:
            columns["channel"] = mapped_by_distinct(columns["channel_raw"], rows.channels)
        elif "channel" in mapping.columns and "channel" not in mapping.value_maps:
            columns["channel"] = mapped_by_distinct(columns["channel"], rows.channels)
    if "lifecycle_stage" in columns:
        columns["lifecycle_stage"] = mapped_by_distinct(columns["lifecycle_stage"], rows.stages)
    key = KEYS[rows.table.name]
    if "source_id" in columns:
        ids = _as_text(columns["source_id"])
        columns[key] = pc.binary_join_element_wise(f"{ss}:", pc.fill_null(ids, "None"), "")
    else:
        parts = AGGREGATE_KEY.get(rows.table.name, ())
        texts = [ss, *(_as_text(columns[p]) if p in columns else None for p in parts)]
        columns[key] = stable_keys(texts, size)
    columns["attributes"] = batch.attributes
    state.builders[rows.table.name].add_arrow(columns, batch.numbers)
    lead_keys = columns[key] if rows.table.name == "leads" else columns.get("lead_key")
    if mapping.stages and lead_keys is not None:
        _stage_rows(rows, state, batch, lead_keys, columns)


def _repeat(value: Any, size: int, kind: pa.DataType) -> pa.Array:
    return pa.repeat(pa.scalar(value, kind), size)


def _as_text(values: Any) -> Any:
    """``str(value)`` per row, null kept (Arrow's own cast where it prints as Python does)."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values
    if pa.types.is_integer(values.type):
        return pc.cast(values, pa.string())
    return mapped_by_distinct(values, str)


def _value_mapped(
    rows: MappedRows, state: ReadState, batch: ArrowBatch, types: dict[str, pa.DataType]
) -> tuple[dict[str, Any], np.ndarray]:
    """Each value-mapped column: raw cell → its own map → the column's type, once per
    distinct raw value; the rows whose mapped value does not parse are rejected."""
    out: dict[str, Any] = {}
    bad = np.zeros(batch.size, dtype=bool)
    for name, value_map in rows.value_maps.items():
        parse = rows.parsers[name]
        label = rows.mapping.columns[name]
        raw = batch.get(f"raw:{name}")
        distinct = pc.unique(pc.drop_null(raw))
        values: list[Any] = []
        reasons: list[str | None] = []
        for cell in distinct.to_pylist():
            value = value_map(cell)
            try:
                parsed = None if value is None else parse(value)
            except ParseError as exc:
                values.append(None)
                reasons.append(
                    f"{exc.reason}; value_maps.{name} does not list {cell!r} "
                    "(add it, or '*' for every other value)"
                )
                continue
            if name in ("amount", "cost") and isinstance(parsed, tuple):
                parsed = parsed[0]
            values.append(parsed)
            reasons.append(None)
        index = pc.index_in(raw, value_set=distinct)
        if any(r is not None for r in reasons):
            flags = pc.fill_null(pc.take(pa.array([r is not None for r in reasons]), index), False)
            where = np.flatnonzero(flags.to_numpy(zero_copy_only=False))
            numbers = pc.take(batch.numbers, pa.array(where, pa.int64())).to_pylist()
            cells = pc.take(raw, pa.array(where, pa.int64())).to_pylist()
            codes = pc.take(index, pa.array(where, pa.int64())).to_pylist()
            for number, cell, code in zip(numbers, cells, codes, strict=True):
                state.log.reject(number, label, cell, str(reasons[code]))
            bad[where] = True
        out[name] = pc.take(pa.array(values, types[name]), index)
    return out, bad


def _money(rows: MappedRows, columns: dict[str, Any], batch: ArrowBatch) -> None:
    money = next((f"{m}:currency" for m in ("amount", "cost") if batch.has(f"{m}:currency")), None)
    if money and "currency" in rows.names:
        given = columns.get("currency")
        found = batch.get(money)
        columns["currency"] = found if given is None else text_or(given, found)


def _lookups(
    rows: MappedRows, columns: dict[str, Any], batch: ArrowBatch, types: dict[str, pa.DataType]
) -> None:
    """``LoadedLookup.find`` once per distinct value; its count of unmatched rows as if
    called per row."""
    for index, loaded in enumerate(rows.lookups):
        lookup = loaded.lookup
        if lookup.match is not None:
            values = columns.get(lookup.match)
            if values is None:
                values = pa.nulls(batch.size, pa.string())
        else:
            values = batch.get(f"match:{index}")
        counts = pc.value_counts(pc.drop_null(values))
        distinct = counts.field("values")
        found = []
        for value, count in zip(
            distinct.to_pylist(), counts.field("counts").to_pylist(), strict=True
        ):
            before = loaded.missing.get(str(value), 0)
            hit = loaded.find(value)
            if loaded.missing.get(str(value), 0) > before:
                loaded.missing[str(value)] += count - 1
            found.append(hit)
        where = pc.index_in(values, value_set=distinct)
        for name in lookup.columns:
            picked = [None if f is None else f.get(name) for f in found]
            columns[name] = pc.take(pa.array(picked, types[name]), where)


def _default_date(
    rows: MappedRows, columns: dict[str, Any], size: int, types: dict[str, pa.DataType]
) -> None:
    default = rows.default_date()
    if default is None:
        return
    name, value = default
    given = columns.get(name)
    if given is None:
        given = pa.nulls(size, types[name])
    rows.defaulted += given.null_count
    columns[name] = pc.fill_null(given, pa.scalar(value, types[name]))


def _reached(reached: set[str]) -> Callable[[Any], bool]:
    return lambda flag: normalise_header(str(flag)) in reached


def _stage_rows(
    rows: MappedRows,
    state: ReadState,
    batch: ArrowBatch,
    lead_keys: Any,
    columns: dict[str, Any],
) -> None:
    rows.without_lead += lead_keys.null_count
    date_column = ROW_DATE.get(rows.table.name, "")
    row_dates = columns.get(date_column)
    if row_dates is None:
        row_dates = pa.nulls(batch.size, pa.timestamp("us"))
    date_label = rows.mapping.columns.get(date_column) or "default_date"
    for index, rule in enumerate(rows.mapping.stages):
        if rule.column is not None:
            values = batch.get(f"stage:{index}", pa.timestamp("us"))
        else:
            values = row_dates
        if rule.when_column is not None:
            reached = rows.when[index]
            flags = mapped_by_distinct(batch.get(f"when:{index}"), _reached(reached), pa.bool_())
            values = pc.if_else(pc.fill_null(flags, False), values, pa.scalar(None, values.type))
        hits = pc.and_(pc.is_valid(values), pc.is_valid(lead_keys))
        entered = pc.filter(values, hits)
        if not pa.types.is_timestamp(entered.type):
            entered = pc.cast(entered, pa.timestamp("us"))
        state.builders["lead_stages"].add_arrow(
            {
                "lead_key": pc.filter(lead_keys, hits),
                "stage": rule.stage,
                "entered_at": entered,
                "source": rule.column or rule.when_column or date_label,
            },
            pc.filter(batch.numbers, hits),
        )
