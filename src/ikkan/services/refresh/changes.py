"""What changed since the last refresh: the earliest day whose KPI values may differ.

Two complementary signals, both read in the refresh's read session:

- **imports**: every row an import inserted or changed carries that import's ``import_id``
  (unchanged rows keep their old one). The earliest date of such rows (stage entries,
  deal creation/close, spend and traffic days, activities, manual value periods) is
  touched; a changed lead touches every fact it is linked to (its channel may have moved
  them to another dimension value).
- **day digests**: a changed row no longer shows the date it *had* (a deal's close date
  moved from March to April leaves March's count wrong). For each event-time column the
  refresh keeps, per day, the row count and the sum of seconds-of-day; a day whose digest
  differs from the last refresh's lost or gained rows and is touched.

Both only ever make the recomputed range larger, never smaller than what changed.
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.model.canonical import Column, ColumnType, Table
from ikkan.model.periods import parse_period
from ikkan.warehouse import ddl
from ikkan.warehouse.base import Session

MARK = Table(
    "ikkan_refresh_mark",
    (
        Column("id", ColumnType.INT64, False),
        Column("last_import_id", ColumnType.INT64),
        Column("fingerprint", ColumnType.STRING, False),
        Column("as_of", ColumnType.DATE, False),
        Column("refreshed_at", ColumnType.TIMESTAMP, False),
    ),
    ("id",),
    "what the last successful refresh saw",
)

DIGEST = Table(
    "ikkan_refresh_digest",
    (
        Column("source", ColumnType.STRING, False),
        Column("day", ColumnType.DATE, False),
        Column("n", ColumnType.INT64, False),
        Column("seconds", ColumnType.INT64, False),
    ),
    ("source", "day"),
    "per event-time column and day: row count and sum of seconds-of-day",
)

# Event-time columns whose value can change on an update (spend/traffic days are part of
# their row's key, manual periods too: those rows never move).
DIGESTED = (
    ("lead_stages", "entered_at"),
    ("deals", "created_at"),
    ("deals", "closed_at"),
    ("leads", "created_at"),
    ("activities", "occurred_at"),
)

# Event-time columns whose rows may lack a time (a lead without a creation date): their
# undated rows are counted too, under the source "<table>.<column>:undated" and
# ``UNDATED_DAY``, so deleting one shows in the digest. A change there touches the table
# from the earliest day of either digest (an undated row says no day).
UNDATED = (("leads", "created_at"),)
UNDATED_DAY = date(2000, 1, 1)  # any day: the source name sets these rows apart
_UNDATED_SUFFIX = ":undated"

# Per source table, the earliest date among its rows written by imports after the mark
# (``?``). A changed lead touches every fact it is linked to (its channel may have moved
# them to another dimension value), for the readers of both: source "deals+leads" etc.
_TOUCHED_PARTS = (
    ("lead_stages", "CAST(min(entered_at) AS DATE) FROM lead_stages WHERE import_id > ?"),
    ("deals", "CAST(min(created_at) AS DATE) FROM deals WHERE import_id > ?"),
    ("deals", "CAST(min(closed_at) AS DATE) FROM deals WHERE import_id > ?"),
    ("spend", "min(day) FROM spend WHERE import_id > ?"),
    ("web_traffic", "min(day) FROM web_traffic WHERE import_id > ?"),
    ("activities", "CAST(min(occurred_at) AS DATE) FROM activities WHERE import_id > ?"),
    ("leads", "CAST(min(created_at) AS DATE) FROM leads WHERE import_id > ?"),
    (
        "deals+leads",
        "CAST(least(min(f.created_at), min(f.closed_at)) AS DATE) FROM deals f "
        "JOIN leads l ON f.lead_key = l.lead_key WHERE l.import_id > ?",
    ),
    (
        "activities+leads",
        "CAST(min(a.occurred_at) AS DATE) FROM activities a "
        "JOIN leads l ON a.lead_key = l.lead_key WHERE l.import_id > ?",
    ),
)
_LINKED_STAGES = (
    "lead_stages+leads",
    "CAST(min(s.entered_at) AS DATE) FROM lead_stages s "
    "JOIN leads l ON s.lead_key = l.lead_key WHERE l.import_id > ?",
)
# The digested columns' sources (a day whose digest changed touches its table).
_DIGEST_SOURCE = {
    f"{table}.{column}": table
    for table, column in (
        ("lead_stages", "entered_at"),
        ("deals", "created_at"),
        ("deals", "closed_at"),
        ("leads", "created_at"),
        ("activities", "occurred_at"),
    )
}
_DIGEST_SOURCE.update({f"{t}.{c}{_UNDATED_SUFFIX}": t for t, c in UNDATED})


@dataclass(frozen=True)
class Mark:
    last_import_id: int | None
    fingerprint: str
    as_of: date


def ensure_tables(session: Session) -> None:
    types = session.warehouse.TYPE_NAMES
    session.execute(ddl.create_table_sql(MARK, types))
    session.execute(ddl.create_table_sql(DIGEST, types))


def read_mark(session: Session) -> Mark | None:
    if not session.table_exists(MARK.name):
        return None
    rows = session.query(
        f"SELECT last_import_id, fingerprint, as_of FROM {MARK.name} WHERE id = 1"
    ).to_pylist()
    if not rows:
        return None
    return Mark(rows[0]["last_import_id"], rows[0]["fingerprint"], rows[0]["as_of"])


def import_mark(session: Session) -> int | None:
    """The newest import whose rows are all visible: imports still running hold it back."""
    value = session.scalar(
        "SELECT max(import_id) FROM import_log WHERE import_id < coalesce("
        "(SELECT min(import_id) FROM import_log WHERE status = 'running'), "
        "9223372036854775807)"
    )
    return None if value is None else int(value)


def digest_sql(dialect: str, tables: dict[str, Any] | None = None) -> str:
    """Per digested column and day: rows and the sum of seconds-of-day (of ``tables``,
    by default the canonical ones)."""
    import ibis

    from ikkan.compute import bind_tables, to_sql

    tables = tables if tables is not None else bind_tables()
    parts = []
    for table_name, column in DIGESTED:
        table = tables[table_name]
        moment = table[column]
        rows = table.filter(moment.notnull()).mutate(
            day=moment.date(),
            second=(moment.hour() * 3600 + moment.minute() * 60 + moment.second()).cast("int64"),
        )
        parts.append(
            rows.group_by("day")
            .aggregate(n=rows.count().cast("int64"), seconds=rows.second.sum().cast("int64"))
            .mutate(source=ibis.literal(f"{table_name}.{column}"))
            .select("source", "day", "n", "seconds")
        )
        if (table_name, column) in UNDATED:
            undated = table.filter(moment.isnull()).mutate(
                day=ibis.literal(UNDATED_DAY, type="date")
            )
            parts.append(
                undated.group_by("day")
                .aggregate(n=undated.count().cast("int64"), seconds=ibis.literal(0, type="int64"))
                .mutate(source=ibis.literal(f"{table_name}.{column}{_UNDATED_SUFFIX}"))
                .select("source", "day", "n", "seconds")
            )
    return to_sql(ibis.union(*parts, distinct=False), dialect, pretty=False)


NEW_ROWS_VIEW = "ikkan_refresh_new_{table}"
"""The temporary view of the rows of a digested table written by imports after the mark."""


def new_rows_digest_sql(dialect: str) -> str:
    """``digest_sql`` of the rows in the ``NEW_ROWS_VIEW`` views (``digest_by_new_rows``)."""
    import ibis

    from ikkan.compute import bind_tables, ibis_schema
    from ikkan.model.canonical import TABLES_BY_NAME

    views = {
        name: ibis.table(ibis_schema(TABLES_BY_NAME[name]), name=NEW_ROWS_VIEW.format(table=name))
        for name in {t for t, _ in DIGESTED}
    }
    return digest_sql(dialect, {**bind_tables(), **views})


def digest_by_new_rows(
    session: Session, mark: int | None, stored: pa.Table, new_rows_sql: str
) -> pa.Table | None:
    """The current digest without scanning every row, when only rows were added or changed
    by imports after ``mark`` (None otherwise: the caller computes it whole).

    Rows with ``import_id <= mark`` were all there, unchanged, at the last refresh (a
    changed row takes its import's newer id), so they are a subset of what ``stored``
    counted; when their count per digested column equals the stored one they are all of
    it, and the current digest is the stored one (the table, which ``stored`` was read
    from in this session) plus that of the newer rows.
    """
    if mark is None:
        return None
    kept = session.query(_KEPT_COUNTS_SQL, [mark] * len(_SOURCES))
    sources, counts = kept.column("source").to_pylist(), kept.column("n").to_pylist()
    kept_n = dict(zip(sources, counts, strict=True))
    stored_n: dict[str, int] = {}
    for row in stored.select(["source", "n"]).to_pylist():
        stored_n[row["source"]] = stored_n.get(row["source"], 0) + int(row["n"])
    if any(int(kept_n.get(s) or 0) != stored_n.get(s, 0) for s in _SOURCES):
        return None
    return stored_plus_new(session, mark, new_rows_sql)


def stored_plus_new(session: Session, mark: int, new_rows_sql: str) -> pa.Table:
    """The stored digest (read in this session) plus that of the rows imports after
    ``mark`` wrote: what the current digest is unless older rows were deleted or changed.

    Where it differs from the current digest, a day lost rows (a deletion, or the old
    version of a changed row): counts only ever go down there, so a deletion can never be
    cancelled by another row of the same day, as it can in the stored digest."""
    for table in sorted({t for t, _ in DIGESTED}):
        view = NEW_ROWS_VIEW.format(table=table)
        session.execute(f"DROP VIEW IF EXISTS {view}")
        session.execute(
            f"CREATE TEMPORARY VIEW {view} AS SELECT * FROM {table} WHERE import_id > {int(mark)}"
        )
    return session.query(
        "SELECT source, day, CAST(sum(n) AS BIGINT) AS n, "
        "CAST(sum(seconds) AS BIGINT) AS seconds FROM ("
        f"SELECT source, day, n, seconds FROM {DIGEST.name} UNION ALL "
        f"SELECT source, day, n, seconds FROM ({new_rows_sql}) AS new_rows"
        ") AS summed GROUP BY source, day"
    )


_SOURCES = (
    *(f"{table}.{column}" for table, column in DIGESTED),
    *(f"{table}.{column}{_UNDATED_SUFFIX}" for table, column in UNDATED),
)
# Per digested column, its non-null values in rows imported up to the mark (``?``), and
# the null ones of the ``UNDATED`` columns.
_KEPT_COUNTS_SQL = " UNION ALL ".join(
    [
        *(
            f"SELECT '{table}.{column}' AS source, count({column}) AS n "
            f"FROM {table} WHERE import_id <= ?"
            for table, column in DIGESTED
        ),
        *(
            f"SELECT '{table}.{column}{_UNDATED_SUFFIX}' AS source, "
            f"count(*) - count({column}) AS n FROM {table} WHERE import_id <= ?"
            for table, column in UNDATED
        ),
    ]
)


def current_digest(session: Session, sql: str) -> pa.Table:
    """Per digested column and day: rows and seconds-of-day (``sql``: ``digest_sql``)."""
    return session.query(sql)


def stored_digest(session: Session) -> pa.Table | None:
    if not session.table_exists(DIGEST.name):
        return None
    return session.query(f"SELECT source, day, n, seconds FROM {DIGEST.name}")


def changed_days(old: pa.Table, new: pa.Table, source: str) -> tuple[date, ...]:
    """The days on which the two digests of ``source`` differ, in order."""
    differing = _differing(old, new)
    mask = pc.equal(differing.column("source"), source)
    days = differing.filter(mask).column("day").to_pylist()
    return tuple(sorted({_as_date(d) for d in days}))


def _differing(old: pa.Table, new: pa.Table) -> pa.Table:
    """The (source, day) rows of the two digests that are not in both alike (Arrow joins:
    a digest has a few thousand rows, a set of Python tuples per refresh cost more than the
    rest of the comparison)."""
    keys = ["source", "day"]
    columns = [*keys, "n", "seconds"]
    schema = pa.schema(
        [("source", pa.string()), ("day", pa.date32()), ("n", pa.int64()), ("seconds", pa.int64())]
    )
    before = old.select(columns).cast(schema)
    after = new.select(columns).cast(schema).rename_columns([*keys, "n_new", "seconds_new"])
    both = before.join(after, keys, join_type="full outer")
    same = pc.and_kleene(
        pc.equal(both.column("n"), both.column("n_new")),
        pc.equal(both.column("seconds"), both.column("seconds_new")),
    )
    return both.filter(pc.invert(pc.fill_null(same, False))).select(keys)


def imports_touched_day(session: Session, mark: int | None, fy_start: int) -> date | None:
    """The earliest day any import after ``mark`` wrote a fact or a manual value for."""
    facts = facts_touched_days(session, mark)
    return earliest(*facts.values(), manual_touched_day(session, mark, fy_start))


def facts_touched_days(
    session: Session,
    mark: int | None,
    *,
    linked_stages: bool = True,
    wanted: Callable[[str], bool] | None = None,
) -> dict[str, date]:
    """Per source (a table, or "a+b": facts of ``a`` linked to changed rows of ``b``), the
    earliest day any import after ``mark`` wrote a fact (not a manual value) for; sources
    without one are absent. ``linked_stages=False`` leaves out the stage entries of changed
    leads (the caller has their days from the funnel table); ``wanted`` (default: all)
    says which sources to look at."""
    since = -1 if mark is None else mark
    parts = [*_TOUCHED_PARTS, *([_LINKED_STAGES] if linked_stages else [])]
    parts = [(source, sql) for source, sql in parts if wanted is None or wanted(source)]
    if not parts:
        return {}
    union = " UNION ALL ".join(
        f"SELECT '{source}' AS source, {sql.replace(' FROM ', ' AS d FROM ', 1)}"
        for source, sql in parts
    )
    rows = session.query(
        f"SELECT source, min(d) AS d FROM ({union}) AS touched GROUP BY source",
        [since] * len(parts),
    ).to_pylist()
    return {str(r["source"]): _as_date(r["d"]) for r in rows if r["d"] is not None}


def digest_changed_days(old: pa.Table, new: pa.Table) -> dict[str, date]:
    """Per source table, the earliest day on which the two digests differ."""
    differing = _differing(old, new)
    if differing.num_rows == 0:
        return {}
    firsts = differing.group_by("source").aggregate([("day", "min")])
    out: dict[str, date] = {}
    for source, day in zip(
        firsts.column("source").to_pylist(), firsts.column("day_min").to_pylist(), strict=True
    ):
        if str(source).endswith(_UNDATED_SUFFIX):  # an undated row: from the first day on
            day = _first_dated_day(old, new)
            if day is None:
                continue
        table = _DIGEST_SOURCE.get(str(source), str(source))
        out[table] = min(out.get(table, day), day)
    return {table: _as_date(day) for table, day in out.items()}


def _first_dated_day(*digests: pa.Table) -> date | None:
    """The earliest day of any dated row of the digests (None: there is none)."""
    days = [
        pc.min(t.filter(pc.invert(pc.ends_with(t.column("source"), _UNDATED_SUFFIX)))["day"])
        for t in digests
        if t.num_rows
    ]
    found = [d.as_py() for d in days if d.is_valid]
    return _as_date(min(found)) if found else None


def manual_touched_day(session: Session, mark: int | None, fy_start: int) -> date | None:
    """The first day of the earliest period whose manual values an import after ``mark``
    wrote (only manual metrics read them)."""
    since = -1 if mark is None else mark
    periods = session.query(
        "SELECT DISTINCT period FROM manual_values WHERE import_id > ?", [since]
    ).column("period")
    days = []
    for key in periods.to_pylist():
        try:
            days.append(parse_period(str(key), fy_start).start)
        except ValueError:
            continue  # a key no grain reads is no value of any period
    return min(days, default=None)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date)
    return value


def as_of_touched_day(before: date, now: date) -> date | None:
    """Moving ``as_of`` changes cohort values from the day after the earlier one."""
    return None if before == now else min(before, now) + timedelta(days=1)


def save(session: Session, mark: Mark, digest: pa.Table, refreshed_at: datetime) -> None:
    """Record what this refresh saw (inside the refresh's write transaction)."""
    ensure_tables(session)
    session.execute(f"DELETE FROM {MARK.name}")
    session.execute(
        f"INSERT INTO {MARK.name} (id, last_import_id, fingerprint, as_of, refreshed_at) "
        "VALUES (1, ?, ?, ?, ?)",
        [mark.last_import_id, mark.fingerprint, mark.as_of, refreshed_at],
    )
    # dropped, not emptied; made without its primary key, like the day parts (``rollup``)
    session.execute(f"DROP TABLE IF EXISTS {DIGEST.name}")
    session.execute(ddl.create_table_sql(DIGEST, session.warehouse.TYPE_NAMES, primary_key=False))
    if digest.num_rows:
        session.insert_arrow(DIGEST, digest.select(list(DIGEST.column_names)).cast(_schema()))


def _schema() -> pa.Schema:
    from ikkan.warehouse.arrow_schema import arrow_schema

    return arrow_schema(DIGEST)


def earliest(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def shift_days(day: date | None, days: int) -> date | None:
    return None if day is None else day - timedelta(days=days)
