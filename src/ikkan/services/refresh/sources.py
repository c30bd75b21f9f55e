"""Which imported tables each measured node reads, so an incremental refresh recomputes a
node only from the earliest day touched in *those* tables (new spend rows leave the funnel
counts alone, new leads leave web traffic alone).

The tables are read off the node's compiled SQL (the statement a full refresh runs, from
the SQL cache): every ``FROM``/``JOIN`` name. A name that is neither a canonical table, the
kept funnel table (built from ``lead_stages`` and ``leads``), the business-day calendar nor
one of the statement's own CTEs makes the node read *every* source (None), so an unknown
reader is never left stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ikkan.compute.business_days import BUSINESS_DAYS
from ikkan.services.refresh.funnel import TABLE as FUNNEL_TABLE

SOURCES = ("lead_stages", "leads", "deals", "spend", "web_traffic", "activities")
"""The tables whose changes an incremental refresh tracks per day (``changes``)."""

_OF_TABLE: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in SOURCES},
    FUNNEL_TABLE: ("lead_stages", "leads"),
    "manual_values": (),  # manual metrics have their own touched day
    BUSINESS_DAYS.name: (),  # the calendar: rewritten each run, its days never change
}

_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?(?!\s*\()', re.IGNORECASE)
_CTE = re.compile(r'(?:\bWITH|,)\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s+AS\s*\(', re.IGNORECASE)


def tables_read(statements: Iterable[str]) -> frozenset[str]:
    """Every table name the statements read (``FROM``/``JOIN``), their own CTEs left out."""
    found: set[str] = set()
    for sql in statements:
        own = {name.lower() for name in _CTE.findall(sql)}
        found.update(name for name in _READ.findall(sql) if name.lower() not in own)
    return frozenset(found)


def sources_of(tables: frozenset[str]) -> frozenset[str] | None:
    """The ``SOURCES`` behind ``tables``; None when one is a table not known here."""
    found: set[str] = set()
    for name in tables:
        sources = _OF_TABLE.get(name)
        if sources is None:
            return None
        found.update(sources)
    return frozenset(found)


def touched_day(by_source: dict[str, date], sources: frozenset[str] | None) -> date | None:
    """The earliest day touched in the ``sources`` a node reads (None: every source)."""
    days = [d for s, d in by_source.items() if sources is None or s in sources]
    return min(days, default=None)
