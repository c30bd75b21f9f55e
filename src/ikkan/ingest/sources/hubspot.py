"""HubSpot CRM exports: contacts and deals (CSV/XLSX, English or Japanese labels, or the
internal property names of API/Exports-API files).

Contacts → ``leads`` plus ``lead_stages`` from every "Became a … Date",
``Date entered "… (Lifecycle Stage Pipeline)"``, ``hs_lifecyclestage_*_date`` and
``hs_v2_date_entered_*`` column (the earliest date wins when several name one stage).
Deals → ``deals``; ``Closed Won``/``closedwon`` (or any stage the project maps to ``won``)
sets ``is_won``; ``Closed Lost``/``closedlost`` (or mapped to ``lost``) closes without a win.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.builder import TableBuilder
from ikkan.ingest.sources.fields import Converted, FieldSpec, Kind, spec
from ikkan.ingest.sources.runner import (
    ReadState,
    finish,
    header_test,
    looks_like,
    pick,
    read_tabular,
    require,
)
from ikkan.ingest.sources.stages import LIFECYCLE_LABELS, StageMapper
from ikkan.model.canonical import DEALS, LEAD_STAGES, LEADS

SOURCE = "hubspot"
_ID = ("Record ID", "Contact ID", "hs_object_id", "vid", "レコードID", "コンタクトID")

CONTACT_FIELDS = (
    spec("record_id", Kind.ID, *_ID),
    spec("created_at", Kind.DATETIME, "Create Date", "createdate", "作成日", "作成日時"),
    spec("email", Kind.EMAIL, "Email", "E-mail", "Eメール", "メール", "メールアドレス"),
    spec("first_name", Kind.TEXT, "First Name", "firstname", "名"),
    spec("last_name", Kind.TEXT, "Last Name", "lastname", "姓"),
    spec("company", Kind.TEXT, "Company Name", "company", "会社名"),
    spec("industry", Kind.TEXT, "Industry", "業種"),
    spec("employees", Kind.INT, "Number of Employees", "numemployees", "従業員数"),
    spec("country", Kind.TEXT, "Country/Region", "Country", "国/地域", "国"),
    spec(
        "channel_raw",
        Kind.TEXT,
        "Original Source",
        "Original Traffic Source",
        "hs_analytics_source",
        "初回のソース",
        "元のソース",
        "オリジナルソース",
    ),
    spec(
        "campaign",
        Kind.TEXT,
        "First touch converting campaign",
        "hs_analytics_first_touch_converting_campaign",
        "最初のタッチでコンバージョンに至ったキャンペーン",  # JA label unverified
    ),
    spec("owner", Kind.TEXT, "Contact owner", "hubspot_owner_id", "コンタクト担当者", "担当者"),
    spec("lifecycle", Kind.TEXT, "Lifecycle Stage", "lifecyclestage", "ライフサイクルステージ"),
    spec("status", Kind.TEXT, "Lead Status", "hs_lead_status", "リードステータス"),
    spec("score", Kind.FLOAT, "HubSpot Score", "hubspotscore", "HubSpotスコア"),
    spec(
        "company_id",
        Kind.TEXT,
        "Associated Company ID",
        "Associated Company IDs (Primary)",
        "associatedcompanyid",
        "関連付けられた会社ID",
    ),
)

DEAL_FIELDS = (
    spec("record_id", Kind.ID, "Record ID", "Deal ID", "hs_object_id", "レコードID", "取引ID"),
    spec("name", Kind.TEXT, "Deal Name", "dealname", "取引名"),
    spec("stage", Kind.TEXT, "Deal Stage", "dealstage", "取引ステージ"),
    spec("amount", Kind.AMOUNT, "Amount", "amount", "金額"),
    spec("currency", Kind.TEXT, "Currency", "deal_currency_code", "通貨"),
    spec("closed_at", Kind.DATETIME, "Close Date", "closedate", "クローズ日", "完了日"),
    spec("created_at", Kind.DATETIME, "Create Date", "createdate", "作成日"),
    spec("pipeline", Kind.TEXT, "Pipeline", "パイプライン"),
    spec("deal_type", Kind.TEXT, "Deal Type", "dealtype", "取引タイプ", "取引の種類"),
    spec("owner", Kind.TEXT, "Deal owner", "hubspot_owner_id", "取引担当者", "担当者"),
    spec("contact_ids", Kind.TEXT, "Associated Contact IDs", "Associated Contact ID"),
    spec("company_ids", Kind.TEXT, "Associated Company IDs", "Associated Company ID"),
    spec("channel_raw", Kind.TEXT, "Original Source Type", "Original Traffic Source"),
)

_STAGE_PATTERNS = (
    re.compile(r"^became an? (.+) date$"),
    re.compile(r"^hs_lifecyclestage_(.+)_date$"),
    re.compile(r'^date entered "?(.+?) \(lifecycle stage pipeline\)"?$'),
    re.compile(r"^hs_v2_date_entered_(.+)$"),
    re.compile(r"^(?:ライフサイクルステージが)?[「\"]?(.+?)[」\"]?になった日(?:付|時)?$"),
    re.compile(
        r"^[「\"]?(.+?)\s*\(ライフサイクルステージ ?パイプライン\)[」\"]?に入った日(?:付|時)?$"
    ),
)
_WON = frozenset({"closedwon", "closed won", "成約", "受注", "成約済み"})
_LOST = frozenset({"closedlost", "closed lost", "失注", "不成立"})
_DEAL_TYPES = {
    "newbusiness": "new",
    "new business": "new",
    "新規ビジネス": "new",
    "新規": "new",
    "existingbusiness": "upsell",
    "existing business": "upsell",
    "既存ビジネス": "upsell",
    "upsell": "upsell",
    "アップセル": "upsell",
    "cross-sell": "cross_sell",
    "クロスセル": "cross_sell",
    "renewal": "renewal",
    "更新": "renewal",
}


def stage_columns(header: list[str]) -> list[FieldSpec]:
    """A datetime field per lifecycle stage-date column, named ``stage:<internal value>``."""
    found: list[FieldSpec] = []
    for label in header:
        key = normalise_header(label)
        for pattern in _STAGE_PATTERNS:
            match = pattern.match(key)
            if match:
                raw = match.group(1).strip()
                internal = LIFECYCLE_LABELS.get(raw, raw.replace(" ", ""))
                found.append(FieldSpec(f"stage:{internal}:{label}", Kind.DATETIME, (label,)))
                break
    return found


def _first_id(text: str | None) -> str | None:
    if not text:
        return None
    first = text.split(";")[0].strip()
    return first or None


class HubspotContactsReader:
    name = "hubspot_contacts"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        return _sniff(head, CONTACT_FIELDS, ("record_id",), ("email", "lifecycle", "first_name"))

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        """The vectorised path for clean CSV files, else row by row (same result)."""
        from ikkan.ingest.sources.hubspot_fast import read_contacts_fast

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
                    None if c is None else f"{SOURCE}:{_first_id(c)}"
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
        stage_targets = {normalise_header(k): v for k, v in context.stage_map.items()}
        channels = ChannelMapper(context.channels)
        unknown_types: set[str] = set()

        def outcome(stage: str | None) -> tuple[bool | None, bool | None]:
            if stage is None:
                return None, None
            key = normalise_header(stage)
            target = stage_targets.get(key)
            if key in _WON or target == "won":
                return True, True
            if key in _LOST or target == "lost":
                return True, False
            return False, False

        def deal_type(raw: str | None) -> str | None:
            if raw is None:
                return None
            found = _DEAL_TYPES.get(normalise_header(raw))
            if found is None:
                unknown_types.add(raw)
            return found

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
        if unknown_types:
            state.log.warn(
                "deal type value(s) not recognised (left empty): "
                + ", ".join(sorted(unknown_types))
            )
        return finish(result, state)


def _key(ids: Any) -> str | None:
    first = _first_id(ids)
    return None if first is None else f"{SOURCE}:{first}"


def _sniff(
    head: str, specs: tuple[FieldSpec, ...], required: tuple[str, ...], any_of: tuple[str, ...]
) -> bool:
    return looks_like(head, specs, required, any_of)
