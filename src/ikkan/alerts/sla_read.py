"""Read the leads an SLA rule judges, judged in SQL by ``compute.sla.sla_leads`` (the rule
the ``sla_attainment`` metric uses too), with each lead's owner and name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ikkan.alerts.sla import LeadClock, SlaCase

if TYPE_CHECKING:
    from ikkan.alerts.rules import AlertRuleSpec
    from ikkan.workspace import Workspace

UNASSIGNED = "(unassigned)"


def sla_cases(
    ws: Workspace, rule: AlertRuleSpec, now: datetime, *, entered_from: datetime | None = None
) -> list[SlaCase]:
    """Every lead whose first ``from_stage`` entry lies from ``entered_from`` (default:
    ``now`` − the rule's window) to ``now``, judged at ``now``."""
    from ikkan.compute import to_sql
    from ikkan.compute.business_days import ensure
    from ikkan.compute.sla import sla_leads
    from ikkan.compute.tables import bind_tables

    assert rule.from_stage is not None and rule.within is not None
    warehouse = ws.warehouse()
    ensure(warehouse, ws.calendar(), now.date())
    to_stages = None
    if rule.to_stage is not None:
        stages = [s.id for s in ws.spec.funnel.stages]
        to_stages = tuple(stages[stages.index(rule.to_stage) :])
    tables = bind_tables()
    expr = sla_leads(
        from_stage=rule.from_stage,
        within_hours=rule.within,
        cutoff=now,
        contact=tuple(rule.contact),
        to_stages=to_stages,
        entered_from=entered_from or now - rule.window,
        tables=tables,
    )
    leads = tables["leads"]
    named = expr.left_join(leads, expr.lead_key == leads.lead_key).select(
        *expr.columns, "owner", "last_name", "first_name", "company"
    )
    named = named.order_by(["entered_at", "lead_key"])
    rows = warehouse.query(to_sql(named, ws.warehouse_dialect(), pretty=False)).to_pylist()
    out = []
    for row in rows:
        person = " ".join(p for p in (row["last_name"], row["first_name"]) if p)
        name = " / ".join(p for p in (row["company"], person) if p)
        lead = LeadClock(
            lead_key=row["lead_key"],
            owner=row["owner"] or UNASSIGNED,
            entered_at=row["entered_at"],
            first_contact=row["done_at"],
            name=name,
        )
        out.append(SlaCase(lead, row["deadline"], row["status"], row["business_hours"]))
    return out
