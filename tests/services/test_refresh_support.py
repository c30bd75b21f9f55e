"""Support for the refresh tests (no tests here): a small project and canonical rows written
through the real upsert.

Rows are given as dicts; bookkeeping (content hash, import id, load time) is filled in, so a
changed row gets the new import's id exactly as the loader does it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa

from ikkan.model.canonical import TABLES_BY_NAME
from ikkan.warehouse.arrow_schema import arrow_schema
from ikkan.warehouse.base import SqlWarehouse

PROJECT = """\
ikkan: 1
company: {name: Test K.K., fiscal_year_start: 4}
funnel:
  stages: [{id: lead}, {id: mql}, {id: opportunity}, {id: won}]
measure:
  grains: [day, week, month, quarter, fiscal_year]
  dimensions: [channel]
nodes:
  revenue: {kind: KGI, unit: JPY, formula: won_deals * deal_size, target: 1_000_000}
  won_deals: {kind: KSF, unit: count, metric: {type: deal_count}}
  deal_size: {kind: KPI, unit: JPY, metric: {type: deal_amount, average: true}}
  pipeline: {kind: KPI, unit: count, formula: leads * lead_to_opp}
  leads: {kind: KPI, unit: count, metric: {type: stage_count, stage: lead}}
  mql_rate:
    kind: KPI
    unit: ratio
    metric: {type: conversion, from: lead, to: mql, basis: period}
  lead_to_opp:
    kind: KPI
    unit: ratio
    metric: {type: conversion, from: lead, to: opportunity, basis: cohort, window_days: 30}
  days_to_opp: {kind: KPI, unit: days, metric: {type: velocity, from: lead, to: opportunity}}
  cpl: {kind: KPI, unit: JPY, metric: {type: cost_per, per: lead}}
  open_deals: {kind: KPI, unit: count, metric: {type: open_pipeline}}
  nps: {kind: KPI, unit: score, metric: {type: manual}}
"""

START = datetime(2026, 4, 1, 9, 30)
AS_OF = date(2026, 9, 30)
CHANNELS = ("web", "event", None)
LOADED = datetime(2026, 11, 1)


def _hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


def load(warehouse: SqlWarehouse, import_id: int, **tables: list[dict[str, Any]]) -> None:
    """One import: its import_log row, then each table's rows upserted by key."""
    with warehouse.transaction() as session:
        session.execute(
            "INSERT INTO import_log (import_id, source_system, reader, started_at, status) "
            "VALUES (?, 'test', 'test', ?, 'ok')",
            [import_id, LOADED],
        )
        for name, records in tables.items():
            definition = TABLES_BY_NAME[name]
            rows = [
                {**r, "content_hash": _hash(r), "import_id": import_id, "loaded_at": LOADED}
                for r in records
            ]
            session.upsert(definition, pa.Table.from_pylist(rows, schema=arrow_schema(definition)))


def lead(i: int, created: datetime, channel: str | None) -> dict[str, Any]:
    return {
        "lead_key": f"t:{i}",
        "source_system": "test",
        "source_id": str(i),
        "created_at": created,
        "channel": channel,
    }


def stage(i: int, name: str, at: datetime) -> dict[str, Any]:
    return {"lead_key": f"t:{i}", "stage": name, "entered_at": at}


def deal(
    i: int, created: datetime, closed: datetime | None, won: bool, channel: str | None
) -> dict[str, Any]:
    return {
        "deal_key": f"t:d{i}",
        "source_system": "test",
        "source_id": f"d{i}",
        "lead_key": f"t:{i}",
        "deal_type": "new",
        "amount": 100_000.0 * (1 + i % 5),
        "created_at": created,
        "closed_at": closed,
        "is_closed": closed is not None,
        "is_won": won,
        "channel": channel,
    }


def spend(day: date, channel: str) -> dict[str, Any]:
    return {
        "spend_key": f"{day}:{channel}",
        "source_system": "test",
        "day": day,
        "channel": channel,
        "cost": 1000.0 + day.day,
    }


def manual(period: str, value: float) -> dict[str, Any]:
    return {
        "node_id": "nps",
        "period": period,
        "dimension": "",
        "dimension_value": "",
        "value": value,
    }


def funnel_rows(
    first: int, last: int, start: datetime, step_days: int
) -> dict[str, list[dict[str, Any]]]:
    """Leads first..last-1, one every ``step_days``, with stages and deals."""
    leads, stages, deals = [], [], []
    for i in range(first, last):
        created = start + timedelta(days=step_days * (i - first), hours=i % 7)
        channel = CHANNELS[i % 3]
        leads.append(lead(i, created, channel))
        stages.append(stage(i, "lead", created))
        if i % 2 == 0:
            stages.append(stage(i, "mql", created + timedelta(days=5)))
        if i % 3 == 0:
            opportunity = created + timedelta(days=12)
            stages.append(stage(i, "opportunity", opportunity))
            won = i % 6 == 0
            closed = created + timedelta(days=25) if won or i % 9 == 0 else None
            if won and closed is not None:
                stages.append(stage(i, "won", closed))
            deals.append(deal(i, opportunity, closed, won, channel))
    return {"leads": leads, "lead_stages": stages, "deals": deals}


def base(warehouse: SqlWarehouse) -> None:
    """Import 1: 60 leads from 2026-04-01 every 3 days, spend and NPS for FY2026 H1."""
    days = [date(2026, 4, 1) + timedelta(days=d) for d in range(183)]
    load(
        warehouse,
        1,
        **funnel_rows(0, 60, START, 3),
        spend=[spend(d, c) for d in days for c in ("web", "event")],
        manual_values=[manual(f"2026-{m:02d}", 30.0 + m) for m in range(4, 10)],
    )
