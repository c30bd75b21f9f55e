"""Who each lead is: the better-fitting leads go further in the funnel (issue 11).

The funnel draws (``leads``, ``deals``) decide how many leads of each channel reach each
stage in each month; they do not look at who the lead is. In a real B2B company the leads
from larger companies in the target industries, and managers, convert more often, and
that is what the template's fit rules (company size, industry, role) bet on. So after
those draws, the leads of one business unit and month exchange who they are (person,
company, e-mail address, job title): ranked by how far each went in the funnel, they take
the identities ranked by fit plus noise, so the better-fitting ones go further more often
than not (the default score's AUC for a later opportunity is about 0.7). The channels that
convert better (webinars) thereby bring better-fitting leads than those that do not
(display), as targeting does.

The exchange draws from its own random stream, so the main stream's draws (and every
count per month and channel, date, amount and figure of the seeds' story) stay as they
were; only who carries each outcome changes. Deals follow their lead's company.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from ikkan.demo.deals import LABELS
from ikkan.demo.names import JOB_TITLES, Company, Person
from ikkan.demo.records import LIFECYCLE_ORDER, Deal, Lead

# The demo company's best customers: the industries the template's industry_fit rule names.
TARGET_INDUSTRIES = frozenset(
    {
        "Computer Software",
        "Information Technology and Services",
        "Logistics and Supply Chain",
        "Wholesale",
    }
)
DECISION_MAKERS = ("部長", "課長", "取締役")
# The spread of the noise added to each identity's fit (0 to 2.3) before ranking: the larger,
# the less fit predicts (0: the best fit always goes furthest; 1.1: AUC about 0.7).
NOISE = 1.1


@dataclass(frozen=True)
class Identity:
    person: Person
    company: Company
    email: str
    title: str


def fit(identity: Identity) -> float:
    """How likely this person is to buy, before noise (size weighs most, then industry)."""
    employees = identity.company.employees
    size = 1.0 if employees >= 300 else 0.6 if employees >= 100 else 0.3 if employees >= 30 else 0
    industry = 0.8 if identity.company.industry in TARGET_INDUSTRIES else 0.0
    role = 0.5 if any(word in identity.title for word in DECISION_MAKERS) else 0.0
    return size + industry + role


def _identity(lead: Lead) -> Identity:
    return Identity(lead.person, lead.company, lead.email, lead.title)


def _carry(lead: Lead, identity: Identity) -> None:
    lead.person = identity.person
    lead.company = identity.company
    lead.email = identity.email
    lead.title = identity.title


def assign_identities(leads: list[Lead], deals: list[Deal], seed: int) -> None:
    """Give every lead a job title and let the leads of one unit and month exchange
    identities so that fit predicts how far they go (see the module doc)."""
    rng = random.Random(f"{seed}-fit")  # noqa: S311 - demo data, not security
    for lead in leads:
        lead.title = JOB_TITLES[lead.record_id % len(JOB_TITLES)]
    groups: defaultdict[tuple[str, int, int], list[Lead]] = defaultdict(list)
    for lead in leads:
        if not lead.legacy and lead.duplicate_of is None:
            groups[(lead.unit, lead.created.year, lead.created.month)].append(lead)
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda lead: lead.record_id)
        identities = [_identity(lead) for lead in members]
        noisy = [fit(identity) + rng.gauss(0.0, NOISE) for identity in identities]
        tiebreak = [rng.random() for _ in members]
        by_fit = sorted(range(len(members)), key=lambda i: -noisy[i])
        by_stage = sorted(
            range(len(members)),
            key=lambda i: (-LIFECYCLE_ORDER.index(members[i].lifecycle), tiebreak[i]),
        )
        for lead_index, identity_index in zip(by_stage, by_fit, strict=True):
            _carry(members[lead_index], identities[identity_index])
    for deal in deals:
        if deal.lead is not None and deal.company is not deal.lead.company:
            deal.company = deal.lead.company
            deal.company_spelling = deal.company.canonical
            deal.name = f"{deal.company.canonical} - {LABELS[deal.kind]}"
