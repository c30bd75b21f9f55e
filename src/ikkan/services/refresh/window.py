"""Inputs narrowed to the periods an incremental refresh recomputes.

A period whose end is on or after day ``d`` starts on or after the start of the period
containing ``d`` (``floor``, per grain): only facts dated from ``floor`` on can count in it.
So, per grain, the fact tables are read through temporary views keeping those rows (a
deal when it was created or closed from then on; a lead of the kept funnel table when any
of its entry times is). ``leads`` and ``manual_values`` are read whole: leads carry the
dimensions of older facts, manual values are few.
"""

# ruff: noqa: S608 - SQL text holds identifiers and dates formatted here, never input text

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ikkan.compute.funnel import PREBUILT_FUNNEL
from ikkan.model.canonical import TABLES_BY_NAME
from ikkan.model.periods import period_containing
from ikkan.services.refresh.funnel import TABLE as FUNNEL_TABLE
from ikkan.warehouse.base import Session

if TYPE_CHECKING:
    import ibis.expr.types as ir

# table -> the columns dating its rows (a row is kept when any of them is >= the floor)
DATED = {
    "deals": ("created_at", "closed_at"),
    "spend": ("day",),
    "web_traffic": ("day",),
    "activities": ("occurred_at",),
}


def floors(day: date, grains: list[str], fy_start: int) -> dict[str, date]:
    """Per grain, the first day of the period containing ``day``."""
    return {g: period_containing(day, g, fy_start).start for g in grains}


def view_name(table: str, grain: str) -> str:
    return f"ikkan_refresh_{table}_{grain}"


def _literal(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def create_views(
    session: Session,
    by_grain: dict[str, date],
    funnel: list[str] | None,
    materialized: frozenset[str] = frozenset(),
) -> None:
    """The per-grain views of the fact tables (and of the funnel table, whose time columns
    are ``funnel``, when built). The funnel's narrowed rows of the ``materialized`` grains
    are copied into a temporary table instead: read by every funnel metric's query, they
    are then picked out of the whole kept table once, not once per metric."""
    for grain, floor in by_grain.items():
        for table, columns in DATED.items():
            keep = " OR ".join(f"{c} >= {_literal(floor)}" for c in columns)
            session.execute(
                f"CREATE TEMPORARY VIEW {view_name(table, grain)} AS "
                f"SELECT * FROM {table} WHERE {keep}"
            )
        if funnel:
            keep = " OR ".join(f"{c} >= {_literal(floor)}" for c in funnel) or "FALSE"
            kind = "TABLE" if grain in materialized else "VIEW"
            session.execute(f"DROP {kind} IF EXISTS {view_name('funnel', grain)}")
            session.execute(
                f"CREATE TEMPORARY {kind} {view_name('funnel', grain)} AS "
                f"SELECT * FROM {FUNNEL_TABLE} WHERE {keep}"
            )


def narrowed(tables: dict[str, ir.Table], grain: str) -> dict[str, ir.Table]:
    """``tables`` with the fact tables (and the funnel) replaced by the grain's views."""
    import ibis

    from ikkan.compute import ibis_schema

    out = dict(tables)
    for table in DATED:
        out[table] = ibis.table(ibis_schema(TABLES_BY_NAME[table]), name=view_name(table, grain))
    if PREBUILT_FUNNEL in tables:
        schema = tables[PREBUILT_FUNNEL].schema()
        out[PREBUILT_FUNNEL] = ibis.table(schema, name=view_name("funnel", grain))
    return out
