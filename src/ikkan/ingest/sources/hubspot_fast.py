"""HubSpot contacts through the vectorised path (``fast_contacts``); None when the file
needs the row-by-row reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.load import mark_keys_unique
from ikkan.ingest.sources import fast_contacts as fast
from ikkan.ingest.sources.builder import arrow_schema
from ikkan.ingest.sources.fast_convert import mapped_by_distinct, supported
from ikkan.ingest.sources.fields import plan_columns, warn_extra
from ikkan.ingest.sources.hubspot import (
    CONTACT_FIELDS,
    SOURCE,
    _first_id,
    stage_columns,
)
from ikkan.ingest.sources.log import ReadLog
from ikkan.ingest.sources.runner import header_test
from ikkan.ingest.sources.stages import StageMapper
from ikkan.model.canonical import LEADS

_TEXT_COLUMNS = (
    "created_at",
    "email",
    "first_name",
    "last_name",
    "company",
    "industry",
    "employees",
    "country",
    "campaign",
    "owner",
    "status",
    "score",
)


def read_contacts_fast(
    path: Path, context: ReaderContext, reader: str, encoding: str | None = None
) -> ReadResult | None:
    """``encoding``: known already (else taken from the file's head, then checked)."""
    expected = [a for s in CONTACT_FIELDS for a in s.aliases[1:2]]
    is_header = header_test(CONTACT_FIELDS, ("record_id",))
    found = fast.located_header(path, is_header, expected, encoding)
    if found is None:
        return None
    encoding, delimiter, header = found
    plan = plan_columns(header, [*stage_columns(header), *CONTACT_FIELDS])
    labels = plan.extra_labels()
    if len(set(labels)) != len(labels) or not all(supported(s) for s in plan.specs.values()):
        return None
    try:
        scanned_fields = fast.scan(path, encoding, delimiter, plan)
    except fast.NotUtf8 as exc:  # a head in UTF-8 (often plain ASCII), the rest not
        sniffed = str(exc.args[0])
        return None if sniffed == encoding else read_contacts_fast(path, context, reader, sniffed)
    if scanned_fields is None:
        return None
    scanned, fields, labels = scanned_fields
    data = fast.drop_blank_rows(scanned, len(header))
    if data is None:
        return None
    tz = ZoneInfo(context.timezone)
    log = ReadLog(str(path))
    warn_extra(plan, log)
    columns = fast.Columns(data, plan, fields, tz)
    kept = fast.log_rejections(data, plan, columns, log, tz, "record_id")
    attributes = fast.attributes(data, plan, labels)
    del scanned, scanned_fields
    stages, channels = StageMapper(context), ChannelMapper(context.channels)
    rows_read = data.table.num_rows
    leads, keys, index = _leads(columns, kept, attributes, stages, channels, rows_read)
    loaded = pc.take(data.numbers, index)
    leads, unique, loaded = _reject_duplicates(leads, loaded, log, plan.label("record_id"))
    lead_stages = fast.stage_table(plan, columns, index, keys, stages, unique)
    fast.progress(context, rows_read)
    for message in [*stages.warnings(), channels.warning()]:
        if message:
            log.warn(message)
    return ReadResult(
        source_system=SOURCE,
        reader=reader,
        file_path=str(path),
        tables={"leads": mark_keys_unique(leads), "lead_stages": mark_keys_unique(lead_stages)},
        rejected=log.rejected,
        warnings=log.warnings,
        rows_read=rows_read,
        encoding=encoding,
        loaded_rows=loaded.to_numpy(zero_copy_only=False),
    )


def _leads(
    columns: fast.Columns,
    kept: Any,
    attributes: Any,
    stages: StageMapper,
    channels: ChannelMapper,
    rows: int,
) -> tuple[pa.Table, Any, pa.Array]:
    schema = arrow_schema(LEADS)
    index = pc.indices_nonzero(kept)
    size = len(index)
    everything = size == rows

    def take(name: str) -> Any:
        kind = schema.field(name).type if name in schema.names else pa.string()
        values = columns.get(name, kind)
        return values if everything else pc.take(values, index)

    ids = take("record_id")
    keys = pc.binary_join_element_wise(f"{SOURCE}:", ids, "")
    raw_channels = take("channel_raw")
    company = take("company_id")
    values: dict[str, Any] = {
        "lead_key": keys,
        "source_system": pa.array([SOURCE] * size, pa.string()),
        "source_id": ids,
        "channel_raw": raw_channels,
        "channel": mapped_by_distinct(raw_channels, channels),
        "lifecycle_stage": mapped_by_distinct(take("lifecycle"), stages),
        "account_key": mapped_by_distinct(company, lambda c: f"{SOURCE}:{_first_id(c)}"),
        "attributes": attributes if everything else pc.take(attributes, index),
    }
    for name in _TEXT_COLUMNS:
        values[name] = take(name)
    return fast.table_of(schema, values, size), keys, index


def _reject_duplicates(
    leads: pa.Table, numbers: Any, log: ReadLog, label: str
) -> tuple[pa.Table, bool, Any]:
    """As ``TableBuilder.reject_duplicates``: the first row of a key stays. Also whether
    the keys were unique to begin with, and the row numbers of the rows kept."""
    if leads.num_rows == 0:
        return leads, True, numbers
    keys = leads.column("lead_key").combine_chunks()
    encoded = pc.dictionary_encode(keys)
    if len(encoded.dictionary) == leads.num_rows:
        return leads, True, numbers
    is_first, first = fast.first_of_key(encoded)
    row_numbers = numbers.to_pylist()
    for i in (~is_first).nonzero()[0].tolist():
        value = keys[i].as_py()
        log.reject(
            row_numbers[i],
            label,
            value,
            f"duplicate {label} {value!r} (first seen at row {row_numbers[first[i]]})",
        )
    mask = pa.array(is_first)
    return leads.filter(mask), False, pc.filter(numbers, mask)
