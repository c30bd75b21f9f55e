"""Run the scoring SQL (``compute.scoring``) in one warehouse session.

The leads and days to score are a temporary table ``scoring_as_of`` made by a parameterized
``SELECT``; the business-day numbers over the span the activities and as-of days cover
become ``scoring_days``; the reasons and totals become temporary tables
``scoring_reasons`` and ``scoring_totals`` in the same session, where the caller reads or
copies them.

Rendering the SQL (Ibis → sqlglot) takes seconds for a large rule set, so it is cached per
rules, dialect and code version (``SqlCache``: in the process and in the project's
``.ikkan/``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ikkan.model.scoring import NOT_RULES, ScoringSpec

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import Session

AS_OF_ALL = "SELECT lead_key, CAST(? AS DATE) AS as_of FROM leads"
"""Every lead, scored at one day (the parameter)."""

AS_OF_ENTRY = (
    "SELECT lead_key, CAST(CAST(created_at AS DATE) + CAST(? AS INTEGER) AS DATE) AS as_of "
    "FROM leads WHERE created_at >= ? AND created_at < ?"
)
"""Leads created in [from, to), each scored N days after the day it entered."""


def rules_json(spec: ScoringSpec) -> str:
    return json.dumps(spec.model_dump(mode="json", by_alias=True), ensure_ascii=False)


def rules_hash(spec: ScoringSpec) -> str:
    """A short digest of the rules: scores made by the same rules carry the same hash."""
    text = json.dumps(
        spec.model_dump(mode="json", by_alias=True, exclude=set(NOT_RULES)), sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def scoring_sql(spec: ScoringSpec, dialect: str, cache_dir: Path | None = None) -> tuple[str, str]:
    """The reasons SQL and the totals SQL for ``dialect`` (cached)."""
    from ikkan.compute.scoring import reasons_expr, totals_expr
    from ikkan.compute.sql import to_sql
    from ikkan.services.refresh.sql import SqlCache

    key = hashlib.sha256(rules_json(spec).encode()).hexdigest()
    cache = SqlCache(cache_dir)
    reasons = cache.other(
        f"scoring-reasons:{key}", dialect, lambda d: to_sql(reasons_expr(spec), d, pretty=False)
    )
    totals = cache.other(
        f"scoring-totals:{key}", dialect, lambda d: to_sql(totals_expr(spec), d, pretty=False)
    )
    cache.save()
    return reasons, totals


@lru_cache(maxsize=8)
def _day_rows(calendar: BusinessCalendar, first: date, last: date) -> pa.Table:
    from ikkan.compute.business_days import rows

    return rows(calendar, first, last)


def _stage_days(session: Session, calendar: BusinessCalendar) -> None:
    """``scoring_days``: business-day numbers from the first activity (or as-of) day to the
    last as-of day; only differences of numbers are read, so the start does not matter."""
    from ikkan.compute.scoring import DAYS

    span = session.query(
        "SELECT (SELECT CAST(min(occurred_at) AS DATE) FROM activities) AS first_event, "
        "min(as_of) AS first_day, max(as_of) AS last_day FROM scoring_as_of"
    ).to_pylist()[0]
    last: date | None = span["last_day"]
    firsts = [d for d in (span["first_event"], span["first_day"]) if d is not None]
    if last is None or not firsts:
        data = _day_rows(calendar, date(2000, 1, 1), date(1999, 12, 31))  # no rows
    else:
        data = _day_rows(calendar, min(min(firsts), last), last)
    session.execute("DROP TABLE IF EXISTS scoring_days")
    session.stage("scoring_days", DAYS, data)


def score_in_session(
    session: Session,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    as_of_sql: str,
    params: Sequence[Any],
    *,
    cache_dir: Path | None = None,
) -> None:
    """Fill the temporary tables scoring_as_of, scoring_days, scoring_reasons and
    scoring_totals."""
    reasons, totals = scoring_sql(spec, session.warehouse.NAME, cache_dir)
    for name in ("scoring_totals", "scoring_reasons", "scoring_as_of"):
        session.execute(f"DROP TABLE IF EXISTS {name}")
    session.execute(f"CREATE TEMPORARY TABLE scoring_as_of AS {as_of_sql}", params)
    _stage_days(session, calendar)
    session.execute(f"CREATE TEMPORARY TABLE scoring_reasons AS {reasons}")
    session.execute(f"CREATE TEMPORARY TABLE scoring_totals AS {totals}")
