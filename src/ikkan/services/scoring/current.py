"""Every lead's current score, written to the warehouse (``ikkan leads score``, refresh)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikkan.model.canonical import LEAD_SCORE_REASONS, LEAD_SCORES, Table
from ikkan.model.scoring import CELLS, ScoringSpec
from ikkan.services.scoring.engine import AS_OF_ALL, rules_hash, score_in_session
from ikkan.warehouse import ddl

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import Session, SqlWarehouse


@dataclass(frozen=True)
class ScoreRunResult:
    as_of: date
    rules_hash: str
    leads: int
    mql: int
    reasons: int
    changed: int  # leads whose score, cell or MQL changed since their last history row
    seconds: float
    cells: dict[str, int] = field(default_factory=dict)
    published: bool = True  # the rules are the last published version (or none was)


_CHANGED = """
CREATE TEMPORARY TABLE scoring_changed AS
SELECT s.lead_key, s.as_of, s.fit, s.engagement, s.score, s.cell, s.mql
FROM scoring_totals s LEFT JOIN lead_scores p ON p.lead_key = s.lead_key
WHERE p.lead_key IS NULL OR p.rules_hash <> ? OR p.fit <> s.fit
   OR p.engagement <> s.engagement OR p.cell <> s.cell OR p.mql <> s.mql
"""
"""The leads whose score differs from their previous one (lead_scores before this run):
they get a history row, so history grows by changes only and is never scanned."""


def _replace(session: Session, table: Table, select: str, params: list[Any]) -> None:
    """Drop, create and fill ``table``: on DuckDB far faster than deleting millions of
    indexed rows; transactional on both engines."""
    session.execute(f"DROP TABLE IF EXISTS {table.name}")
    session.execute(ddl.create_table_sql(table, session.warehouse.TYPE_NAMES))
    session.execute(f"INSERT INTO {table.name} ({', '.join(table.column_names)}) {select}", params)


def score_leads(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    as_of: date,
    computed_at: datetime,
    *,
    cache_dir: Path | None = None,
) -> ScoreRunResult:
    """Replace lead_scores and lead_score_reasons with every lead's score as of ``as_of``
    and append a history row for each lead whose score changed; one transaction."""
    started = time.perf_counter()
    digest = rules_hash(spec)
    with warehouse.transaction() as session:
        score_in_session(session, spec, calendar, AS_OF_ALL, [as_of], cache_dir=cache_dir)
        session.execute("DROP TABLE IF EXISTS scoring_changed")
        session.execute(_CHANGED, [digest])
        changed = int(session.scalar("SELECT count(*) FROM scoring_changed") or 0)
        session.execute(  # a rerun on the same day with other data replaces that day's rows
            "DELETE FROM lead_score_history WHERE as_of = ? AND rules_hash = ? "
            "AND lead_key IN (SELECT lead_key FROM scoring_changed)",
            [as_of, digest],
        )
        session.execute(
            "INSERT INTO lead_score_history (lead_key, as_of, rules_hash, fit, engagement, "
            "score, cell, mql) SELECT lead_key, as_of, ?, fit, engagement, score, cell, mql "
            "FROM scoring_changed",
            [digest],
        )
        _replace(
            session,
            LEAD_SCORES,
            "SELECT lead_key, as_of, fit, engagement, score, grade, level, cell, mql, ?, ? "
            "FROM scoring_totals",
            [digest, computed_at],
        )
        _replace(
            session,
            LEAD_SCORE_REASONS,
            "SELECT lead_key, kind, grp, rule_id, events, points FROM scoring_reasons",
            [],
        )
        cells = session.query(
            "SELECT cell, count(*) AS n, sum(CASE WHEN mql THEN 1 ELSE 0 END) AS m "
            "FROM scoring_totals GROUP BY cell"
        ).to_pylist()
        reasons = int(session.scalar("SELECT count(*) FROM scoring_reasons") or 0)
        last = session.scalar("SELECT rules_hash FROM scoring_rules ORDER BY version DESC LIMIT 1")
    by_cell = {c: 0 for c in CELLS} | {r["cell"]: int(r["n"]) for r in cells}
    return ScoreRunResult(
        as_of=as_of,
        rules_hash=digest,
        leads=sum(by_cell.values()),
        mql=sum(int(r["m"] or 0) for r in cells),
        reasons=reasons,
        changed=changed,
        seconds=time.perf_counter() - started,
        cells=by_cell,
        published=last is None or last == digest,
    )
