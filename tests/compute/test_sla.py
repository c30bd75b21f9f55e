"""The handoff SLA in SQL (``compute.sla``) against the business calendar's own arithmetic
(``BusinessCalendar.add_business_hours`` / ``business_hours_between``), on DuckDB and
PostgreSQL, for leads entering at awkward moments (weekends, holidays, 年末年始, after
hours, exactly at opening and closing) and contacts around the deadline; and the
``sla_attainment`` metric's numerator and denominator."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import pytest

from ikkan.compute import compile_metric, to_sql
from ikkan.compute.business_days import BUSINESS_DAYS, calendar_rows
from ikkan.compute.sla import sla_leads
from ikkan.compute.tables import IBIS_TYPES
from ikkan.model.metrics import parse_metric
from ikkan.monitor.calendar import CalendarSettings

from .conftest import connect_postgres
from .dataset import STAGES, load

CALENDAR = CalendarSettings(day_start=time(9, 30), day_end=time(18, 0)).calendar()
CUTOFF = datetime(2027, 1, 15)
WITHIN = 24.0


def _moments(rng: random.Random) -> datetime:
    """An entry time: often on a boundary (opening, closing, midnight) or a closed day."""
    day = date(2026, 10, 1) + timedelta(days=rng.randrange(0, 106))  # to mid-January
    clock = rng.choice([time(9, 30), time(18, 0), time(0, 0), time(23, 59, 59), time(12, 0), None])
    if clock is None:
        clock = time(rng.randrange(24), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, clock)


def _dataset(n: int = 240, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    leads, stages, activities = [], [], []
    for i in range(n):
        key = f"t:{i}"
        entered = _moments(rng)
        email = f"p{i}@example.jp"
        leads.append({"lead_key": key, "source_system": "t", "source_id": str(i), "email": email})
        stages.append({"lead_key": key, "stage": "mql", "entered_at": entered, "source": "t"})
        if i % 7 == 0:  # a second, later mql entry: the first one counts
            later = entered + timedelta(days=3)
            stages.append({"lead_key": key, "stage": "mql", "entered_at": later, "source": "t"})
        deadline = CALENDAR.add_business_hours(entered, WITHIN)
        choice = i % 6
        if choice == 5:
            continue  # never contacted
        contact = {
            0: deadline,  # exactly on time
            1: deadline + timedelta(seconds=1),  # one second late
            2: entered + timedelta(hours=rng.randrange(1, 200)),
            3: entered - timedelta(hours=2),  # before the entry: does not count
            4: deadline + timedelta(hours=rng.choice([0.5, 3, 20])),  # after hours maybe
        }[choice]
        kind = "call" if i % 2 else "meeting"
        by_email = i % 5 == 0  # an activity without a lead key, matched by e-mail
        activities.append(
            {
                "activity_key": f"a{i}",
                "source_system": "t",
                "lead_key": None if by_email else key,
                "email": email if by_email else None,
                "occurred_at": contact,
                "activity_type": kind,
            }
        )
        activities.append(  # an e-mail open never counts as a contact
            {
                "activity_key": f"o{i}",
                "source_system": "t",
                "lead_key": key,
                "occurred_at": entered + timedelta(minutes=5),
                "activity_type": "email_open",
            }
        )
        if i % 4 == 0:  # an sql entry for the stage-to-stage rule
            sql_at = entered + timedelta(hours=rng.randrange(1, 120))
            stages.append({"lead_key": key, "stage": "sql", "entered_at": sql_at, "source": "t"})
    return {"leads": leads, "lead_stages": stages, "activities": activities}


DATA = _dataset()


def _load_days(con: Any, dialect: str) -> None:
    schema = ibis.schema({c.name: IBIS_TYPES[c.type] for c in BUSINESS_DAYS.columns})
    con.create_table(BUSINESS_DAYS.name, schema=schema)
    con.insert(
        BUSINESS_DAYS.name,
        ibis.memtable(calendar_rows(CALENDAR, date(2000, 1, 1), date(2029, 12, 31))),
    )


@pytest.fixture(scope="module")
def duckdb_con() -> Any:
    con = ibis.duckdb.connect()
    load(con, DATA)
    _load_days(con, "duckdb")
    return con


@pytest.fixture(scope="module")
def postgres_con() -> Iterator[Any]:
    con, schema = connect_postgres()
    try:
        load(con, DATA)
        _load_days(con, "postgres")
        yield con
    finally:
        con.raw_sql(f'DROP SCHEMA "{schema}" CASCADE').close()
        con.disconnect()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> tuple[Any, str]:
    return request.getfixturevalue(f"{request.param}_con"), request.param


def _rows(db: tuple[Any, str], expr: Any) -> list[dict[str, Any]]:
    con, dialect = db
    cursor = con.raw_sql(to_sql(expr, dialect))
    try:
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        if dialect != "duckdb":
            cursor.close()


def _expected(to_stages: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """The rule in plain Python on the calendar's own arithmetic."""
    first: dict[str, datetime] = {}
    for s in DATA["lead_stages"]:
        if s["stage"] == "mql":
            key = s["lead_key"]
            first[key] = min(first.get(key, s["entered_at"]), s["entered_at"])
    email = {lead["lead_key"]: lead["email"] for lead in DATA["leads"]}
    out = {}
    for key, start in first.items():
        if to_stages is None:
            times = [
                a["occurred_at"]
                for a in DATA["activities"]
                if a["activity_type"] in ("call", "connect", "meeting")
                and (a["lead_key"] == key or (a["lead_key"] is None and a["email"] == email[key]))
            ]
        else:
            times = [
                s["entered_at"]
                for s in DATA["lead_stages"]
                if s["lead_key"] == key and s["stage"] in to_stages
            ]
        times = [t for t in times if start <= t < CUTOFF]
        done = min(times, default=None)
        deadline = CALENDAR.add_business_hours(start, WITHIN)
        if done is not None:
            status = "met" if done <= deadline else "late"
            hours = CALENDAR.business_hours_between(start, done)
        else:
            status = "breaching" if deadline < CUTOFF else "open"
            hours = None
        out[key] = {"deadline": deadline, "done_at": done, "status": status, "hours": hours}
    return out


def _check(got: list[dict[str, Any]], want: dict[str, dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for row in got:
        w = want[row["lead_key"]]
        assert row["deadline"] == w["deadline"], row
        assert row["done_at"] == w["done_at"], row
        assert row["status"] == w["status"], row
        if w["hours"] is None:
            assert row["business_hours"] is None
        else:
            assert row["business_hours"] == pytest.approx(w["hours"], abs=1e-6)


def test_sla_leads_match_the_calendar_arithmetic(db: tuple[Any, str]) -> None:
    expr = sla_leads(
        from_stage="mql", within_hours=WITHIN, cutoff=CUTOFF, contact=("call", "connect", "meeting")
    )
    want = _expected()
    _check(_rows(db, expr), want)
    statuses = {w["status"] for w in want.values()}
    assert statuses == {"met", "late", "breaching", "open"}  # the data reaches every case


def test_stage_to_stage_sla_matches(db: tuple[Any, str]) -> None:
    later = ("sql", "opportunity", "customer")
    expr = sla_leads(from_stage="mql", within_hours=WITHIN, cutoff=CUTOFF, to_stages=later)
    want = _expected(later)
    _check(_rows(db, expr), want)
    assert sum(w["status"] == "met" for w in want.values()) > 0


def test_attainment_metric_counts_met_over_judged(db: tuple[Any, str]) -> None:
    metric = parse_metric({"type": "sla_attainment", "stage": "mql", "within": WITHIN})
    as_of = (CUTOFF - timedelta(days=1)).date()
    expr = compile_metric(metric, grain="month", stages=STAGES, as_of=as_of)
    got = {r["period"]: r for r in _rows(db, expr)}
    want = _expected()
    starts = {
        k: min(
            s["entered_at"]
            for s in DATA["lead_stages"]
            if s["lead_key"] == k and s["stage"] == "mql"
        )
        for k in want
    }
    months: dict[str, list[str]] = {}
    for key, start in starts.items():
        months.setdefault(f"{start:%Y-%m}", []).append(want[key]["status"])
    assert set(got) == set(months)
    for month, statuses in months.items():
        met = statuses.count("met")
        judged = sum(s != "open" for s in statuses)
        row = got[month]
        assert row["numerator"] == met and row["denominator"] == judged, month
        assert row["value"] == pytest.approx(met / judged if judged else float("nan"), nan_ok=True)
        assert row["maturing"] == ("open" in statuses), month


def test_attainment_per_owner_dimension_sums_to_the_whole(db: tuple[Any, str]) -> None:
    metric = parse_metric({"type": "sla_attainment", "stage": "mql", "within": WITHIN})
    as_of = (CUTOFF - timedelta(days=1)).date()
    whole = compile_metric(metric, grain="quarter", stages=STAGES, as_of=as_of)
    split = compile_metric(metric, grain="quarter", stages=STAGES, as_of=as_of, dimension="owner")
    total = {r["period"]: r["denominator"] for r in _rows(db, whole)}
    parts: dict[str, float] = {}
    for r in _rows(db, split):
        parts[r["period"]] = parts.get(r["period"], 0) + r["denominator"]
    assert parts == total and sum(total.values()) > 0
