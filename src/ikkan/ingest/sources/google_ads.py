"""Google Ads UI downloads → ``spend``.

Row 1 is the report title, row 2 the date range, row 3 the header (EN or JA). The "Excel
CSV" variant is UTF-16LE with a BOM and tab-separated. ``Total: …`` / ``合計: …`` rows are
dropped; ``--`` is empty. The channel comes from ``Campaign type`` (Search → paid_search,
Display → display, Video → paid_video …), else ``paid_search``; ``ikkan.yml`` channels or
``options.channel`` override it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine.arrow_convert import mapped_by_distinct
from ikkan.ingest.engine.arrow_rows import ArrowBatch, text_or
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import Converted, Kind, spec
from ikkan.ingest.engine.runner import (
    ReadState,
    finish,
    header_test,
    looks_like,
    pick,
    read_tabular,
)
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.spend_arrow import add_spend_arrow, resolve_days_arrow
from ikkan.ingest.sources.spend_common import (
    add_spend,
    finish_spend,
    preamble_range,
    resolve_days,
)
from ikkan.model.canonical import SPEND

SOURCE = "google_ads"
FIELDS = (
    spec("day", Kind.DATE, "Day", "Date", "日", "日付"),
    spec("campaign", Kind.TEXT, "Campaign", "キャンペーン", "キャンペーン名"),
    spec("ad_group", Kind.TEXT, "Ad group", "広告グループ", "広告グループ名"),
    spec("campaign_type", Kind.TEXT, "Campaign type", "キャンペーン タイプ", "キャンペーンタイプ"),
    spec("impressions", Kind.INT, "Impr.", "Impressions", "表示回数"),
    spec("clicks", Kind.INT, "Clicks", "クリック数"),
    spec("cost", Kind.AMOUNT, "Cost", "費用"),
    spec(
        "conversions",
        Kind.FLOAT,
        "Conversions",
        "コンバージョン",
        "コンバージョン（現在のモデル）",
        "Conversions (current model)",
    ),
    spec("currency", Kind.TEXT, "Currency code", "Currency", "通貨コード", "通貨"),
)
_CAMPAIGN_TYPES = {
    "search": "paid_search",
    "検索": "paid_search",
    "shopping": "paid_search",
    "ショッピング": "paid_search",
    "display": "display",
    "ディスプレイ": "display",
    "demand gen": "display",
    "デマンド ジェネレーション": "display",
    "discovery": "display",
    "video": "paid_video",
    "動画": "paid_video",
    "performance max": "other",
    "p-max": "other",
    "app": "other",
    "アプリ": "other",
    "smart": "other",
    "スマート": "other",
    "local": "other",
    "hotel": "other",
}


class GoogleAdsReader:
    name = "google_ads"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        return looks_like(head, FIELDS, ("campaign", "impressions", "cost"), scan=5) and (
            any(a in head for a in ("Impr.", "表示回数", "Currency code", "通貨コード"))
        )

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        return self.read_rows(path, context, vectorised=True)

    def read_rows(self, path: Path, context: ReaderContext, vectorised: bool = False) -> ReadResult:
        """``vectorised``: try the engine's vectorised read first (same result)."""
        mapper = ChannelMapper(context.channels)
        fixed = context.options.get("channel")

        def channel_of(campaign_type: str | None) -> str | None:
            if fixed:
                return str(fixed)
            if campaign_type is None:
                return "paid_search"
            mapped = mapper(campaign_type) if campaign_type in context.channels else None
            return mapped or _CAMPAIGN_TYPES.get(normalise_header(campaign_type), "paid_search")

        def handle(state: ReadState, conv: Converted) -> None:
            keep, days = resolve_days(conv, state, preamble_range(state.preamble), "spend")
            types = pick(conv.get("campaign_type"), keep)
            currency: list[Any] = [
                a or b
                for a, b in zip(
                    pick(conv.get("currency"), keep),
                    pick(conv.get("cost:currency"), keep),
                    strict=True,
                )
            ]
            add_spend(
                state,
                conv,
                keep,
                days,
                source=SOURCE,
                channels=[channel_of(t) for t in types],
                key_channel=types,
                currency=currency,
            )

        def handle_arrow(state: ReadState, batch: ArrowBatch) -> None:
            kept, days = resolve_days_arrow(batch, state, preamble_range(state.preamble), "spend")
            types = kept.get("campaign_type")
            if fixed:
                channels: Any = str(fixed)
            else:
                mapped = mapped_by_distinct(types, channel_of)
                channels = pc.fill_null(mapped, channel_of(None))
            add_spend_arrow(
                state,
                kept,
                days,
                source=SOURCE,
                channels=channels,
                key_channel=types,
                currency=text_or(kept.get("currency"), kept.get("cost:currency")),
            )

        result, state = read_tabular(
            path,
            context,
            reader=self.name,
            source_system=SOURCE,
            specs=FIELDS,
            is_header=header_test(FIELDS, ("campaign",), minimum=3),
            tables=(TableBuilder(SPEND),),
            handle=handle,
            vectorised=vectorised,
            handle_arrow=handle_arrow,
        )
        finish_spend(state.builders["spend"], state.log)
        return finish(result, state)
