"""Which imported tables each measured node reads, so an incremental refresh recomputes a
node only from the earliest day touched in *those* tables (new spend rows leave the funnel
counts alone, new leads leave web traffic alone).

The tables are read off the node's compiled SQL (the statement a full refresh runs, from
the SQL cache), parsed by sqlglot (the names are cached with the SQL). A name that is
neither a canonical table, the kept funnel table (built from ``lead_stages`` and
``leads``), the business-day calendar nor one of the statement's own CTEs makes the node
read *every* source (None), so an unknown reader is never left stale.
"""

from __future__ import annotations

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


def tables_read(statements: Iterable[str], dialect: str) -> frozenset[str]:
    """Every table the statements read, their own CTEs left out (parsed by sqlglot; a
    statement it cannot parse reads an unknown table, so every source)."""
    found: set[str] = set()
    for sql in statements:
        found.update(_tables(sql, dialect))
    return frozenset(found)


def _tables(sql: str, dialect: str) -> set[str]:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except sqlglot.errors.SqlglotError:
        return {"(unparsed)"}
    own = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table) if t.name not in own}


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
    """The earliest day touched in the ``sources`` a node reads (None: every source); a
    source "a+b" (facts of ``a`` linked to changed rows of ``b``) touches a node reading
    both."""
    days = [d for s, d in by_source.items() if reads(sources, s)]
    return min(days, default=None)


def reads(sources: frozenset[str] | None, source: str) -> bool:
    """Whether a node reading ``sources`` (None: every one) reads ``source`` ("a+b": both)."""
    return sources is None or all(part in sources for part in source.split("+"))
