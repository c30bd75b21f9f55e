"""``ikkan alerts test RULE``: how often a rule would have fired over the last 12 months.

Node rules are evaluated once per closed period (month or quarter) whose end lies in the
12 months up to ``as_of``, on the values refresh stored and the plan's targets. A *pacing*
rule on a closed period is judged at the period's end, where expected-to-date equals the
target (kpi_values keeps no day-by-day history of a month), so its backtest is a lower
bound of the alerts it would send during a month. An alert is a run of consecutive
breached periods of one instance (edge-triggered: one notification when it starts, one
when it resolves); a period that cannot be judged (no value, no target, a maturing cohort)
neither starts nor ends a run.

Import-failed and refresh-failed rules are replayed from ``schedule_runs``: a run of
consecutive failed steps is one alert.

SLA rules are replayed per lead: a lead breaches from its deadline until its first contact
(or now, or until it leaves the rule's window); an owner's overlapping breaches make one
alert.

Stale rules are replayed from import_log exactly: every gap of more than ``days`` between
successful imports (or since the last one) is one alert, firing ``days`` after the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from ikkan.alerts.conditions import Finding, evaluate
from ikkan.alerts.observe import Observer, import_times
from ikkan.alerts.rules import RUN_KINDS, AlertRuleSpec, RuleKind
from ikkan.errors import UserError, did_you_mean
from ikkan.model.periods import Period, periods_between

if TYPE_CHECKING:
    from ikkan.workspace import Workspace

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Hit:
    """One breached evaluation: a period (node rules) or a day (stale rules)."""

    when: str  # period key, or ISO date for stale rules
    dimension_value: str
    finding: Finding
    starts_alert: bool  # the first breach of a run: a notification would be sent


@dataclass
class BacktestResult:
    rule_id: str
    rule: AlertRuleSpec
    since: date
    until: date
    evaluations: int = 0  # instance × period evaluations
    judged: int = 0  # … that had the numbers to decide
    hits: list[Hit] = field(default_factory=list)
    not_judged: dict[str, int] = field(default_factory=dict)  # reason → count

    @property
    def alerts(self) -> int:
        return sum(1 for h in self.hits if h.starts_alert)


def backtest(ws: Workspace, rule_id: str, *, as_of: date | None = None) -> BacktestResult:
    rules = ws.spec.alerts
    if rule_id not in rules:
        raise UserError(
            f"unknown alert rule '{rule_id}'",
            hint=did_you_mean(rule_id, rules) or "see 'ikkan alerts list'",
        )
    rule = rules[rule_id]
    day = as_of or ws.data_as_of()
    since = day - timedelta(days=WINDOW_DAYS)
    result = BacktestResult(rule_id, rule, since, day)
    if rule.kind is RuleKind.STALE:
        _stale(ws, rule, result)
        return result
    if rule.kind in RUN_KINDS:
        _runs(ws, rule, result)
        return result
    if rule.kind is RuleKind.SLA:
        _sla(ws, rule, result)
        return result
    assert rule.node is not None
    direction = str(ws.tree.nodes[rule.node].direction) if ws.tree else "higher"
    fy_start = ws.spec.company.fiscal_year_start
    observer = Observer(ws, day)
    in_run: set[str] = set()
    for period in _closed_periods(since, day, rule.grain, fy_start):
        for obs in observer.observe(rule, period):
            if rule.kind is RuleKind.PACING:  # judged at the period end (see above)
                obs = replace(obs, expected=obs.target)
            found = evaluate(rule, direction, obs)
            result.evaluations += 1
            if found.breached is None:
                result.not_judged[found.why] = result.not_judged.get(found.why, 0) + 1
                continue
            result.judged += 1
            key = obs.dimension_value
            if found.breached:
                result.hits.append(Hit(period.key, key, found, key not in in_run))
                in_run.add(key)
            else:
                in_run.discard(key)
    return result


def _closed_periods(since: date, until: date, grain: str, fy_start: int) -> list[Period]:
    return [p for p in periods_between(since, until, grain, fy_start) if since < p.end <= until]


def _stale(ws: Workspace, rule: AlertRuleSpec, result: BacktestResult) -> None:
    from ikkan.alerts.observe import wall_clock

    assert rule.days is not None
    limit = timedelta(days=rule.days)
    now = wall_clock(ws)
    start = datetime.combine(result.since, time())
    times = [t for t in import_times(ws, rule) if t <= now]
    if not times:
        result.evaluations = result.judged = 1
        found = Finding(True, None, float(rule.days), None, "never imported")
        result.hits.append(Hit(result.since.isoformat(), "", found, True))
        return
    marks = [*times, now]
    for before, after in pairwise(marks):
        result.evaluations += 1
        result.judged += 1
        fires = before + limit
        if after - before > limit and fires >= start:
            days = (after - before).total_seconds() / 86400
            why = f"no import from {before:%Y-%m-%d %H:%M} to {after:%Y-%m-%d %H:%M}"
            found = Finding(True, days, float(rule.days), days - rule.days, why)
            result.hits.append(Hit(fires.date().isoformat(), "", found, True))


def _runs(ws: Workspace, rule: AlertRuleSpec, result: BacktestResult) -> None:
    step = "import" if rule.kind is RuleKind.IMPORT_FAILED else "refresh"
    rows = (
        ws.warehouse()
        .query(
            "SELECT finished_at, status, message FROM schedule_runs WHERE step = ? "
            "AND status IN ('ok', 'failed') AND finished_at >= ? ORDER BY finished_at",
            [step, datetime.combine(result.since, time())],
        )
        .to_pylist()
    )
    failing = False
    for row in rows:
        result.evaluations += 1
        result.judged += 1
        if row["status"] == "failed":
            found = Finding(True, None, None, None, str(row["message"] or "failed"))
            result.hits.append(Hit(row["finished_at"].date().isoformat(), "", found, not failing))
        failing = row["status"] == "failed"


def _sla(ws: Workspace, rule: AlertRuleSpec, result: BacktestResult) -> None:
    from ikkan.alerts.observe import wall_clock
    from ikkan.alerts.sla_read import sla_cases

    assert rule.within is not None
    now = wall_clock(ws)
    start = datetime.combine(result.since, time())
    cases = sla_cases(ws, rule, now, entered_from=start - timedelta(days=31))
    open_until: dict[str, datetime] = {}  # owner → end of the current merged breach
    for case in sorted(cases, key=lambda c: c.deadline):
        if case.deadline < start or case.status == "open":
            continue
        result.evaluations += 1
        result.judged += 1
        if case.status == "met":
            continue
        # live, a lead counts while it entered within ``window``: its breach ends then
        end = min(case.lead.first_contact or now, case.lead.entered_at + rule.window)
        owner = case.lead.owner
        starts = owner not in open_until or case.deadline > open_until[owner]
        open_until[owner] = max(end, open_until.get(owner, end))
        late = case.status == "late"
        done = f"reached {rule.to_stage}" if rule.to_stage else "first contact"
        missed = f"not in {rule.to_stage}" if rule.to_stage else "not contacted"
        why = (
            f"{case.lead.name or case.lead.lead_key}: "
            + (f"{done} {end:%Y-%m-%d %H:%M}" if late else missed)
            + f", due {case.deadline:%Y-%m-%d %H:%M}"
        )
        hours = case.hours_to_contact
        found = Finding(
            True, hours, rule.within, None if hours is None else hours - rule.within, why
        )
        result.hits.append(Hit(case.deadline.date().isoformat(), owner, found, starts))
