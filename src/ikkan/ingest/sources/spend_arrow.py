"""The ad-platform readers' spend step on Arrow batches (the vectorised path): the same
rows, keys and rejections as ``spend_common.resolve_days`` + ``add_spend`` give row by
row. Python runs only for the rows rejected (ranges), one message each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine.arrow_rows import ArrowBatch, stable_keys
from ikkan.ingest.engine.runner import ReadState
from ikkan.ingest.sources.spend_common import reject_range


def resolve_days_arrow(
    batch: ArrowBatch, state: ReadState, report_range: tuple[date, date] | None, what: str
) -> tuple[ArrowBatch, pa.Array]:
    """``resolve_days``: the rows that name one day, with that day (rows spanning several
    days are rejected, in row order)."""
    days = batch.get("day", pa.date32())
    starts, ends = batch.get("starts", pa.date32()), batch.get("ends", pa.date32())
    one_day = pc.fill_null(pc.and_(pc.is_null(days), pc.equal(starts, ends)), False)
    day = pc.if_else(one_day, starts, days)
    if report_range and report_range[0] == report_range[1]:
        whole = pc.and_(pc.is_null(day), pc.is_null(starts))
        day = pc.if_else(whole, pa.scalar(report_range[0], pa.date32()), day)
    found = pc.is_valid(day)
    if pc.all(found).as_py() is not False:
        return batch, day
    missing = pc.indices_nonzero(pc.invert(found))
    numbers = pc.take(batch.numbers, missing).to_pylist()
    first = pc.take(starts, missing).to_pylist()
    last = pc.take(ends, missing).to_pylist()
    for number, start, end in zip(numbers, first, last, strict=True):
        reject_range(state, number, start, end, report_range, what)
    return batch.filter(found), pc.filter(day, found)


def add_spend_arrow(
    state: ReadState,
    batch: ArrowBatch,
    days: pa.Array,
    *,
    source: str,
    channels: Any,
    key_channel: Any,
    currency: Any,
) -> None:
    """``add_spend``: ``channels``, ``key_channel`` and ``currency`` are arrays or one value
    for every row."""
    campaigns, groups = batch.get("campaign"), batch.get("ad_group")
    columns: dict[str, Any] = {
        "spend_key": stable_keys([source, days, key_channel, campaigns, groups], batch.size),
        "source_system": source,
        "day": days,
        "channel": channels,
        "campaign": campaigns,
        "ad_group": groups,
        "currency": currency,
        "attributes": batch.attributes,
    }
    for name, kind in (
        ("cost", pa.float64()),
        ("impressions", pa.int64()),
        ("clicks", pa.int64()),
        ("conversions", pa.float64()),
    ):
        columns[name] = batch.get(name, kind)
    state.builders["spend"].add_arrow(columns, batch.numbers)
