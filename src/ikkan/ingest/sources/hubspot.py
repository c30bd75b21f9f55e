"""HubSpot CRM exports: contacts and deals (CSV/XLSX, English or Japanese labels, or the
internal property names of API/Exports-API files).

Contacts → ``leads`` plus ``lead_stages`` from every "Became a … Date",
``Date entered "… (Lifecycle Stage Pipeline)"``, ``hs_lifecyclestage_*_date`` and
``hs_v2_date_entered_*`` column (the earliest date wins when several name one stage).
Deals → ``deals``; ``Closed Won``/``closedwon`` (or any stage the project maps to ``won``)
sets ``is_won``; ``Closed Lost``/``closedlost`` (or mapped to ``lost``) closes without a win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import Converted, FieldSpec
from ikkan.ingest.engine.runner import (
    ReadState,
    finish,
    header_test,
    looks_like,
    pick,
    read_tabular,
    require,
)
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.hubspot_fast import read_contacts_fast, read_deals_fast
from ikkan.ingest.sources.hubspot_fields import (
    CONTACT_FIELDS,
    DEAL_FIELDS,
    DEAL_TYPES,
    LOST,
    SOURCE,
    WON,
    first_id,
    stage_columns,
)
from ikkan.ingest.stages import StageMapper
from ikkan.model.canonical import DEALS, LEAD_STAGES, LEADS

__all__ = ["SOURCE", "HubspotContactsReader", "HubspotDealsReader", "stage_columns"]


class HubspotContactsReader:
    name = "hubspot_contacts"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        return _sniff(head, CONTACT_FIELDS, ("record_id",), ("email", "lifecycle", "first_name"))

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        """The vectorised path for clean CSV files, else row by row (same result)."""
        fast = read_contacts_fast(path, context, self.name)
        return fast if fast is not None else self.read_rows(path, context)

    def read_rows(self, path: Path, context: ReaderContext) -> ReadResult:
        """Row by row: every file, every quirk (the reference for the vectorised path)."""
        stages = StageMapper(context)
        channels = ChannelMapper(context.channels)

        def handle(state: ReadState, conv: Converted) -> None:
            keep = require(state, conv, "record_id")
            keys = [f"{SOURCE}:{i}" for i in pick(conv.get("record_id"), keep)]
            raw_channels = pick(conv.get("channel_raw"), keep)
            columns: dict[str, list[Any]] = {
                "lead_key": keys,
                "source_system": [SOURCE] * len(keep),
                "source_id": pick(conv.get("record_id"), keep),
                "channel_raw": raw_channels,
                "channel": [channels(r) for r in raw_channels],
                "lifecycle_stage": [stages(v) for v in pick(conv.get("lifecycle"), keep)],
                "account_key": [
                    None if c is None else f"{SOURCE}:{first_id(c)}"
                    for c in pick(conv.get("company_id"), keep)
                ],
                "attributes": pick(conv.attributes, keep),
            }
            for name in (
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
            ):
                columns[name] = pick(conv.get(name), keep)
            numbers = pick(conv.numbers, keep)
            state.builders["leads"].add(columns, numbers)
            _add_stage_rows(state, conv, keep, keys, numbers, stages)

        result, state = read_tabular(
            path,
            context,
            reader=self.name,
            source_system=SOURCE,
            specs=CONTACT_FIELDS,
            is_header=header_test(CONTACT_FIELDS, ("record_id",)),
            tables=(TableBuilder(LEADS), TableBuilder(LEAD_STAGES)),
            handle=handle,
            more_specs=stage_columns,
        )
        state.builders["leads"].reject_duplicates(state.log, state.plan.label("record_id"))
        state.builders["lead_stages"].keep_earliest(("lead_key", "stage"), "entered_at")
        for message in [*stages.warnings(), channels.warning()]:
            if message:
                state.log.warn(message)
        return finish(result, state)


def _add_stage_rows(
    state: ReadState,
    conv: Converted,
    keep: list[int],
    keys: list[str],
    numbers: list[Any],
    stages: StageMapper,
) -> None:
    builder = state.builders["lead_stages"]
    for name in state.plan.index:
        if not name.startswith("stage:"):
            continue
        _, internal, label = name.split(":", 2)
        stage = stages(internal)
        if stage is None:
            continue
        values = pick(conv.get(name), keep)
        hits = [j for j, v in enumerate(values) if v is not None]
        builder.add(
            {
                "lead_key": [keys[j] for j in hits],
                "stage": [stage] * len(hits),
                "entered_at": [values[j] for j in hits],
                "source": [label] * len(hits),
            },
            [numbers[j] for j in hits],
        )


class HubspotDealsReader:
    name = "hubspot_deals"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        return _sniff(head, DEAL_FIELDS, ("record_id",), ("name", "stage"))

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        """The vectorised path for clean CSV files, else row by row (same result)."""
        words = _DealWords(context)
        fast = read_deals_fast(path, context, self.name, words.outcome, words.deal_type)
        if fast is None:
            return self.read_rows(path, context)
        _warn_types(fast.warnings, words.unknown_types)
        return fast

    def read_rows(self, path: Path, context: ReaderContext) -> ReadResult:
        """Row by row: every file, every quirk (the reference for the vectorised path)."""
        words = _DealWords(context)
        outcome, deal_type, unknown_types = words.outcome, words.deal_type, words.unknown_types
        channels = ChannelMapper(context.channels)

        def handle(state: ReadState, conv: Converted) -> None:
            keep = require(state, conv, "record_id")
            ids = pick(conv.get("record_id"), keep)
            results = [outcome(s) for s in pick(conv.get("stage"), keep)]
            currency = [
                a or b
                for a, b in zip(
                    pick(conv.get("currency"), keep),
                    pick(conv.get("amount:currency"), keep),
                    strict=True,
                )
            ]
            columns: dict[str, list[Any]] = {
                "deal_key": [f"{SOURCE}:{i}" for i in ids],
                "source_system": [SOURCE] * len(keep),
                "source_id": ids,
                "lead_key": [_key(c) for c in pick(conv.get("contact_ids"), keep)],
                "account_key": [_key(c) for c in pick(conv.get("company_ids"), keep)],
                "deal_type": [deal_type(t) for t in pick(conv.get("deal_type"), keep)],
                "currency": currency,
                "is_closed": [r[0] for r in results],
                "is_won": [r[1] for r in results],
                "channel": [channels(r) for r in pick(conv.get("channel_raw"), keep)],
                "attributes": pick(conv.attributes, keep),
            }
            for name in ("name", "stage", "pipeline", "amount", "created_at", "closed_at", "owner"):
                columns[name] = pick(conv.get(name), keep)
            state.builders["deals"].add(columns, pick(conv.numbers, keep))

        result, state = read_tabular(
            path,
            context,
            reader=self.name,
            source_system=SOURCE,
            specs=DEAL_FIELDS,
            is_header=header_test(DEAL_FIELDS, ("record_id",)),
            tables=(TableBuilder(DEALS),),
            handle=handle,
        )
        state.builders["deals"].reject_duplicates(state.log, state.plan.label("record_id"))
        _warn_types(state.log.warnings, unknown_types)
        return finish(result, state)


class _DealWords:
    """What a deal's stage and type values mean, for one read (unknown types collected)."""

    def __init__(self, context: ReaderContext) -> None:
        self.stage_targets = {normalise_header(k): v for k, v in context.stage_map.items()}
        self.unknown_types: set[str] = set()

    def outcome(self, stage: str | None) -> tuple[bool | None, bool | None]:
        """(is_closed, is_won)."""
        if stage is None:
            return None, None
        key = normalise_header(stage)
        target = self.stage_targets.get(key)
        if key in WON or target == "won":
            return True, True
        if key in LOST or target == "lost":
            return True, False
        return False, False

    def deal_type(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        found = DEAL_TYPES.get(normalise_header(raw))
        if found is None:
            self.unknown_types.add(raw)
        return found


def _warn_types(warnings: list[str], unknown_types: set[str]) -> None:
    if unknown_types:
        warnings.append(
            "deal type value(s) not recognised (left empty): " + ", ".join(sorted(unknown_types))
        )


def _key(ids: Any) -> str | None:
    first = first_id(ids)
    return None if first is None else f"{SOURCE}:{first}"


def _sniff(
    head: str, specs: tuple[FieldSpec, ...], required: tuple[str, ...], any_of: tuple[str, ...]
) -> bool:
    return looks_like(head, specs, required, any_of)
