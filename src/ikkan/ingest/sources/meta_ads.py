"""Meta (Facebook/Instagram) Ads Manager exports → ``spend``.

EN or JA headers; the currency is the header suffix (``Amount spent (JPY)``,
``消化金額 (JPY)``). With a day breakdown (``Day``/``日``) each row is one day. Without it
every row spans ``Reporting starts``..``Reporting ends``: such rows are **rejected** (unless
the range is a single day) with a reason saying to export by day; spreading a month of spend
evenly over its days would invent daily figures that pacing and alerts then trust. Rows
with no campaign, ad set and ad name are summary rows and are skipped with a warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.arrow_rows import ArrowBatch
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.fields import Converted, FieldSpec, Kind, spec
from ikkan.ingest.engine.runner import ReadState, finish, header_test, read_tabular
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.sources.spend_arrow import add_spend_arrow, resolve_days_arrow
from ikkan.ingest.sources.spend_common import add_spend, finish_spend, resolve_days
from ikkan.model.canonical import SPEND

SOURCE = "meta_ads"
FIELDS = (
    spec("day", Kind.DATE, "Day", "日"),
    spec("starts", Kind.DATE, "Reporting starts", "レポート開始日"),
    spec("ends", Kind.DATE, "Reporting ends", "レポート終了日"),
    spec("campaign", Kind.TEXT, "Campaign name", "キャンペーン名"),
    spec("ad_group", Kind.TEXT, "Ad set name", "広告セット名"),
    spec("ad_name", Kind.TEXT, "Ad name", "広告名", "広告の名前"),
    spec("cost", Kind.AMOUNT, "Amount spent", "消化金額"),
    spec("impressions", Kind.INT, "Impressions", "インプレッション"),
    spec("clicks", Kind.INT, "Link clicks", "リンクのクリック"),
    spec("conversions", Kind.FLOAT, "Results", "結果"),
)
_COST = re.compile(r"^(?:amount spent|消化金額)\s*\(([a-z]{3})\)$")


def currency_columns(header: list[str]) -> list[FieldSpec]:
    """``Amount spent (JPY)`` → the cost field, its currency in the field name."""
    found = []
    for label in header:
        match = _COST.match(normalise_header(label))
        if match:
            found.append(FieldSpec(f"cost:{match.group(1).upper()}", Kind.AMOUNT, (label,)))
    return found[:1]


class MetaAdsReader:
    name = "meta_ads"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        first = next((line for line in head.splitlines() if line.strip()), "")
        return bool(
            re.search(r"Amount spent|消化金額", first)
            and re.search(r"Campaign name|Ad set name|Ad name|キャンペーン名|広告セット名", first)
        )

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        return self.read_rows(path, context, vectorised=True)

    def read_rows(self, path: Path, context: ReaderContext, vectorised: bool = False) -> ReadResult:
        """``vectorised``: try the engine's vectorised read first (same result)."""
        channel = str(context.options.get("channel", "paid_social"))

        def handle(state: ReadState, conv: Converted) -> None:
            cost_field = next((n for n in state.plan.index if n.startswith("cost:")), None)
            if cost_field:
                conv.values["cost"] = conv.values[cost_field]
            header_currency = cost_field.split(":")[1] if cost_field else None
            summary = [
                i
                for i in range(conv.size)
                if all(conv.get(n)[i] is None for n in ("campaign", "ad_group", "ad_name"))
            ]
            for i in summary:
                state.log.skip(conv.numbers[i], _SUMMARY)
            if summary:
                state.log.warn(
                    _summary_warning(len(summary), conv.numbers[summary[0]]), key="meta-summary"
                )
                _drop_rows(conv, set(summary))
            keep, days = resolve_days(conv, state, None, "spend")
            currency: list[Any] = [header_currency or conv.get("cost:currency")[i] for i in keep]
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
            cost_field = next((n for n in state.plan.index if n.startswith("cost:")), None)
            if cost_field:
                batch.values["cost"] = batch.values[cost_field]
            header_currency = cost_field.split(":")[1] if cost_field else None
            names = [pc.is_null(batch.get(n)) for n in ("campaign", "ad_group", "ad_name")]
            summary = pc.and_(pc.and_(names[0], names[1]), names[2])
            if pc.any(summary).as_py():
                numbers = pc.filter(batch.numbers, summary).to_pylist()
                for number in numbers:
                    state.log.skip(number, _SUMMARY)
                state.log.warn(_summary_warning(len(numbers), numbers[0]), key="meta-summary")
                batch = batch.filter(pc.invert(summary))
            kept, days = resolve_days_arrow(batch, state, None, "spend")
            currency = header_currency or kept.get("cost:currency")
            add_spend_arrow(
                state,
                kept,
                days,
                source=SOURCE,
                channels=channel,
                key_channel=None,
                currency=currency,
            )

        result, state = read_tabular(
            path,
            context,
            reader=self.name,
            source_system=SOURCE,
            specs=FIELDS,
            is_header=header_test(FIELDS, ("campaign",), minimum=2),
            tables=(TableBuilder(SPEND),),
            handle=handle,
            more_specs=currency_columns,
            vectorised=vectorised,
            handle_arrow=handle_arrow,
        )
        finish_spend(state.builders["spend"], state.log)
        return finish(result, state)


_SUMMARY = (
    "a summary row (no campaign, ad set or ad name): its figures are totals "
    "of the rows that are loaded"
)


def _summary_warning(count: int, first: int) -> str:
    return (
        f"{count} row(s) without campaign, ad set or ad name were taken as "
        f"summary rows and skipped (first at row {first})"
    )


def _drop_rows(conv: Converted, drop: set[int]) -> None:
    keep = [i for i in range(conv.size) if i not in drop]
    conv.values = {k: [v[i] for i in keep] for k, v in conv.values.items()}
    conv.numbers = [conv.numbers[i] for i in keep]
    conv.attributes = [conv.attributes[i] for i in keep]
    conv.size = len(keep)
