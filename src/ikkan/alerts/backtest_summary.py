"""A backtest as data: the figures ``ikkan alerts test RULE --json`` prints and the Alerts
page shows (one function for both), with the alerts and breaches of each month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ikkan.alerts.backtest import BacktestResult, Hit
from ikkan.model.periods import parse_period


def hit_month(hit: Hit, fy_start: int) -> str:
    """The month (YYYY-MM) a breach falls in: an ISO day's month, or the month a period
    (month, quarter) ends in."""
    try:
        return date.fromisoformat(hit.when).strftime("%Y-%m")
    except ValueError:
        return parse_period(hit.when, fy_start).end.strftime("%Y-%m")


def months_between(since: date, until: date) -> list[str]:
    """Every month from the day after ``since`` to ``until`` (the backtest's window)."""
    out: list[str] = []
    day = (since + timedelta(days=1)).replace(day=1)
    while day <= until:
        out.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def backtest_json(result: BacktestResult, fy_start: int = 4) -> dict[str, Any]:
    counts = {m: {"alerts": 0, "breaches": 0} for m in months_between(result.since, result.until)}
    for hit in result.hits:
        month = counts.setdefault(hit_month(hit, fy_start), {"alerts": 0, "breaches": 0})
        month["breaches"] += 1
        month["alerts"] += hit.starts_alert
    return {
        "rule": result.rule_id,
        "kind": str(result.rule.kind),
        "since": result.since.isoformat(),
        "until": result.until.isoformat(),
        "evaluations": result.evaluations,
        "judged": result.judged,
        "breaches": len(result.hits),
        "alerts": result.alerts,
        "not_judged": result.not_judged,
        "months": [{"month": m, **counts[m]} for m in sorted(counts)],
        "hits": [
            {
                "when": h.when,
                "instance": h.dimension_value,
                "starts_alert": h.starts_alert,
                "breached": h.finding.breached,
                "observed": h.finding.observed,
                "line": h.finding.line,
                "gap": h.finding.gap,
                "why": h.finding.why,
            }
            for h in result.hits
        ],
    }
