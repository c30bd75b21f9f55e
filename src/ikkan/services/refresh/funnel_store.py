"""The lead funnel table kept between refreshes, rebuilt only for the leads that changed.

A full refresh builds ``ikkan_refresh_funnel`` from every stage entry. An incremental one
deletes and rebuilds the rows of the *touched* leads only:

- leads with a stage entry or a ``leads`` row written by an import after the mark (a new
  lead, a new or changed stage entry, a changed channel: a changed row takes its import's
  newer id);
- when rows may have been deleted in the warehouse (the day digest could not be told from
  the new rows alone, ``changes.digest_by_new_rows``): the leads whose funnel time falls on
  a day whose stage-entry digest changed (a deleted entry that set a funnel time was on
  such a day; one that set none changes no time), and the funnel rows whose lead row is
  gone (their lead columns become empty).

Every other lead's stage entries and lead row are those the table was built from, so its
row is still what a rebuild would give. A missing table, or one of another shape, is
rebuilt whole.

On an engine with a ``KEY_HASH`` (DuckDB) the table also keeps a hash of each lead key:
the touched leads' rows are found by scanning that integer column, their keys compared on
those rows only, and deleted by row id (scanning every row's text key cost most of an
incremental refresh at 10M leads).
"""

# ruff: noqa: S608 - SQL text holds identifiers and dates formatted here, never input text

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ikkan.services.refresh.funnel import TABLE
from ikkan.warehouse.base import Session

TOUCHED = "ikkan_refresh_touched_leads"
TOUCHED_STAGES = "ikkan_refresh_touched_stages"
TOUCHED_LEADS = "ikkan_refresh_touched_lead_rows"
SOURCES = ("lead_stages", "leads")  # what a whole rebuild reads
TOUCHED_SOURCES = (TOUCHED_STAGES, TOUCHED_LEADS)  # what a partial one reads

SelectSql = Callable[[tuple[str, str]], str]  # (stage source, leads source) -> SELECT


@dataclass(frozen=True)
class Touched:
    """What changed since the funnel table was built."""

    mark: int  # rows of imports after this one are new or changed
    stage_days: tuple[date, ...] = ()  # stage-entry days that may have lost rows
    leads_lost: bool = False  # lead rows may have been deleted


def rebuild(session: Session, select: SelectSql, times: Sequence[str]) -> None:
    """The whole table from every stage entry, in the order of each row's latest entry
    time (``times``: the entry-time columns): an incremental refresh reads the rows with
    an entry from some day on, which an engine with zone maps (DuckDB) then finds in the
    last row groups instead of scanning every row; rows rebuilt later are appended, recent
    ones mostly, which keeps that order nearly intact."""
    session.execute(f"DROP TABLE IF EXISTS {TABLE}")
    latest = _latest_time(times)
    order = f" ORDER BY {latest}" if latest else ""
    hashed = _hash_select(session, "f.lead_key")
    session.execute(
        f"CREATE TABLE {TABLE} AS SELECT f.*{hashed} FROM ({select(SOURCES)}) AS f{order}"
    )


def usable(session: Session, columns: Sequence[str]) -> bool:
    """Whether the kept table exists with exactly ``columns`` (and the lead key's hash
    where the engine keeps one: made by the same engine version, which the refresh mark's
    fingerprint holds)."""
    if not session.table_exists(TABLE):
        return False
    found = session.query(f"SELECT * FROM {TABLE} WHERE 1 = 0").column_names
    return list(found) == [*columns, *([HASH_COLUMN] if _hashes(session) else [])]


@dataclass(frozen=True)
class Updated:
    """What ``update`` did: the leads whose rows were rebuilt, and the earliest day among
    the entry times of those rows, before and after (the stage entries whose dimension
    values or days may have moved: the touched day of the funnel's readers)."""

    leads: int
    first_day: date | None


def update(
    session: Session,
    select: SelectSql,
    columns: Sequence[str],
    times: Sequence[str],
    touched: Touched,
) -> Updated:
    """Rebuild the rows of the touched leads (``columns``: the table's, ``times``: its
    entry-time columns).

    Only rows imported after the mark are read, plus the older rows of the touched leads
    that had some: stage entries of leads already in the table (an older relevant entry
    was there when it was built), ``leads`` rows of touched leads without a newer one. New
    leads alone (the usual import) thus read no older row at all.
    """
    mark = touched.mark
    _temporary_table(
        session,
        TOUCHED,
        f"SELECT lead_key FROM ({' UNION '.join(_touched_parts(times, touched))}) AS t",
        [mark, mark],
    )
    count = int(session.scalar(f"SELECT count(*) FROM {TOUCHED}") or 0)
    if count == 0:
        return Updated(0, None)
    first = _first_time(times)
    _find_kept(session, first)
    _temporary_table(
        session,
        _OLD_LEAD_ROW,
        f"SELECT lead_key FROM {TOUCHED} EXCEPT SELECT lead_key FROM leads WHERE import_id > ?",
        [mark],
    )
    kept = int(session.scalar(f"SELECT count(*) FROM {_KEPT}") or 0)
    old_lead_rows = int(session.scalar(f"SELECT count(*) FROM {_OLD_LEAD_ROW}") or 0)
    if kept:
        row_id = session.warehouse.ROW_ID
        if _hashes(session) and row_id:
            session.execute(f"DELETE FROM {TABLE} WHERE {row_id} IN (SELECT row_at FROM {_KEPT})")
        else:
            session.execute(f"DELETE FROM {TABLE} WHERE lead_key IN (SELECT lead_key FROM {_KEPT})")
    for view, table, older in (
        (TOUCHED_STAGES, "lead_stages", _KEPT if kept else None),
        (TOUCHED_LEADS, "leads", _OLD_LEAD_ROW if old_lead_rows else None),
    ):
        rows = (
            f"SELECT * FROM {table} WHERE import_id > {int(mark)} "
            f"AND lead_key IN (SELECT lead_key FROM {TOUCHED})"
        )
        if older is not None:
            rows += (
                f" UNION ALL SELECT * FROM {table} WHERE import_id <= {int(mark)} "
                f"AND lead_key IN (SELECT lead_key FROM {older})"
            )
        session.execute(f"DROP VIEW IF EXISTS {view}")
        session.execute(f"CREATE TEMPORARY VIEW {view} AS {rows}")
    names = ", ".join(columns)
    _temporary_table(session, _NEW, f"SELECT {names} FROM ({select(TOUCHED_SOURCES)}) AS f")
    hashed = _hash_select(session, "lead_key")
    into = f"{names}, {HASH_COLUMN}" if hashed else names
    session.execute(f"INSERT INTO {TABLE} ({into}) SELECT {names}{hashed} FROM {_NEW}")
    found = session.scalar(
        f"SELECT min(d) FROM (SELECT min(first_at) AS d FROM {_KEPT} "
        f"UNION ALL SELECT min({first}) FROM {_NEW}) AS both_rows"
    )
    return Updated(count, _as_date(found))


HASH_COLUMN = "lead_hash"
"""On engines with a ``KEY_HASH``: the hash of the row's ``lead_key``, which the touched
leads' rows are found by (a scan of every row's text key cost most of an incremental
refresh on 10M leads)."""


def _hashes(session: Session) -> bool:
    return session.warehouse.KEY_HASH is not None


def _hash_select(session: Session, key: str) -> str:
    """``, <hash of key> AS lead_hash`` on an engine that keeps it, else ''."""
    pattern = session.warehouse.KEY_HASH
    return f", {pattern.format(key)} AS {HASH_COLUMN}" if pattern else ""


def _find_kept(session: Session, first: str) -> None:
    """The touched leads' rows in the table (``_KEPT``: key, earliest entry day, and the
    row's id where the engine has one). With a kept hash, the rows whose hash is a touched
    lead's are picked first (a scan of the hash column), then those of another lead whose
    hash is the same are dropped (the text keys compared on those few rows only)."""
    pattern = session.warehouse.KEY_HASH
    if pattern is None:
        _temporary_table(
            session,
            _KEPT,
            f"SELECT lead_key, {first} AS first_at FROM {TABLE} "
            f"WHERE lead_key IN (SELECT lead_key FROM {TOUCHED})",
        )
        return
    row_id = session.warehouse.ROW_ID
    row_at = f"{row_id} AS row_at, " if row_id else ""
    _temporary_table(
        session,
        _KEPT,
        f"SELECT {row_at}lead_key, {first} AS first_at FROM {TABLE} WHERE {HASH_COLUMN} IN "
        f"(SELECT {pattern.format('lead_key')} FROM {TOUCHED})",
    )
    session.execute(  # (NOT EXISTS: what the key search picks, null keys included)
        f"DELETE FROM {_KEPT} WHERE NOT EXISTS "
        f"(SELECT 1 FROM {TOUCHED} t WHERE t.lead_key = {_KEPT}.lead_key)"
    )


def _latest_time(times: Sequence[str]) -> str:
    """SQL of a row's latest entry time ('' without entry-time columns)."""
    if len(times) <= 1:
        return times[0] if times else ""
    return f"greatest({', '.join(times)})"


def _first_time(times: Sequence[str]) -> str:
    """SQL of a row's earliest entry day (NULL without any)."""
    if not times:
        return "CAST(NULL AS DATE)"
    dates = [f"CAST({c} AS DATE)" for c in times]
    return dates[0] if len(dates) == 1 else f"least({', '.join(dates)})"


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


_NEW = "ikkan_refresh_touched_new"  # the touched leads' rebuilt rows
_KEPT = "ikkan_refresh_touched_kept"  # touched leads with a row in the table
_OLD_LEAD_ROW = "ikkan_refresh_touched_old_lead"  # touched leads without a newer leads row


def _temporary_table(
    session: Session, name: str, select: str, params: list[int] | None = None
) -> None:
    session.execute(f"DROP TABLE IF EXISTS {name}")
    session.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params or [])


def _touched_parts(times: Sequence[str], touched: Touched) -> list[str]:
    parts = [
        "SELECT lead_key FROM lead_stages WHERE import_id > ?",
        "SELECT lead_key FROM leads WHERE import_id > ?",
    ]
    if touched.stage_days and times:
        days = ", ".join(f"DATE '{d.isoformat()}'" for d in sorted(set(touched.stage_days)))
        on_days = " OR ".join(f"CAST({c} AS DATE) IN ({days})" for c in times)
        parts.append(f"SELECT lead_key FROM {TABLE} WHERE {on_days}")
    if touched.leads_lost:
        parts.append(
            f"SELECT f.lead_key FROM {TABLE} f WHERE NOT EXISTS "
            "(SELECT 1 FROM leads l WHERE l.lead_key = f.lead_key)"
        )
    return parts
