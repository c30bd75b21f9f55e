"""The handoff SLA live, per lead: what inside sales works from. For each ``kind: sla`` rule,
every lead breaching now (not contacted, deadline passed) and every lead at risk (not
contacted, deadline ahead), with its owner, when it entered the stage, the business hours
elapsed against those allowed and the deadline; per owner the counts and the attainment,
over the rule's window (what the alert judges) and over a longer history.

One service for ``ikkan alerts sla`` and the web's ``/alerts/sla`` (and its JSON twin):
both call ``sla_boards`` and print or render ``boards_json``. The leads are judged by the
same SQL as the alert and the ``sla_attainment`` metric (``sla_read.sla_cases``); only the
elapsed business hours are counted here, on the project's business calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ikkan.alerts.rules import RuleKind
from ikkan.alerts.sla import OwnerSla, SlaCase, per_owner
from ikkan.errors import UserError, valid_values

if TYPE_CHECKING:
    from ikkan.alerts.rules import AlertRuleSpec
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.workspace import Workspace

HISTORY_DAYS = 90  # default span of the historical attainment
LIVE = ("breaching", "open")


@dataclass(frozen=True)
class LiveLead:
    """A lead not yet contacted: ``breaching`` (deadline passed) or ``open`` (at risk)."""

    lead_key: str
    name: str
    owner: str
    entered_at: datetime
    elapsed: float  # business hours from entry to now
    allowed: float  # business hours the rule allows
    deadline: datetime
    status: str  # breaching or open

    @property
    def left(self) -> float:
        """Business hours left before the deadline (negative: hours overdue)."""
        return self.allowed - self.elapsed


@dataclass(frozen=True)
class OwnerBoard:
    owner: str
    breaching: int
    at_risk: int
    met: int
    late: int
    leads: int  # leads that entered the stage within the window
    attainment: float | None  # met ÷ due within the window
    history_attainment: float | None  # met ÷ due over the history span
    history_due: int  # leads whose deadline passed over the history span


@dataclass(frozen=True)
class SlaBoard:
    rule: str
    name: str
    from_stage: str
    done: str  # "call/connect/meeting" or "→ sql"
    within: float
    window_days: float
    history_days: int
    now: datetime
    leads: tuple[LiveLead, ...]  # breaching first (most overdue first), then by deadline
    owners: tuple[OwnerBoard, ...]
    owner_choices: tuple[str, ...]  # every owner with a lead in the history span
    attainment: float | None  # the window, every owner (or the chosen one)
    history_attainment: float | None


def sla_rules(ws: Workspace, rule_id: str | None = None) -> dict[str, AlertRuleSpec]:
    """The enabled SLA rules, or the one asked for (a clear error for any other id)."""
    rules = {k: r for k, r in ws.spec.alerts.items() if r.kind is RuleKind.SLA}
    if rule_id is None:
        return {k: r for k, r in rules.items() if r.enabled}
    if rule_id not in rules:
        raise UserError(
            f"'{rule_id}' is not an SLA alert rule",
            hint=valid_values(sorted(rules)) if rules else "add a rule of kind: sla under alerts:",
        )
    return {rule_id: rules[rule_id]}


def sla_boards(
    ws: Workspace,
    now: datetime,
    *,
    rule_id: str | None = None,
    owner: str | None = None,
    history_days: int = HISTORY_DAYS,
    lang: str = "en",
) -> list[SlaBoard]:
    """One board per SLA rule, judged at ``now`` (naive, the project's wall clock)."""
    from ikkan.alerts.sla_read import sla_cases

    if history_days < 1:
        raise UserError(f"history of {history_days} days", hint="give 1 day or more")
    calendar = ws.calendar()
    out = []
    for rid, rule in sla_rules(ws, rule_id).items():
        assert rule.within is not None and rule.from_stage is not None
        since = now - rule.window
        history_from = min(since, now - timedelta(days=history_days))
        every = sla_cases(ws, rule, now, entered_from=history_from)
        choices = tuple(sorted({c.lead.owner for c in every}))
        if owner is not None:
            every = [c for c in every if c.lead.owner == owner]
        window = [c for c in every if c.lead.entered_at >= since]
        history = [c for c in every if c.lead.entered_at >= now - timedelta(days=history_days)]
        out.append(
            SlaBoard(
                rule=rid,
                name=rule.name(rid, lang),
                from_stage=rule.from_stage,
                done=f"→ {rule.to_stage}" if rule.to_stage else "/".join(rule.contact),
                within=rule.within,
                window_days=rule.window.total_seconds() / 86400,
                history_days=history_days,
                now=now,
                leads=_live(window, rule.within, now, calendar),
                owners=_owners(per_owner(window), per_owner(history)),
                owner_choices=choices,
                attainment=_attainment(window),
                history_attainment=_attainment(history),
            )
        )
    return out


def _live(
    cases: list[SlaCase], within: float, now: datetime, calendar: BusinessCalendar
) -> tuple[LiveLead, ...]:
    leads = [
        LiveLead(
            lead_key=c.lead.lead_key,
            name=c.lead.name,
            owner=c.lead.owner,
            entered_at=c.lead.entered_at,
            elapsed=round(calendar.business_hours_between(c.lead.entered_at, now), 2),
            allowed=within,
            deadline=c.deadline,
            status=c.status,
        )
        for c in cases
        if c.status in LIVE
    ]
    return tuple(sorted(leads, key=lambda x: (x.status != "breaching", x.deadline, x.lead_key)))


def _owners(window: dict[str, OwnerSla], history: dict[str, OwnerSla]) -> tuple[OwnerBoard, ...]:
    rows = []
    for name in sorted(set(window) | set(history)):
        w, h = window.get(name), history.get(name)
        rows.append(
            OwnerBoard(
                owner=name,
                breaching=len(w.breaching) if w else 0,
                at_risk=w.open if w else 0,
                met=w.met if w else 0,
                late=w.late if w else 0,
                leads=w.leads if w else 0,
                attainment=w.attainment if w else None,
                history_attainment=h.attainment if h else None,
                history_due=(h.met + h.late + len(h.breaching)) if h else 0,
            )
        )
    # the owners with the most breaches first: who needs help now
    return tuple(sorted(rows, key=lambda r: (-r.breaching, -r.at_risk, r.owner)))


def _attainment(cases: list[SlaCase]) -> float | None:
    due = [c for c in cases if c.status != "open"]
    return None if not due else sum(1 for c in due if c.status == "met") / len(due)


def _moment(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


def boards_json(boards: list[SlaBoard]) -> dict[str, Any]:
    """The boards as ``ikkan alerts sla --json`` prints them and ``/api/alerts/sla``
    answers (times: the project's wall clock, ``YYYY-MM-DD HH:MM``)."""
    return {
        "rules": [
            {
                "rule": b.rule,
                "name": b.name,
                "from_stage": b.from_stage,
                "done": b.done,
                "within_hours": b.within,
                "window_days": b.window_days,
                "history_days": b.history_days,
                "now": _moment(b.now),
                "breaching": sum(1 for x in b.leads if x.status == "breaching"),
                "at_risk": sum(1 for x in b.leads if x.status == "open"),
                "attainment": b.attainment,
                "history_attainment": b.history_attainment,
                "owner_choices": list(b.owner_choices),
                "leads": [
                    {
                        "lead_key": x.lead_key,
                        "name": x.name,
                        "owner": x.owner,
                        "entered_at": _moment(x.entered_at),
                        "elapsed_hours": x.elapsed,
                        "allowed_hours": x.allowed,
                        "left_hours": round(x.left, 2),
                        "deadline": _moment(x.deadline),
                        "status": x.status,
                    }
                    for x in b.leads
                ],
                "owners": [
                    {
                        "owner": o.owner,
                        "breaching": o.breaching,
                        "at_risk": o.at_risk,
                        "met": o.met,
                        "late": o.late,
                        "leads": o.leads,
                        "attainment": o.attainment,
                        "history_attainment": o.history_attainment,
                        "history_due": o.history_due,
                    }
                    for o in b.owners
                ],
            }
            for b in boards
        ]
    }
