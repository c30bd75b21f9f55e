"""The handoff SLA per owner: a lead that enters a stage (``from_stage``, e.g. mql) must
get a first contact (an activity of the ``contact`` types: call, connect, meeting), or
reach ``to_stage``, within ``within`` business hours on the project's business calendar.

Each lead is judged in SQL by ``compute.sla.sla_leads`` (the rule the ``sla_attainment``
metric reads too): ``met``, ``late``, ``breaching`` (not done, deadline passed) or
``open`` (deadline ahead). Here the judged leads are grouped per owner: the rule fires
per owner while the owner has breaching leads; the observed value is their number, and
the message lists them. Pure: ``sla_read`` reads the cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


def owner_finding(
    owner: OwnerSla, within: float, stage: str, to_stage: str | None = None
) -> tuple[bool, float, str]:
    """(breached, observed breaching leads, why) for one owner's instance."""
    done = f"moved to {to_stage}" if to_stage else "contacted"
    count = len(owner.breaching)
    rate = owner.attainment
    attained = f"attainment {rate:.0%}" if rate is not None else "no lead due yet"
    if not count:
        return False, 0.0, f"every {stage} lead {done} in time or still open ({attained})"
    shown = ", ".join(
        f"{c.lead.name or c.lead.lead_key} (due {c.deadline:%m-%d %H:%M})"
        for c in owner.breaching[:5]
    )
    more = f" and {count - 5} more" if count > 5 else ""
    why = (
        f"{count} {stage} lead(s) not {done} within {within:g} business hours: "
        f"{shown}{more} ({attained})"
    )
    return True, float(count), why
