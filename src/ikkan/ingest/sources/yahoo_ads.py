"""Yahoo!広告 (search / display) report downloads → ``spend``.

Japanese headers (``日``, ``キャンペーン名``, ``広告グループ名``, ``インプレッション数``,
``クリック数``, ``コスト``, ``コンバージョン数``), English ones when the report language is EN;
SJIS (read as cp932), UTF-8 (BOM) or UTF-16LE tab files; a ``合計`` summary row is dropped;
title rows above the header are skipped. Costs are yen unless the cell names a currency.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.arrow_rows import ArrowBatch, text_or
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import Converted, Kind, spec
from ikkan.ingest.engine.runner import ReadState, finish, header_test, looks_like, read_tabular
from ikkan.ingest.sources.spend_arrow import add_spend_arrow, resolve_days_arrow
from ikkan.ingest.sources.spend_common import (
    add_spend,
    finish_spend,
    preamble_range,
    resolve_days,
)
from ikkan.model.canonical import SPEND

SOURCE = "yahoo_ads"
FIELDS = (
    spec("day", Kind.DATE, "日", "日別", "日付", "Day", "Date"),
    spec("campaign", Kind.TEXT, "キャンペーン名", "Campaign Name"),
    spec("ad_group", Kind.TEXT, "広告グループ名", "Ad Group Name"),
    spec("impressions", Kind.INT, "インプレッション数", "Impressions"),
    spec("clicks", Kind.INT, "クリック数", "Clicks"),
    spec("cost", Kind.AMOUNT, "コスト", "Cost"),
    spec("conversions", Kind.FLOAT, "コンバージョン数", "Conversions"),
)


class YahooAdsReader:
    name = "yahoo_ads"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        return looks_like(head, FIELDS, ("campaign", "impressions", "cost"), scan=5)

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        return self.read_rows(path, context, vectorised=True)

    def read_rows(self, path: Path, context: ReaderContext, vectorised: bool = False) -> ReadResult:
        """``vectorised``: try the engine's vectorised read first (same result)."""
        channel = str(context.options.get("channel", "paid_search"))

        def handle(state: ReadState, conv: Converted) -> None:
            keep, days = resolve_days(conv, state, preamble_range(state.preamble), "spend")
            currency: list[Any] = [conv.get("cost:currency")[i] or "JPY" for i in keep]
            add_spend(
                state,
                conv,
                keep,
                days,
                source=SOURCE,
                channels=[channel] * len(keep),
                key_channel=[None] * len(keep),
                currency=currency,
            )

        def handle_arrow(state: ReadState, batch: ArrowBatch) -> None:
            kept, days = resolve_days_arrow(batch, state, preamble_range(state.preamble), "spend")
            add_spend_arrow(
                state,
                kept,
                days,
                source=SOURCE,
                channels=channel,
                key_channel=None,
                currency=text_or(kept.get("cost:currency"), pa.scalar("JPY")),
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
