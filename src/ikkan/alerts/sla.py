"""The handoff SLA: a lead that enters a stage (``from_stage``, e.g. mql) must get a first
contact (an activity of the ``contact`` types: call, connect, meeting) within ``within``
business hours on the project's business calendar (weekends, holidays, company closures,
business hours).

- The clock starts when the lead entered the stage (``lead_stages.entered_at``); a lead
  entering outside business hours starts counting at the next opening
  (``BusinessCalendar.add_business_hours``).
- First contact: the earliest contact activity of the lead at or after that moment
  (matched by lead key, or by e-mail for activities without one).
- Each lead is ``met`` (contacted by the deadline), ``late`` (contacted after it),
  ``breaching`` (not contacted and the deadline has passed: live) or ``open`` (not
  contacted, deadline still ahead).
- The rule fires per owner (the lead's owner) while the owner has breaching leads; the
  observed value is their number, and the message lists them.

Pure: the caller reads the leads and passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar

DEFAULT_CONTACT = ("call", "connect", "meeting")


@dataclass(frozen=True)
class LeadClock:
    lead_key: str
    owner: str
    entered_at: datetime
    first_contact: datetime | None
    name: str = ""


@dataclass(frozen=True)
class SlaCase:
    lead: LeadClock
    deadline: datetime
    status: str  # met, late, breaching, open
    hours_to_contact: float | None  # business hours from entry to first contact


def judge(
    leads: list[LeadClock], within_hours: float, calendar: BusinessCalendar, now: datetime
) -> list[SlaCase]:
    out: list[SlaCase] = []
    for lead in leads:
        deadline = calendar.add_business_hours(lead.entered_at, within_hours)
        contact = lead.first_contact if lead.first_contact and lead.first_contact <= now else None
        if contact is not None:
            status = "met" if contact <= deadline else "late"
            hours = calendar.business_hours_between(lead.entered_at, contact)
        else:
            status = "breaching" if now > deadline else "open"
            hours = None
        out.append(SlaCase(lead, deadline, status, hours))
    return out


@dataclass(frozen=True)
class OwnerSla:
    owner: str
    leads: int
    met: int
    late: int
    breaching: tuple[SlaCase, ...]
    open: int

    @property
    def attainment(self) -> float | None:
        """Share of the leads whose deadline has passed that were contacted in time."""
        due = self.met + self.late + len(self.breaching)
        return None if due == 0 else self.met / due


def per_owner(cases: list[SlaCase]) -> dict[str, OwnerSla]:
    owners: dict[str, list[SlaCase]] = {}
    for case in cases:
        owners.setdefault(case.lead.owner, []).append(case)
    return {
        owner: OwnerSla(
            owner,
            len(items),
            sum(1 for c in items if c.status == "met"),
            sum(1 for c in items if c.status == "late"),
            tuple(sorted((c for c in items if c.status == "breaching"), key=lambda c: c.deadline)),
            sum(1 for c in items if c.status == "open"),
        )
        for owner, items in sorted(owners.items())
    }


def owner_finding(owner: OwnerSla, within: float, stage: str) -> tuple[bool, float, str]:
    """(breached, observed breaching leads, why) for one owner's instance."""
    count = len(owner.breaching)
    rate = owner.attainment
    attained = f"attainment {rate:.0%}" if rate is not None else "no lead due yet"
    if not count:
        return False, 0.0, f"every {stage} lead contacted in time or still open ({attained})"
    shown = ", ".join(
        f"{c.lead.name or c.lead.lead_key} (due {c.deadline:%m-%d %H:%M})"
        for c in owner.breaching[:5]
    )
    more = f" and {count - 5} more" if count > 5 else ""
    why = (
        f"{count} {stage} lead(s) not contacted within {within:g} business hours: "
        f"{shown}{more} ({attained})"
    )
    return True, float(count), why
