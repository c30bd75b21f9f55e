"""Build the simulated world once; every export file is a view of it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from ikkan.demo.activity import (
    register_attendees,
    schedule_webinars,
    simulate_ads,
    simulate_nps,
    simulate_operating_margin,
    simulate_traffic,
)
from ikkan.demo.deals import DealFactory
from ikkan.demo.fit import assign_identities
from ikkan.demo.leads import LeadFactory
from ikkan.demo.names import make_companies, spelling_for
from ikkan.demo.records import ENTERPRISE, MAIN, Lead, World

NEAR_DUPLICATES = 5  # people who filled a form twice with a differently cased e-mail
EXACT_DUPLICATES = 3  # contact rows exported twice, byte for byte
# Customers from before the window, per lead in it: with 9,200 leads 74 contracts,
# whose renewals (with the first year's wins) make the template's ¥330M recurring base.
LEGACY_PER_LEAD = 0.008


def _score(rng: random.Random, lead: Lead) -> int:
    fit = 10 + min(30, lead.company.employees // 40)
    stage_points = {"lead": 5, "mql": 35, "sql": 40, "opportunity": 45, "customer": 45}
    return min(100, fit + stage_points[lead.lifecycle] + rng.randint(0, 20))


def _status(rng: random.Random, lead: Lead) -> str:
    stage = lead.lifecycle
    if stage == "customer":
        return "connected"
    if stage == "opportunity":
        return "open_deal"
    if stage == "sql":
        return "in_progress"
    if stage == "mql":
        return rng.choice(("open", "attempted_to_contact", "connected"))
    return rng.choice(("new", "new", "unqualified", "attempted_to_contact", "bad_timing"))


def _near_duplicates(rng: random.Random, leads: list[Lead], end: date, next_id: int) -> list[Lead]:
    candidates = [
        lead
        for lead in leads
        if lead.unit == MAIN and not lead.legacy and lead.created.date() < end - timedelta(days=150)
    ]
    copies = []
    for original in rng.sample(candidates, min(NEAR_DUPLICATES, len(candidates))):
        local, domain = original.email.split("@")
        email = f"{local[0].upper()}{local[1:]}@{domain[0].upper()}{domain[1:]}"
        created = original.created + timedelta(
            days=rng.randint(20, 140), minutes=rng.randint(1, 600)
        )
        copies.append(
            replace(
                original,
                record_id=next_id,
                email=email,
                created=created,
                channel="direct",
                drill_down_1="",
                drill_down_2="",
                mql=None,
                sql=None,
                opportunity=None,
                customer=None,
                duplicate_of=original.record_id,
            )
        )
        next_id += rng.randint(1, 37)
    return copies


def build_world(seed: int, leads: int, start: date, end: date, company: str) -> World:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    companies = make_companies(rng, 400)
    webinars = schedule_webinars(rng, start, end)
    lead_factory = LeadFactory(rng, start, end, companies)
    people = lead_factory.make_leads(leads, webinars, legacy=round(leads * LEGACY_PER_LEAD))

    deal_factory = DealFactory(rng, start, end)
    new_deals = deal_factory.new_business(people)
    legacy = [lead for lead in people if lead.legacy]
    deals = new_deals + deal_factory.existing_business(new_deals, legacy)
    deals.sort(key=lambda d: (d.created, d.record_id))
    assign_identities(people, deals, seed)  # its own random stream: the draws above stay

    for lead in people:
        lead.company_spelling = spelling_for(rng, lead.company, allow_cp932_only=True)
        lead.status = _status(rng, lead)
        lead.score = _score(rng, lead)
    for deal in deals:
        deal.company_spelling = spelling_for(
            rng, deal.company, allow_cp932_only=deal.unit == ENTERPRISE
        )

    duplicates = _near_duplicates(rng, people, end, lead_factory.next_id)
    for copy in duplicates:
        copy.status = "new"
        copy.score = _score(rng, copy)
    all_leads = sorted(people + duplicates, key=lambda lead: (lead.created, lead.record_id))
    register_attendees(rng, webinars, all_leads)
    main_ids = [lead.record_id for lead in people if lead.unit == MAIN and not lead.legacy]
    exact = sorted(rng.sample(main_ids, min(EXACT_DUPLICATES, len(main_ids))))
    in_window = [lead for lead in people if not lead.legacy]
    return World(
        start=start,
        end=end,
        company=company,
        leads=all_leads,
        deals=deals,
        webinars=webinars,
        ad_days=simulate_ads(rng, start, end, in_window),
        traffic=simulate_traffic(rng, start, end, in_window + duplicates),
        exact_duplicate_ids=exact,
        nps=simulate_nps(rng, start, end),
        operating_margin=simulate_operating_margin(rng, start, end),
    )
