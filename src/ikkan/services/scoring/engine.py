"""Run the scoring SQL (``compute.scoring``) in one warehouse session.

The leads and days to score are a temporary table ``scoring_as_of`` made by a parameterized
``SELECT``; the reasons and totals become temporary tables ``scoring_reasons`` and
``scoring_totals`` in the same session, where the caller reads or copies them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ikkan.model.scoring import ScoringSpec

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import Session, SqlWarehouse

AS_OF_ALL = "SELECT lead_key, CAST(? AS DATE) AS as_of FROM leads"
"""Every lead, scored at one day (the parameter)."""

AS_OF_ENTRY = (
    "SELECT lead_key, CAST(CAST(created_at AS DATE) + CAST(? AS INTEGER) AS DATE) AS as_of "
    "FROM leads WHERE created_at >= ? AND created_at < ?"
)
"""Leads created in [from, to), each scored N days after the day it entered."""


def rules_hash(spec: ScoringSpec) -> str:
    """A short digest of the rules: scores made by the same rules carry the same hash."""
    text = json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def rules_json(spec: ScoringSpec) -> str:
    return json.dumps(spec.model_dump(mode="json", by_alias=True), ensure_ascii=False)


def scoring_sql(spec: ScoringSpec, dialect: str) -> tuple[str, str]:
    """The reasons SQL and the totals SQL for ``dialect``."""
    from ikkan.compute.scoring import reasons_expr, totals_expr
    from ikkan.compute.sql import to_sql

    return to_sql(reasons_expr(spec), dialect, pretty=False), to_sql(
        totals_expr(spec), dialect, pretty=False
    )


def prepare(warehouse: SqlWarehouse, calendar: BusinessCalendar, as_of: date) -> None:
    """Write the business-day numbers the decay reads (``compute.business_days``)."""
    from ikkan.compute.business_days import write

    write(warehouse, calendar, as_of)


def score_in_session(
    session: Session, spec: ScoringSpec, as_of_sql: str, params: Sequence[Any]
) -> None:
    """Fill the temporary tables scoring_as_of, scoring_reasons and scoring_totals."""
    reasons, totals = scoring_sql(spec, session.warehouse.NAME)
    for name in ("scoring_totals", "scoring_reasons", "scoring_as_of"):
        session.execute(f"DROP TABLE IF EXISTS {name}")
    session.execute(f"CREATE TEMPORARY TABLE scoring_as_of AS {as_of_sql}", params)
    session.execute(f"CREATE TEMPORARY TABLE scoring_reasons AS {reasons}")
    session.execute(f"CREATE TEMPORARY TABLE scoring_totals AS {totals}")
