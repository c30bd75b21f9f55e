"""What the ad-platform readers share: spend rows, range rows, stable keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ikkan.ingest.engine.builder import TableBuilder, stable_key
from ikkan.ingest.engine.fields import Converted
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.runner import ReadState, pick
from ikkan.ingest.engine.tabular import NumberedRow
from ikkan.ingest.parsing.dates import parse_date_range

SPEND_MEASURES = ("cost", "impressions", "clicks", "conversions")
RANGE_HINT = "re-export with a daily breakdown (a Day / 日 column)"


def preamble_range(preamble: Sequence[NumberedRow]) -> tuple[date, date] | None:
    """The report's date range from title rows (``September 1, 2026 - September 3, 2026``,
    ``2026年1月1日～2026年1月31日``, ``期間: 2026/01/01～2026/01/31``)."""
    for _, cells in preamble:
        for cell in cells:
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.split(":", 1)[-1] if ":" in cell or "：" in cell else cell
            text = text.split("：", 1)[-1]
            found = parse_date_range(text.strip())
            if found:
                return found
    return None


def resolve_days(
    conv: Converted,
    state: ReadState,
    report_range: tuple[date, date] | None,
    what: str,
) -> tuple[list[int], list[date]]:
    """Rows that name one day, with that day. Rows that span several days (no day column;
    a range longer than one day) are rejected: splitting a range into invented daily values
    would make pacing and day-level KPIs wrong without anyone noticing."""
    days = conv.get("day")
    starts, ends = conv.get("starts"), conv.get("ends")
    keep: list[int] = []
    out: list[date] = []
    for i in range(conv.size):
        day = days[i]
        if day is None and starts[i] is not None and starts[i] == ends[i]:
            day = starts[i]
        if (
            day is None
            and starts[i] is None
            and report_range
            and report_range[0] == report_range[1]
        ):
            day = report_range[0]
        if day is not None:
            keep.append(i)
            out.append(day)
            continue
        reject_range(state, conv.numbers[i], starts[i], ends[i], report_range, what)
    return keep, out


def reject_range(
    state: ReadState,
    number: int,
    start: date | None,
    end: date | None,
    report_range: tuple[date, date] | None,
    what: str,
) -> None:
    """The RejectedRow of a row that spans several days (``resolve_days``)."""
    span = (start, end) if start is not None else report_range
    where = f"{span[0]:%Y-%m-%d}..{span[1]:%Y-%m-%d}" if span and span[1] else "the report range"
    state.log.reject(
        number,
        state.plan.label("starts") if state.plan.has("starts") else None,
        None,
        f"the row covers {where}, not one day; {what} is stored per day, so the row is "
        f"not loaded rather than spread over invented daily values; {RANGE_HINT}",
    )


def add_spend(
    state: ReadState,
    conv: Converted,
    keep: list[int],
    days: list[date],
    *,
    source: str,
    channels: list[str | None],
    key_channel: list[Any],
    currency: list[str | None],
) -> None:
    campaigns = pick(conv.get("campaign"), keep)
    groups = pick(conv.get("ad_group"), keep)
    columns: dict[str, list[Any]] = {
        "spend_key": [
            stable_key(source, d, k, c, g)
            for d, k, c, g in zip(days, key_channel, campaigns, groups, strict=True)
        ],
        "source_system": [source] * len(keep),
        "day": days,
        "channel": channels,
        "campaign": campaigns,
        "ad_group": groups,
        "cost": pick(conv.get("cost"), keep),
        "currency": currency,
        "impressions": pick(conv.get("impressions"), keep),
        "clicks": pick(conv.get("clicks"), keep),
        "conversions": pick(conv.get("conversions"), keep),
        "attributes": pick(conv.attributes, keep),
    }
    state.builders["spend"].add(columns, pick(conv.numbers, keep))


def finish_spend(builder: TableBuilder, log: ReadLog) -> None:
    builder.sum_duplicates(log, SPEND_MEASURES)
