"""Every lead's current score, written to the warehouse (``ikkan leads score``, refresh)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ikkan.model.scoring import CELLS, ScoringSpec
from ikkan.services.scoring.engine import AS_OF_ALL, rules_hash, score_in_session

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import SqlWarehouse


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


_HISTORY_INSERT = """
INSERT INTO lead_score_history
  (lead_key, as_of, rules_hash, fit, engagement, score, cell, mql)
SELECT s.lead_key, s.as_of, ?, s.fit, s.engagement, s.score, s.cell, s.mql
FROM scoring_totals s
LEFT JOIN (
  SELECT h.lead_key, h.score, h.cell, h.mql, h.rules_hash,
         row_number() OVER (PARTITION BY h.lead_key ORDER BY h.as_of DESC) AS nth
  FROM lead_score_history h
) last ON last.lead_key = s.lead_key AND last.nth = 1
WHERE (last.lead_key IS NULL OR last.score <> s.score OR last.cell <> s.cell
       OR last.mql <> s.mql OR last.rules_hash <> ?)
  AND NOT EXISTS (SELECT 1 FROM lead_score_history x
                  WHERE x.lead_key = s.lead_key AND x.as_of = s.as_of AND x.rules_hash = ?)
"""


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
        session.execute("DELETE FROM lead_scores")
        session.execute(
            "INSERT INTO lead_scores (lead_key, as_of, fit, engagement, score, grade, level, "
            "cell, mql, rules_hash, computed_at) SELECT lead_key, as_of, fit, engagement, "
            "score, grade, level, cell, mql, ?, ? FROM scoring_totals",
            [digest, computed_at],
        )
        session.execute("DELETE FROM lead_score_reasons")
        session.execute(
            "INSERT INTO lead_score_reasons (lead_key, kind, grp, rule_id, events, points) "
            "SELECT lead_key, kind, grp, rule_id, events, points FROM scoring_reasons"
        )
        before = int(session.scalar("SELECT count(*) FROM lead_score_history") or 0)
        session.execute(_HISTORY_INSERT, [digest, digest, digest])
        changed = int(session.scalar("SELECT count(*) FROM lead_score_history") or 0) - before
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
