# ruff: noqa: S608 - SQL text holds only "?" placeholders
"""Read the leads an SLA rule judges: stage entries in the window with their first contact
activity (by lead key, or by e-mail for activities without one)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ikkan.alerts.sla import LeadClock

if TYPE_CHECKING:
    from ikkan.alerts.rules import AlertRuleSpec
    from ikkan.workspace import Workspace

UNASSIGNED = "(unassigned)"


def lead_clocks(ws: Workspace, rule: AlertRuleSpec, now: datetime) -> list[LeadClock]:
    assert rule.from_stage is not None
    marks = ", ".join("?" for _ in rule.contact)
    sql = (
        "SELECT s.lead_key, l.owner, s.entered_at, l.last_name, l.first_name, l.company, "
        "(SELECT min(a.occurred_at) FROM activities a WHERE (a.lead_key = s.lead_key OR "
        "(a.lead_key IS NULL AND a.email IS NOT NULL AND a.email = l.email)) "
        f"AND a.activity_type IN ({marks}) AND a.occurred_at >= s.entered_at) AS first_contact "
        "FROM lead_stages s LEFT JOIN leads l ON l.lead_key = s.lead_key "
        "WHERE s.stage = ? AND s.entered_at >= ? AND s.entered_at <= ? "
        "ORDER BY s.entered_at, s.lead_key"
    )
    params = [*rule.contact, rule.from_stage, now - rule.window, now]
    rows = ws.warehouse().query(sql, params).to_pylist()
    out = []
    for row in rows:
        person = " ".join(p for p in (row["last_name"], row["first_name"]) if p)
        name = " / ".join(p for p in (row["company"], person) if p)
        out.append(
            LeadClock(
                lead_key=row["lead_key"],
                owner=row["owner"] or UNASSIGNED,
                entered_at=row["entered_at"],
                first_contact=row["first_contact"],
                name=name,
            )
        )
    return out
