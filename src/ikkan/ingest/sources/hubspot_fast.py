"""HubSpot contacts and deals through the engine's vectorised read
(``engine.vector_read``): what the converted columns mean, as the row-by-row readers in
``hubspot.py`` say it. Each function returns None when the file needs the row path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine import vectorised as fast
from ikkan.ingest.engine.arrow_convert import mapped_by_distinct
from ikkan.ingest.engine.builder import arrow_schema
from ikkan.ingest.engine.runner import header_test
from ikkan.ingest.engine.vector_read import read_columns, reject_duplicates, result_of
from ikkan.ingest.sources.hubspot_fields import (
    CONTACT_FIELDS,
    DEAL_FIELDS,
    SOURCE,
    first_id,
    stage_columns,
)
from ikkan.ingest.stages import StageMapper
from ikkan.model.canonical import DEALS, LEADS

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
_DEAL_COLUMNS = ("name", "stage", "pipeline", "amount", "created_at", "closed_at", "owner")


def read_contacts_fast(
    path: Path, context: ReaderContext, reader: str, encoding: str | None = None
) -> ReadResult | None:
    """``encoding``: known already (else taken from the file's head, then checked)."""
    is_header = header_test(CONTACT_FIELDS, ("record_id",))
    read = read_columns(
        path, context, CONTACT_FIELDS, is_header, "record_id", stage_columns, encoding
    )
    if read is None:
        return None
    stages, channels = StageMapper(context), ChannelMapper(context.channels)
    schema = arrow_schema(LEADS)

    def take(name: str) -> Any:
        return read.take(name, schema.field(name).type if name in schema.names else pa.string())

    ids = take("record_id")
    keys = pc.binary_join_element_wise(f"{SOURCE}:", ids, "")
    raw_channels = take("channel_raw")
    values: dict[str, Any] = {
        "lead_key": keys,
        "source_system": pa.array([SOURCE] * len(ids), pa.string()),
        "source_id": ids,
        "channel_raw": raw_channels,
        "channel": mapped_by_distinct(raw_channels, channels),
        "lifecycle_stage": mapped_by_distinct(take("lifecycle"), stages),
        "account_key": mapped_by_distinct(  # as the row path: "hubspot:None" for " ; "
            take("company_id"), lambda c: f"{SOURCE}:{first_id(c)}"
        ),
        "attributes": read.kept_attributes(),
    }
    for name in _TEXT_COLUMNS:
        values[name] = take(name)
    leads = fast.table_of(schema, values, len(ids))
    label = read.plan.label("record_id")
    leads, unique, loaded = reject_duplicates(leads, read.numbers, read.log, "lead_key", label)
    lead_stages = fast.stage_table(read.plan, read.columns, read.index, keys, stages, unique)
    for message in [*stages.warnings(), channels.warning()]:
        if message:
            read.log.warn(message)
    return result_of(
        read,
        context,
        reader=reader,
        source_system=SOURCE,
        tables={"leads": leads, "lead_stages": lead_stages},
        loaded=loaded,
    )


def read_deals_fast(
    path: Path,
    context: ReaderContext,
    reader: str,
    outcome: Callable[[str], tuple[bool | None, bool | None]],
    deal_type: Callable[[str], str | None],
) -> ReadResult | None:
    """``outcome`` (is_closed, is_won) of a stage and ``deal_type`` of a raw type: the row
    reader's own functions, applied once per distinct value."""
    is_header = header_test(DEAL_FIELDS, ("record_id",))
    read = read_columns(path, context, DEAL_FIELDS, is_header, "record_id")
    if read is None:
        return None
    channels = ChannelMapper(context.channels)
    schema = arrow_schema(DEALS)

    def take(name: str) -> Any:
        return read.take(name, schema.field(name).type if name in schema.names else pa.string())

    ids = take("record_id")
    stage = take("stage")
    values: dict[str, Any] = {
        "deal_key": pc.binary_join_element_wise(f"{SOURCE}:", ids, ""),
        "source_system": pa.array([SOURCE] * len(ids), pa.string()),
        "source_id": ids,
        "lead_key": _keys(take("contact_ids")),
        "account_key": _keys(take("company_ids")),
        "deal_type": mapped_by_distinct(take("deal_type"), deal_type),
        "currency": pc.coalesce(take("currency"), take("amount:currency")),
        "is_closed": mapped_by_distinct(stage, lambda s: outcome(s)[0], pa.bool_()),
        "is_won": mapped_by_distinct(stage, lambda s: outcome(s)[1], pa.bool_()),
        "channel": mapped_by_distinct(take("channel_raw"), channels),
        "attributes": read.kept_attributes(),
    }
    for name in _DEAL_COLUMNS:
        values[name] = take(name)
    deals = fast.table_of(schema, values, len(ids))
    label = read.plan.label("record_id")
    deals, _, loaded = reject_duplicates(deals, read.numbers, read.log, "deal_key", label)
    return result_of(
        read, context, reader=reader, source_system=SOURCE, tables={"deals": deals}, loaded=loaded
    )


def _keys(ids: Any) -> Any:
    """``_key`` per row: in bulk where the first id is plain printable ASCII (nothing for
    ``str.strip`` to take), by ``_key`` once per distinct other value."""
    first = pc.list_element(pc.split_pattern(ids, ";", max_splits=1), 0)
    plain = pc.fill_null(pc.match_substring_regex(first, "^[!-~]+$"), False)
    bulk = pc.binary_join_element_wise(f"{SOURCE}:", first, "")
    rest = mapped_by_distinct(pc.if_else(plain, pa.scalar(None, pa.string()), ids), _key)
    return pc.if_else(plain, bulk, rest)


def _key(ids: str) -> str | None:
    first = first_id(ids)
    return None if first is None else f"{SOURCE}:{first}"
