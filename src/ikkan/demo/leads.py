"""Simulate leads and their stage progression (lead → MQL → SQL → opportunity).

Counts per channel follow the channel shares; creation days follow the business calendar
(webinar leads register before a webinar, trade-show leads are imported after the show);
each stage is reached with the channel's rate (drawn in creation order through ``Quota``, so
monthly rates stay near it) after a lag in business days, and only if that date is not after
the end of the window (recent cohorts are still maturing). Customers from before the window
walked the funnel a year or two earlier; only their renewals fall inside it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ikkan.demo.calendar import add_business_days, day_weights, days_between, office_time
from ikkan.demo.channels import CHANNELS, PAID_CAMPAIGNS, PLATFORM_DRILL_DOWN, TRADE_SHOWS
from ikkan.demo.names import INSIDE_SALES, Company, make_person
from ikkan.demo.quota import Quota
from ikkan.demo.records import ENTERPRISE, MAIN, Lead, Webinar

FIRST_CONTACT_ID = 51001


def split_counts(total: int, shares: list[float]) -> list[int]:
    """Largest-remainder split of ``total`` by ``shares`` (sums to ``total`` exactly)."""
    norm = sum(shares)
    raw = [total * s / norm for s in shares]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def trade_show_days(start: date, end: date) -> list[tuple[date, str]]:
    shows = []
    for year in range(start.year, end.year + 1):
        for month, day, name in TRADE_SHOWS:
            show = date(year, month, day)
            if start <= show <= end:
                shows.append((show, f"{name} {year}"))
    return shows


class LeadFactory:
    def __init__(
        self, rng: random.Random, start: date, end: date, companies: list[Company]
    ) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.end_of_window = datetime.combine(end, datetime.max.time())
        self.days = days_between(start, end)
        self.weights = day_weights(self.days)
        self.companies = companies
        self.big_companies = [c for c in companies if c.employees >= 300] or companies
        self.shows = trade_show_days(start, end)
        self.emails: set[str] = set()
        self.next_id = FIRST_CONTACT_ID
        self.quota = Quota(rng)

    def make_leads(self, total: int, webinars: list[Webinar], legacy: int = 0) -> list[Lead]:
        """``total`` leads in the window plus ``legacy`` customers from before it."""
        enterprise_total = round(total * 0.2)
        leads: list[Lead] = self.legacy_customers(legacy)
        for unit, unit_total in ((MAIN, total - enterprise_total), (ENTERPRISE, enterprise_total)):
            shares = [c.share_main if unit == MAIN else c.share_enterprise for c in CHANNELS]
            for channel, count in zip(CHANNELS, split_counts(unit_total, shares), strict=True):
                for _ in range(count):
                    leads.append(self._lead(unit, channel.key, webinars))
        leads.sort(key=lambda lead: (lead.created, lead.email))
        for lead in leads:  # ids grow with creation time, as in a real portal
            lead.record_id = self.next_id
            self.next_id += self.rng.randint(1, 37)
            if not lead.legacy:
                self._progress(lead)  # in time order, so the quotas spread evenly over months
        return leads

    def _created(self, channel: str, webinars: list[Webinar]) -> tuple[datetime, str, str]:
        """Creation time, the drill-down campaign value and the first-touch campaign."""
        rng = self.rng
        if channel == "webinar" and webinars:
            webinar = rng.choices(webinars, [1.0 + i * 0.03 for i in range(len(webinars))])[0]
            day = max(self.start, webinar.day - timedelta(days=rng.randint(0, 20)))
            when = office_time(day, rng.randint(8 * 60, 23 * 60))
            when = min(when, webinar.start - timedelta(minutes=rng.randint(10, 90)))
            return when, webinar.webinar_id, f"ウェビナー {webinar.day:%Y/%m} {webinar.topic}"
        if channel == "event" and self.shows:
            show, name = rng.choice(self.shows)
            day = add_business_days(show, rng.randint(2, 12))
            if day <= self.end:
                return office_time(day, rng.randint(10 * 60, 11 * 60)), name, name
        day = rng.choices(self.days, self.weights)[0]
        minute = int(rng.triangular(8 * 60, 23 * 60, 14 * 60))
        return office_time(day, minute), "", ""

    def _lead(self, unit: str, channel: str, webinars: list[Webinar]) -> Lead:
        rng = self.rng
        created, campaign, first_touch = self._created(channel, webinars)
        company = rng.choice(self.big_companies if unit == ENTERPRISE else self.companies)
        person = make_person(rng)
        email = self._unique_email(person.email_at(company.domain))
        drill_1, drill_2 = self._drill_downs(channel, campaign)
        if channel in ("paid_search", "paid_social"):
            first_touch = drill_2  # the ad campaign (utm_campaign)
        elif channel == "display":
            first_touch = drill_1
        elif channel == "email":
            first_touch = "メルマガ定期配信"
        lead = Lead(
            record_id=0,
            unit=unit,
            person=person,
            company=company,
            company_spelling=company.canonical,
            email=email,
            channel=channel,
            drill_down_1=drill_1,
            drill_down_2=drill_2,
            created=created,
            owner=rng.choice(INSIDE_SALES),
            campaign=first_touch,
        )
        return lead

    def legacy_customers(self, count: int) -> list[Lead]:
        """Customers won before the window (their contracts renew inside it): each walked
        through the funnel 1–2 years before the window starts."""
        rng = self.rng
        customers = []
        for index in range(count):
            unit = ENTERPRISE if rng.random() < 0.3 else MAIN
            shares = [c.share_main if unit == MAIN else c.share_enterprise for c in CHANNELS]
            channel = rng.choices(CHANNELS, shares)[0].key
            company = rng.choice(self.big_companies if unit == ENTERPRISE else self.companies)
            person = make_person(rng)
            # anniversaries spread evenly over the year (renewals due every month)
            days_before = 1 + int((index + rng.random()) / count * 364)
            won = datetime.combine(
                self.start - timedelta(days=days_before), datetime.min.time()
            ) + timedelta(hours=rng.randint(10, 18))
            created = won - timedelta(days=rng.randint(90, 240))
            drill_1, drill_2 = self._drill_downs(channel, "")
            lead = Lead(
                record_id=0,
                unit=unit,
                person=person,
                company=company,
                company_spelling=company.canonical,
                email=self._unique_email(person.email_at(company.domain)),
                channel=channel,
                drill_down_1=drill_1,
                drill_down_2=drill_2,
                created=created,
                mql=created + timedelta(days=rng.randint(3, 20)),
                owner=rng.choice(INSIDE_SALES),
                legacy=True,
            )
            assert lead.mql is not None
            lead.sql = lead.mql + timedelta(days=rng.randint(3, 15))
            lead.opportunity = lead.sql + timedelta(days=rng.randint(5, 20))
            lead.customer = won
            customers.append(lead)
        return customers

    def _drill_downs(self, channel: str, campaign: str) -> tuple[str, str]:
        rng = self.rng
        paid = [c for c in PAID_CAMPAIGNS if c.channel == channel]
        if paid:
            chosen = rng.choices(paid, [c.share for c in paid])[0]
            if (chosen.platform, channel) in PLATFORM_DRILL_DOWN:
                engine = PLATFORM_DRILL_DOWN[(chosen.platform, channel)]
                if channel == "paid_social" and chosen.name.startswith("IG"):
                    engine = "Instagram"
                return engine, chosen.name
            return chosen.name, chosen.platform  # display: Other Campaigns / utm_campaign
        channel_def = next(c for c in CHANNELS if c.key == channel)
        return rng.choice(channel_def.drill_downs), campaign

    def _unique_email(self, email: str) -> str:
        candidate = email
        n = 2
        while candidate in self.emails:
            local, domain = email.split("@")
            candidate = f"{local}{n}@{domain}"
            n += 1
        self.emails.add(candidate)
        return candidate

    def _at(self, earlier: datetime, low: int, high: int) -> datetime | None:
        day = add_business_days(earlier.date() + timedelta(days=1), self.rng.randint(low, high))
        when = office_time(day, self.rng.randint(9 * 60, 19 * 60))
        if when <= earlier:
            when = earlier + timedelta(minutes=self.rng.randint(5, 120))
        return when if when <= self.end_of_window else None

    def _progress(self, lead: Lead) -> None:
        rng = self.rng
        channel = next(c for c in CHANNELS if c.key == lead.channel)
        fit = 1.08 if lead.company.employees >= 300 else 0.97
        skips_mql = lead.channel == "referral" and rng.random() < 0.3
        if not self.quota.hit((lead.channel, "mql"), min(0.95, channel.mql_rate * fit)):
            return
        step = lead.created
        if not skips_mql:
            lead.mql = self._at(step, 0, 5)
            if lead.mql is None:
                return
            step = lead.mql
        if not self.quota.hit((lead.channel, "sql"), channel.sql_rate):
            return
        lead.sql = self._at(step, 0, 4)
        if lead.sql is None or not self.quota.hit(
            (lead.channel, "opportunity"), channel.opportunity_rate
        ):
            return
        lead.opportunity = self._at(lead.sql, 1, 7)
