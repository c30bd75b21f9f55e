"""One lead's score: the stored current score with its reasons, and its history (the same
SQL at past days: the day it entered, each month end since, and the current day)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikkan.errors import UserError
from ikkan.model.scoring import ScoringSpec
from ikkan.services.scoring.engine import score_in_session

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import SqlWarehouse

HISTORY_POINTS = 24  # month ends shown at most (the latest ones)


@dataclass(frozen=True)
class Reason:
    kind: str
    group: str
    rule_id: str
    label: str
    events: int
    points: float


@dataclass(frozen=True)
class HistoryPoint:
    as_of: date
    fit: float
    engagement: float
    score: float
    cell: str
    mql: bool


@dataclass(frozen=True)
class LeadScore:
    lead_key: str
    name: str
    company: str | None
    created_at: Any
    as_of: date
    fit: float
    engagement: float
    score: float
    grade: str
    level: str
    cell: str
    mql: bool
    rules_hash: str
    reasons: list[Reason] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_lead(warehouse: SqlWarehouse, ident: str) -> dict[str, Any]:
    """The lead whose key, source id or e-mail is ``ident`` (one, or a clear error)."""
    rows = warehouse.query(
        "SELECT lead_key, first_name, last_name, company, created_at FROM leads "
        "WHERE lead_key = ? OR source_id = ? OR email = ? ORDER BY lead_key LIMIT 5",
        [ident, ident, ident.lower()],
    ).to_pylist()
    if not rows:
        raise UserError(
            f"no lead '{ident}'",
            hint="give a lead key (hubspot:51001), a source record id or an e-mail",
        )
    if len(rows) > 1:
        raise UserError(
            f"'{ident}' matches {len(rows)} leads: " + ", ".join(r["lead_key"] for r in rows),
            hint="give the lead key, e.g. " + rows[0]["lead_key"],
        )
    return dict(rows[0])


def _label(spec: ScoringSpec, kind: str, rule_id: str, lang: str) -> str:
    if rule_id.startswith("cap:"):
        what = rule_id[4:]
        return f"上限 {what}" if lang == "ja" else f"cap on {what}"
    rules: dict[str, Any] = dict(spec.fit.rules if kind == "fit" else spec.engagement.rules)
    rule = rules.get(rule_id)
    label = getattr(rule, "label", None)
    text = getattr(label, lang, None) if label is not None else None
    return text or rule_id


def lead_score(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    ident: str,
    today: date,
    lang: str = "en",
    *,
    cache_dir: Path | None = None,
    recompute_history: bool = True,
) -> LeadScore:
    """The stored score and reasons; the history recomputed by the current rules at the
    ``history_days`` (needs a writing session for temporary tables), or, without
    ``recompute_history``, the stored history rows (read-only: the web page)."""
    lead = find_lead(warehouse, ident)
    key = lead["lead_key"]
    stored = warehouse.query("SELECT * FROM lead_scores WHERE lead_key = ?", [key]).to_pylist()
    if not stored:
        raise UserError(
            f"lead '{key}' has no score yet", hint="run `ikkan leads score` (or `ikkan refresh`)"
        )
    s = stored[0]
    reasons = warehouse.query(
        "SELECT kind, grp, rule_id, events, points FROM lead_score_reasons WHERE lead_key = ? "
        "ORDER BY CASE WHEN kind = 'fit' THEN 0 ELSE 1 END, "
        "CASE WHEN rule_id LIKE 'cap:%' THEN 1 ELSE 0 END, points DESC, rule_id",
        [key],
    ).to_pylist()
    name = " ".join(p for p in (lead["last_name"], lead["first_name"]) if p)
    return LeadScore(
        lead_key=key,
        name=name,
        company=lead["company"],
        created_at=lead["created_at"],
        as_of=s["as_of"],
        fit=s["fit"],
        engagement=s["engagement"],
        score=s["score"],
        grade=s["grade"],
        level=s["level"],
        cell=s["cell"],
        mql=bool(s["mql"]),
        rules_hash=s["rules_hash"],
        reasons=[
            Reason(
                r["kind"],
                r["grp"],
                r["rule_id"],
                _label(spec, r["kind"], r["rule_id"], lang),
                int(r["events"]),
                float(r["points"]),
            )
            for r in reasons
        ],
        history=history(
            warehouse, spec, calendar, key, lead["created_at"], s["as_of"], cache_dir=cache_dir
        )
        if recompute_history
        else stored_history(warehouse, key),
    )


def stored_history(warehouse: SqlWarehouse, key: str) -> list[HistoryPoint]:
    """The lead's rows in lead_score_history (one per scoring run that changed it)."""
    rows = warehouse.query(
        "SELECT as_of, fit, engagement, score, cell, mql FROM lead_score_history "
        "WHERE lead_key = ? ORDER BY as_of, rules_hash",
        [key],
    ).to_pylist()
    return [HistoryPoint(**r) for r in rows]


def history_days(created: date, until: date) -> list[date]:
    """The day the lead entered, each month end after it, and ``until`` (latest kept)."""
    days = {created, until}
    month = date(created.year, created.month, 1)
    while True:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        if end >= until:
            break
        if end > created:
            days.add(end)
        month = nxt
    ordered = sorted(days)
    return [ordered[0], *ordered[1:][-HISTORY_POINTS:]] if len(ordered) > 1 else ordered


def history(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    key: str,
    created_at: Any,
    until: date,
    *,
    cache_dir: Path | None = None,
) -> list[HistoryPoint]:
    """The lead's score at each of ``history_days``, by the current rules."""
    if created_at is None:
        return []
    days = history_days(created_at.date(), until)
    select = " UNION ALL ".join(
        "SELECT CAST(? AS VARCHAR(200)) AS lead_key, CAST(? AS DATE) AS as_of" for _ in days
    )
    params: list[Any] = []
    for day in days:
        params += [key, day]
    with warehouse.transaction() as session:
        score_in_session(session, spec, calendar, select, params, cache_dir=cache_dir)
        rows = session.query(
            "SELECT as_of, fit, engagement, score, cell, mql FROM scoring_totals ORDER BY as_of"
        ).to_pylist()
    return [HistoryPoint(**r) for r in rows]
