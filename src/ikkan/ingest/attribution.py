"""Deals carry their lead's channel and campaign (first-touch attribution), after each ingest.

A deal is linked to a lead by ``deals.lead_key``: HubSpot's *Associated Contact IDs* (the
first id listed), a generic mapping's ``lead_id:``. The rule:

1. **The export's own value wins.** A deal that arrived with a channel (Salesforce's
   *Lead Source* on the opportunity, HubSpot's *Original Source Type* on a deal, a mapped
   ``channel`` column) keeps it, and its campaign, untouched.
2. Otherwise the deal takes the **first touch** of the person behind its lead: of all lead
   records with the same e-mail (lower-cased; the record itself when it has none), the
   earliest created one that has a channel gives the channel and that record's campaign.
   A person who filled a form twice is attributed to the first form, not the second.
3. A deal whose lead is unknown, or whose person has no channel on any record, keeps an
   empty channel ("(none)" in ``--by channel``).

Filled values are marked in the deal's ``attributes`` (``ikkan_channel_from``: rule and the
lead record that gave them), so a later ingest can tell them from exported values and
recompute them when the leads change. Changed deals get the latest import id, so the next
refresh recomputes the periods they count in.
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from ikkan.model.canonical import DEALS, Column, ColumnType, Table
from ikkan.warehouse.base import Session, SqlWarehouse
from ikkan.warehouse.hashing import stored_hash_expression

MARKER = "ikkan_channel_from"
RULE = "first_touch"

_STAGE = Table(
    "ikkan_stage_attribution",
    (
        Column("deal_key", ColumnType.STRING, False),
        Column("channel", ColumnType.STRING),
        Column("campaign", ColumnType.STRING),
        Column("attributes", ColumnType.JSON),
        Column("import_id", ColumnType.INT64, False),
        Column("loaded_at", ColumnType.TIMESTAMP, False),
    ),
    ("deal_key",),
)

# Deals that may take a lead's channel: none exported, or one filled by an earlier run.
_CANDIDATES = (
    "SELECT deal_key, lead_key, channel, campaign, CAST(attributes AS VARCHAR) AS attributes "
    "FROM deals WHERE lead_key IS NOT NULL "
    "AND (channel IS NULL OR CAST(attributes AS VARCHAR) LIKE ?)"
)
# Each lead record's person (lower-cased e-mail, else the record) and the person's first
# touch: the earliest created record with a channel (ties: the smaller key).
_FIRST_TOUCH = (
    "WITH people AS ("
    " SELECT lead_key, coalesce(lower(email), lead_key) AS person, created_at, channel, campaign"
    " FROM leads),"
    " touches AS ("
    " SELECT person, lead_key AS touch_key, channel, campaign, row_number() OVER ("
    "  PARTITION BY person ORDER BY created_at NULLS LAST, lead_key) AS n"
    " FROM people WHERE channel IS NOT NULL)"
    " SELECT p.lead_key, t.touch_key, t.channel, t.campaign"
    " FROM people p JOIN touches t ON t.person = p.person AND t.n = 1"
    " WHERE p.lead_key IN (SELECT lead_key FROM deals WHERE lead_key IS NOT NULL)"
)


@dataclass(frozen=True)
class Touch:
    """The lead record that gives a person's channel and campaign."""

    lead_key: str
    channel: str
    campaign: str | None


@dataclass(frozen=True)
class CandidateDeal:
    deal_key: str
    lead_key: str
    channel: str | None
    campaign: str | None
    attributes: dict[str, Any]


@dataclass(frozen=True)
class DealAttribution:
    deal_key: str
    channel: str | None
    campaign: str | None
    attributes: dict[str, Any]


@dataclass(frozen=True)
class AttributionReport:
    filled: int = 0  # deals that got (or changed) a channel from their lead
    cleared: int = 0  # deals whose earlier filled channel no longer has a lead behind it


def attribute(deals: Iterable[CandidateDeal], touches: dict[str, Touch]) -> list[DealAttribution]:
    """The deals whose channel / campaign must change, with their new values (pure)."""
    changes: list[DealAttribution] = []
    for deal in deals:
        filled_before = MARKER in deal.attributes
        if deal.channel is not None and not filled_before:
            continue  # the export's own value wins
        touch = touches.get(deal.lead_key)
        attributes = {k: v for k, v in deal.attributes.items() if k != MARKER}
        if touch is None:
            if filled_before:
                changes.append(DealAttribution(deal.deal_key, None, None, attributes))
            continue
        attributes[MARKER] = f"{RULE} {touch.lead_key}"
        if (deal.channel, deal.campaign, deal.attributes) != (
            touch.channel,
            touch.campaign,
            attributes,
        ):
            changes.append(
                DealAttribution(deal.deal_key, touch.channel, touch.campaign, attributes)
            )
    return changes


def _candidates(session: Session) -> list[CandidateDeal]:
    rows = session.query(_CANDIDATES, [f'%"{MARKER}"%']).to_pylist()
    return [
        CandidateDeal(
            r["deal_key"],
            r["lead_key"],
            r["channel"],
            r["campaign"],
            json.loads(r["attributes"]) if r["attributes"] else {},
        )
        for r in rows
    ]


def _touches(session: Session) -> dict[str, Touch]:
    rows = session.query(_FIRST_TOUCH).to_pylist()
    return {r["lead_key"]: Touch(r["touch_key"], r["channel"], r["campaign"]) for r in rows}


def _write(session: Session, changes: list[DealAttribution], import_id: int) -> None:
    now = datetime.now().replace(microsecond=0)
    data = pa.table(
        {
            "deal_key": [c.deal_key for c in changes],
            "channel": [c.channel for c in changes],
            "campaign": [c.campaign for c in changes],
            "attributes": [
                json.dumps(c.attributes, ensure_ascii=False) if c.attributes else None
                for c in changes
            ],
            "import_id": [import_id] * len(changes),
            "loaded_at": pa.array([now] * len(changes), pa.timestamp("us")),
        }
    )
    session.stage(_STAGE.name, _STAGE, data)
    # A deal loaded without its hash (DuckDB) gets it now, from the exported values the
    # update replaces: a re-import of the same export then leaves the filled deal alone.
    fix_hash = ""
    if session.warehouse.LAZY_CONTENT_HASH:
        fix_hash = f", content_hash = {stored_hash_expression(DEALS.payload_columns, 'deals')}"
    session.execute(
        f'UPDATE deals SET channel = s.channel, campaign = s.campaign, "attributes" = '
        f"s.attributes, import_id = s.import_id, loaded_at = s.loaded_at{fix_hash} "
        f"FROM {_STAGE.name} s WHERE deals.deal_key = s.deal_key"
    )
    session.execute(f"DROP TABLE IF EXISTS {_STAGE.name}")


def attribute_deals(warehouse: SqlWarehouse) -> AttributionReport:
    """Fill deals' channel / campaign from their lead's first touch (see the module doc)."""
    with warehouse.transaction() as session:
        if not session.table_exists("deals"):
            return AttributionReport()
        candidates = _candidates(session)
        if not candidates:
            return AttributionReport()
        changes = attribute(candidates, _touches(session))
        if not changes:
            return AttributionReport()
        latest = session.scalar("SELECT max(import_id) FROM import_log")
        _write(session, changes, int(latest or 0))
    cleared = sum(c.channel is None for c in changes)
    return AttributionReport(filled=len(changes) - cleared, cleared=cleared)


_DEAL_METRICS = frozenset({"deal_amount", "deal_count", "retention", "romi"})
_ATTRIBUTED = frozenset({"channel", "campaign"})

NOTE = {
    "en": (
        "Deals count under the channel / campaign their export gives them (e.g. Salesforce's "
        "Lead Source); a deal without one takes its lead's first touch: the channel and "
        "campaign of the earliest created lead record of the same person (e-mail), found "
        "through the deal's associated contact. Deals with neither count under (none)."
    ),
    "ja": (
        "取引はエクスポートにあるチャネル・キャンペーン（Salesforceのリードソースなど）で集計します。"
        "ない取引は、関連付けられたコンタクトを通じてリードのファーストタッチ"
        "（同じ人＝同じメールアドレスのうち最も早く作成されたリードのチャネルとキャンペーン）"
        "を引き継ぎます。どちらもない取引は (none) に入ります。"
    ),
}


def attribution_note(metric: Any, by: str | None, lang: str) -> str | None:
    """The attribution rule, for ``explain``, when a node's deals are split or filtered by
    channel or campaign; else None."""
    reads_deals = metric.type in _DEAL_METRICS or (
        metric.type == "cost_per" and getattr(metric, "per", None) == "won"
    )
    filters = set(getattr(metric, "filters", {}) or {})
    if not reads_deals or not ({by} | filters) & _ATTRIBUTED:
        return None
    return NOTE["ja" if lang == "ja" else "en"]
