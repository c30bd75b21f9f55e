"""Simulate what surrounds the leads: webinars, ad platform days, web traffic, the monthly
NPS survey and the operating margin of each closed month.

Everything is derived from the leads so the files agree with each other: an ad campaign's
conversions on a day are the leads that campaign brought that day, GA4 key events are the
web form leads of that channel group (every contact the site's form created, a person's
second record included: the CRM counts it too), webinar registrants are leads (they sign
up on Zoom, not on the site: no key event).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

from ikkan.demo.calendar import day_weights, days_between
from ikkan.demo.channels import CHANNELS_BY_KEY, PAID_CAMPAIGNS, WEBINAR_TOPICS
from ikkan.demo.records import AdDay, Join, Lead, Registration, TrafficDay, Webinar

# GA4 default channel groups: (group, form conversion rate, baseline sessions per day).
# Together about the template's CVR of 1.5% (web leads ÷ sessions).
TRAFFIC_GROUPS: tuple[tuple[str, float, int], ...] = (
    ("Organic Search", 0.0146, 0),
    ("Paid Search", 0.034, 0),
    ("Display", 0.0067, 0),
    ("Paid Social", 0.0134, 0),
    ("Email", 0.031, 0),
    ("Referral", 0.025, 0),
    ("Direct", 0.0134, 0),
    ("Organic Social", 0.0, 45),
    ("Unassigned", 0.0, 12),
)
# Ad cost per click is the campaign's list CPC times this (the budget's level: ~¥5M a month).
COST_SCALE = 1.65


def schedule_webinars(rng: random.Random, start: date, end: date) -> list[Webinar]:
    """One webinar a month (none in August), on the third Wednesday or Thursday at 14:00."""
    webinars = []
    month_start = date(start.year, start.month, 1)
    topic = 0
    while month_start <= end:
        if month_start.month != 8:
            weekday = 2 if month_start.month % 2 else 3
            first = month_start + timedelta(days=(weekday - month_start.weekday()) % 7)
            day = first + timedelta(days=14)
            begin = datetime.combine(day, datetime.min.time()).replace(hour=14)
            if start <= day and begin <= datetime.combine(end, datetime.max.time()):
                webinar_id = (
                    f"8{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
                )
                webinars.append(
                    Webinar(webinar_id, WEBINAR_TOPICS[topic % len(WEBINAR_TOPICS)], begin, 60)
                )
                topic += 1
        month_start = (month_start + timedelta(days=32)).replace(day=1)
    return webinars


def _typed_email(rng: random.Random, email: str) -> str:
    """People type their address into Zoom; a few capitalise it."""
    roll = rng.random()
    if roll < 0.04:
        return email[0].upper() + email[1:]
    if roll < 0.06:
        return email.upper()
    return email


def _joins(rng: random.Random, webinar: Webinar) -> list[Join]:
    end = webinar.start + timedelta(minutes=webinar.duration_minutes + 5)
    joined = webinar.start + timedelta(minutes=rng.randint(-8, 20), seconds=rng.randint(0, 59))
    left = min(end, joined + timedelta(minutes=rng.randint(12, 70), seconds=rng.randint(0, 59)))
    if rng.random() < 0.12 and left < end - timedelta(minutes=10):
        dropped = joined + (left - joined) / 2
        rejoined = dropped + timedelta(minutes=rng.randint(1, 6), seconds=rng.randint(0, 59))
        return [Join(joined, dropped), Join(rejoined, left)]
    return [Join(joined, left)]


def register_attendees(rng: random.Random, webinars: list[Webinar], leads: list[Lead]) -> None:
    by_webinar: dict[str, list[Lead]] = {}
    for lead in leads:
        if lead.channel == "webinar" and lead.duplicate_of is None:
            by_webinar.setdefault(lead.drill_down_2, []).append(lead)
    others = [lead for lead in leads if lead.channel != "webinar" and lead.duplicate_of is None]
    for webinar in webinars:
        newcomers = by_webinar.get(webinar.webinar_id, [])
        known = [lead for lead in others if lead.created.date() < webinar.day - timedelta(days=2)]
        returning = rng.sample(known, min(len(known), int(len(newcomers) * 0.4)))
        for lead in newcomers:
            webinar.registrations.append(
                Registration(lead, _typed_email(rng, lead.email), lead.created)
            )
        for lead in returning:
            days_before = rng.randint(1, 20)
            day = max(
                lead.created.date() + timedelta(days=1), webinar.day - timedelta(days=days_before)
            )
            when = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=rng.randint(480, 1380)
            )
            when = min(when, webinar.start - timedelta(minutes=30))
            webinar.registrations.append(Registration(lead, _typed_email(rng, lead.email), when))
        webinar.registrations.sort(key=lambda r: (r.registered, r.lead.record_id))
        for registration in webinar.registrations:
            rate = 0.55 if registration.lead.channel == "webinar" else 0.48
            if rng.random() < rate:
                registration.joins = _joins(rng, webinar)
        webinar.cancelled = rng.randint(0, max(1, len(webinar.registrations) // 25))


def simulate_ads(rng: random.Random, start: date, end: date, leads: list[Lead]) -> list[AdDay]:
    days = days_between(start, end)
    weights = day_weights(days)
    weight_sum = sum(weights)
    rows = []
    for campaign in PAID_CAMPAIGNS:
        mine = [
            lead
            for lead in leads
            if lead.duplicate_of is None and campaign.name in (lead.drill_down_1, lead.drill_down_2)
        ]
        per_day = Counter(lead.created.date() for lead in mine)
        for day, weight in zip(days, weights, strict=True):
            expected_leads = len(mine) * weight / weight_sum
            conversions = per_day.get(day, 0)
            clicks = round(expected_leads / campaign.conversion_rate * rng.uniform(0.8, 1.2))
            clicks = max(clicks, conversions)
            if clicks == 0:
                continue
            impressions = round(clicks / campaign.click_through_rate * rng.uniform(0.9, 1.1))
            cost = round(clicks * campaign.cost_per_click * COST_SCALE * rng.uniform(0.85, 1.15))
            rows.append(
                AdDay(
                    campaign.platform,
                    campaign.name,
                    campaign.channel,
                    day,
                    impressions,
                    clicks,
                    cost,
                    conversions,
                )
            )
    return rows


def simulate_traffic(
    rng: random.Random, start: date, end: date, leads: list[Lead]
) -> list[TrafficDay]:
    days = days_between(start, end)
    weights = day_weights(days)
    weight_sum = sum(weights)
    per_group_day: Counter[tuple[str, date]] = Counter()
    per_group: Counter[str] = Counter()
    for lead in leads:
        group = CHANNELS_BY_KEY[lead.channel].ga4_channel
        if group is not None:  # a near duplicate filled the form again: a key event too
            per_group_day[(group, lead.created.date())] += 1
            per_group[group] += 1
    rows = []
    for day, weight in zip(days, weights, strict=True):
        for group, conversion_rate, baseline in TRAFFIC_GROUPS:
            key_events = per_group_day.get((group, day), 0)
            if conversion_rate:
                smooth = per_group[group] * weight / weight_sum
                # campaigns (a webinar's invitation, an ad burst) bring visits and sign-ups
                # together: sessions follow the day's conversions as well as the calendar
                expected = (0.25 * smooth + 0.75 * key_events) / conversion_rate
            else:
                expected = baseline * weight
            sessions = max(key_events, round(expected * rng.uniform(0.85, 1.15)))
            if sessions == 0:
                continue
            engaged = round(sessions * rng.uniform(0.45, 0.72))
            rows.append(TrafficDay(day, group, sessions, max(engaged, key_events), key_events))
    return rows


def simulate_nps(rng: random.Random, start: date, end: date) -> list[tuple[str, float, int]]:
    """A customer pulse survey every month, closed and entered by the 10th: NPS near the
    plan's 40, improving slowly, with survey noise."""
    rows = []
    month = date(start.year, start.month, 1)
    total = max(1, (end.year - start.year) * 12 + end.month - start.month)
    index = 0
    while month.replace(day=10) <= end:
        score = 36.0 + 6.0 * index / total + rng.gauss(0.0, 2.0)
        rows.append((f"{month:%Y-%m}", round(score, 1), rng.randint(40, 130)))
        month = (month + timedelta(days=32)).replace(day=1)
        index += 1
    return rows


def simulate_operating_margin(
    rng: random.Random, start: date, end: date
) -> list[tuple[str, float]]:
    """Operating margin (営業利益 ÷ 売上) from the monthly close, entered by finance eight
    days after each month ends: near the plan's 15%, higher in March, lower in August."""
    rows = []
    month = date(start.year, start.month, 1)
    total = max(1, (end.year - start.year) * 12 + end.month - start.month)
    index = 0
    while True:
        following = (month + timedelta(days=32)).replace(day=1)
        if following + timedelta(days=8) > end:
            break
        season = {3: 0.02, 8: -0.015, 12: 0.005}.get(month.month, 0.0)
        margin = 0.138 + 0.015 * index / total + season + rng.gauss(0.0, 0.006)
        rows.append((f"{month:%Y-%m}", round(margin, 4)))
        month = following
        index += 1
    return rows
