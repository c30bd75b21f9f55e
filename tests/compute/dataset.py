"""A small canonical dataset whose metric values are computed by hand in the tests.

Funnel stages: lead → mql → sql → opportunity → customer. Fiscal year from April.
Comments give what each row is for; the tests state the hand-computed numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import ibis
import pyarrow as pa

from ikkan.compute.tables import IBIS_TYPES
from ikkan.model.canonical import BOOKKEEPING, TABLES, ColumnType, Table

STAGES = ("lead", "mql", "sql", "opportunity", "customer")

_ARROW = {
    ColumnType.STRING: pa.string(),
    ColumnType.INT64: pa.int64(),
    ColumnType.FLOAT64: pa.float64(),
    ColumnType.BOOL: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us"),
    ColumnType.JSON: pa.string(),
}


_IBIS = IBIS_TYPES  # nullable everywhere: no constraints, duplicates can be tested


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _lead(key: str, created: str, channel: str | None, segment: str) -> dict[str, Any]:
    system, source_id = key.split(":")
    return {
        "lead_key": key,
        "source_system": system,
        "source_id": source_id,
        "created_at": ts(created),
        "channel": channel,
        "segment": segment,
    }


LEADS = [
    _lead("hs:L1", "2026-03-05 10:00", "paid_search", "smb"),
    _lead("hs:L2", "2026-03-20 10:00", "display", "enterprise"),
    _lead("hs:L3", "2026-04-02 10:00", "paid_search", "enterprise"),
    _lead("hs:L4", "2026-04-10 10:00", "organic", "smb"),
    _lead("hs:L5", "2026-04-25 10:00", "paid_search", "smb"),
    _lead("hs:L6", "2026-05-03 10:00", "display", "smb"),
    _lead("hs:L7", "2026-05-15 10:00", None, "smb"),  # no channel -> '(none)'
    _lead("hs:L8", "2026-04-28 10:00", "organic", "enterprise"),
]


def _stages(lead_id: str, /, **entered: str) -> list[dict[str, Any]]:
    return [
        {"lead_key": f"hs:{lead_id}", "stage": stage, "entered_at": ts(at)}
        for stage, at in entered.items()
    ]


LEAD_STAGES = [
    *_stages(
        "L1",
        lead="2026-03-05 10:00",
        mql="2026-03-10 09:00",
        sql="2026-03-25 09:00",
        opportunity="2026-04-05 09:00",
        customer="2026-05-20 09:00",
    ),
    # the same MQL entry again, later, from another source: the funnel keeps the first
    {"lead_key": "hs:L1", "stage": "mql", "entered_at": ts("2026-04-11 09:00")},
    *_stages("L2", lead="2026-03-20 10:00", mql="2026-03-28 12:00", sql="2026-05-10 12:00"),
    # L3 skips sql: inferred sql = its opportunity time
    *_stages("L3", lead="2026-04-02 10:00", mql="2026-04-03 09:00", opportunity="2026-04-20 09:00"),
    *_stages("L4", lead="2026-04-10 10:00", mql="2026-04-12 09:00", sql="2026-04-15 21:00"),
    # L5 skips mql: inferred mql = its sql time
    *_stages("L5", lead="2026-04-25 10:00", sql="2026-04-28 09:00"),
    *_stages("L6", lead="2026-05-03 10:00", mql="2026-05-05 09:00"),
    *_stages("L7", lead="2026-05-15 10:00", mql="2026-05-20 09:00", sql="2026-05-22 09:00"),
    *_stages("L8", lead="2026-04-28 10:00", mql="2026-04-29 09:00", sql="2026-05-02 09:00"),
    {"lead_key": "hs:L8", "stage": "not_in_funnel", "entered_at": ts("2026-04-29 10:00")},
]


def _deal(
    key: str,
    deal_type: str,
    amount: float | None,
    *,
    closed: str | None,
    state: str,
    created: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    return {
        "deal_key": f"sf:{key}",
        "source_system": "sf",
        "source_id": key,
        "deal_type": deal_type,
        "amount": amount,
        "created_at": ts(created) if created else None,
        "closed_at": ts(closed) if closed else None,
        "is_closed": state in ("won", "lost"),
        "is_won": state == "won",
        "channel": channel,
    }


DEALS = [
    _deal("D1", "new", 1_000_000, created="2026-04-05 12:00", closed="2026-05-20 12:00",
          state="won", channel="paid_search"),
    _deal("D2", "new", 500_000, created="2026-04-20 12:00", closed="2026-06-10 12:00",
          state="won", channel="display"),
    _deal("D3", "upsell", 300_000, created="2026-05-01 12:00", closed="2026-05-25 12:00",
          state="won", channel="paid_search"),
    _deal("D4", "new", 800_000, created="2026-05-01 13:00", closed="2026-05-28 12:00",
          state="lost", channel="organic"),
    _deal("D5", "renewal", 1_200_000, closed="2026-04-30 12:00", state="won",
          channel="paid_search"),
    _deal("D6", "renewal", 600_000, closed="2026-04-15 12:00", state="lost"),
    _deal("D7", "renewal", 400_000, closed="2026-06-30 12:00", state="open"),
    _deal("D8", "renewal", 200_000, closed="2026-06-15 12:00", state="won"),
    _deal("D9", "new", None, closed="2026-06-20 12:00", state="won", channel="display"),
]  # fmt: skip


def _spend(key: str, day: str, channel: str, cost: float, clicks: int) -> dict[str, Any]:
    return {
        "spend_key": key,
        "source_system": "gads",
        "day": date.fromisoformat(day),
        "channel": channel,
        "campaign": f"{channel}-camp",
        "cost": cost,
        "clicks": clicks,
        "impressions": clicks * 10,
    }


SPEND = [
    _spend("S1", "2026-04-01", "paid_search", 100_000, 500),
    _spend("S2", "2026-04-15", "display", 50_000, 100),
    _spend("S3", "2026-05-10", "paid_search", 200_000, 800),
    _spend("S4", "2026-05-20", "display", 30_000, 60),
    _spend("S5", "2026-06-01", "paid_search", 70_000, 300),
]


def _web(key: str, day: str, channel: str, s: int, u: int, pv: int, cv: float) -> dict[str, Any]:
    return {
        "traffic_key": key,
        "source_system": "ga4",
        "day": date.fromisoformat(day),
        "channel": channel,
        "sessions": s,
        "users": u,
        "page_views": pv,
        "conversions": cv,
    }


WEB_TRAFFIC = [
    _web("W1", "2026-04-01", "organic", 1000, 800, 3000, 10),
    _web("W2", "2026-04-02", "paid_search", 500, 450, 1200, 5),
    _web("W3", "2026-05-01", "organic", 2000, 1500, 5000, 30),
]


def _act(
    key: str, lead: str | None, kind: str, at: str, email: str | None = None
) -> dict[str, Any]:
    return {
        "activity_key": key,
        "source_system": "zoom" if kind.startswith("webinar") else "hs",
        "lead_key": f"hs:{lead}" if lead else None,
        "email": email,
        "occurred_at": ts(at),
        "activity_type": kind,
        "detail": "april-webinar" if kind.startswith("webinar") else None,
    }


ACTIVITIES = [
    _act("A1", "L1", "webinar_registration", "2026-04-01 10:00"),
    _act("A2", "L2", "webinar_registration", "2026-04-02 10:00"),
    _act("A3", "L3", "webinar_registration", "2026-04-03 10:00"),
    _act("A6", None, "webinar_registration", "2026-04-05 10:00", email="x@example.jp"),
    _act("A4", "L1", "webinar_attendance", "2026-04-10 15:00"),
    _act("A5", "L3", "webinar_attendance", "2026-04-10 15:00"),
    _act("A7", "L1", "email_delivered", "2026-05-01 08:00"),
    _act("A8", "L2", "email_delivered", "2026-05-01 08:00"),
    _act("A9", "L3", "email_delivered", "2026-05-01 08:00"),
    _act("A10", "L4", "email_delivered", "2026-05-01 08:00"),
    _act("A11", "L1", "email_open", "2026-05-02 09:00"),
    _act("A12", "L1", "email_open", "2026-05-03 09:00"),
    _act("A13", "L3", "email_open", "2026-05-02 09:00"),
    _act("A14", "L4", "call", "2026-05-10 10:00"),
    _act("A15", "L4", "call", "2026-05-11 10:00"),
    _act("A16", "L4", "connect", "2026-05-11 10:00"),
    _act("A17", "L5", "call", "2026-05-12 10:00"),
    _act("A18", "L4", "meeting", "2026-05-20 10:00"),
]


def _manual(period: str, value: float, dimension: str = "", dim_value: str = "") -> dict[str, Any]:
    return {
        "node_id": "nps",
        "period": period,
        "dimension": dimension,
        "dimension_value": dim_value,
        "value": value,
    }


MANUAL_VALUES = [
    _manual("2026-04-01", 1),
    _manual("2026-W14", 7),
    _manual("2026-04", 42),
    _manual("2026-05", 45),
    _manual("FY2026-Q1", 40),
    _manual("FY2026-H1", 43),
    _manual("FY2026", 41),
    _manual("2026-04", 50, "channel", "paid_search"),
    {**_manual("2026-04", 99), "node_id": "other_node"},
]

DATASET: dict[str, list[dict[str, Any]]] = {
    "leads": LEADS,
    "lead_stages": LEAD_STAGES,
    "deals": DEALS,
    "spend": SPEND,
    "web_traffic": WEB_TRAFFIC,
    "activities": ACTIVITIES,
    "manual_values": MANUAL_VALUES,
}


def arrow_table(table: Table, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows in the canonical shape; bookkeeping filled, every other column defaulting to NULL."""
    schema = pa.schema([pa.field(c.name, _ARROW[c.type]) for c in table.columns])
    full = []
    for row in rows:
        record = {c: None for c in table.column_names}
        bookkeeping = {"content_hash": "h", "import_id": 1, "loaded_at": ts("2026-06-30")}
        record.update({k: v for k, v in bookkeeping.items() if k in BOOKKEEPING})
        record.update(row)
        full.append(record)
    return pa.Table.from_pylist(full, schema=schema)


def load(con: ibis.BaseBackend, data: Mapping[str, list[dict[str, Any]]]) -> None:
    """Create every canonical table on ``con`` (no primary keys, so duplicates can be
    tested) and insert ``data``."""
    for table in TABLES:
        rows = data.get(table.name, [])
        schema = ibis.schema({c.name: _IBIS[c.type] for c in table.columns})
        con.create_table(table.name, schema=schema)
        if rows:
            con.insert(table.name, ibis.memtable(arrow_table(table, rows)))
