"""Simulate deals: one new-business deal per opportunity, then the existing business.

New business: win rates come from the lead's channel (about 20%); sales cycles are 10–30
business days for wins and 8–30 for losses; deals whose close would fall after the window
stay open in a stage that matches their age. Deal sizes average about ¥4.0M (the template's
assumption): SMB about ¥3M, エンタープライズ about ¥7.5M. A won new deal makes the lead a
customer.

Existing business (the template's retention and expansion KSFs):
- **renewal**: every customer's annual licence comes up for renewal on each anniversary of
  the win (about 45% of the first deal, which also carried the one-off 導入費), renewed with
  about 95% probability (continuation by amount near the plan's 95%); a lost renewal ends the
  contract. Customers from before the window renew inside it too.
- **upsell** (追加ライセンス) and **cross_sell** (オプション製品): during a contract year a
  customer buys more with a probability that keeps them near 15% and 10% of the renewed
  revenue (the template's アップセル率 and クロスセル率).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ikkan.demo.calendar import add_business_days, office_time
from ikkan.demo.channels import CHANNELS_BY_KEY
from ikkan.demo.names import ENTERPRISE_REPS, SALES_REPS
from ikkan.demo.quota import Quota
from ikkan.demo.records import ENTERPRISE, Deal, Lead

FIRST_DEAL_ID = 18_200_000_101
OPEN_STAGES = 5  # stage_index 0..4 are open, 5 won, 6 lost
WON, LOST = 5, 6
LICENCE_SHARE = 0.45  # of the first deal: the annual licence that renews
RENEWAL_RATE = 0.95
WIN_SCALE = 0.92  # the channels' win rates, scaled to a company-wide ~19%
UPSELL_CHANCE, UPSELL_SIZE, UPSELL_WIN = 0.85, (0.18, 0.42), 0.65
CROSS_SELL_CHANCE, CROSS_SELL_SIZE, CROSS_SELL_WIN = 0.75, (0.12, 0.30), 0.60
LABELS = {
    "new": "新規導入",
    "renewal": "年間更新",
    "upsell": "追加ライセンス",
    "cross_sell": "オプション追加",
}


def _round_amount(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value / 10_000) * 10_000)))


class DealFactory:
    def __init__(self, rng: random.Random, start: date, end: date) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.start_of_window = datetime.combine(start, datetime.min.time())
        self.end_of_window = datetime.combine(end, datetime.max.time())
        self.next_id = FIRST_DEAL_ID
        self.quota = Quota(rng)

    def _id(self) -> int:
        value = self.next_id
        self.next_id += self.rng.randint(3, 97)
        return value

    def _owner(self, unit: str) -> str:
        return self.rng.choice(ENTERPRISE_REPS if unit == ENTERPRISE else SALES_REPS)

    def new_business(self, leads: list[Lead]) -> list[Deal]:
        deals = []
        opportunities = [
            lead
            for lead in leads
            if lead.opportunity is not None and lead.duplicate_of is None and not lead.legacy
        ]
        opportunities.sort(key=lambda lead: (lead.opportunity, lead.record_id))
        for lead in opportunities:
            assert lead.opportunity is not None
            amount = self.new_amount(lead)
            channel = CHANNELS_BY_KEY[lead.channel]
            size = 1.1 if lead.company.employees < 300 else 0.9
            won = self.quota.hit(("won", lead.unit), channel.win_rate * size * WIN_SCALE)
            deal = self._deal(
                lead.unit, lead, "new", amount, lead.opportunity, won, (10, 30), (8, 30)
            )
            deal.lead_source = lead.channel
            deals.append(deal)
            if deal.is_won and deal.closed <= self.end_of_window:
                lead.customer = deal.closed
        return deals

    def existing_business(self, new_deals: list[Deal], legacy: list[Lead]) -> list[Deal]:
        """Renewals, upsells and cross-sells of every contract won so far."""
        contracts: list[tuple[Lead, datetime, int]] = [
            (d.lead, d.closed, d.amount)
            for d in new_deals
            if d.is_won and d.lead is not None and d.closed <= self.end_of_window
        ]
        for lead in legacy:
            assert lead.customer is not None
            contracts.append((lead, lead.customer, self.new_amount(lead)))
        deals: list[Deal] = []
        contracts.sort(key=lambda c: (c[1], c[0].record_id))
        for lead, won_at, first_amount in contracts:
            deals.extend(self._contract_years(lead, won_at, first_amount))
        return deals

    def _contract_years(self, lead: Lead, won_at: datetime, first_amount: int) -> list[Deal]:
        rng = self.rng
        licence = _round_amount(first_amount * LICENCE_SHARE, 300_000, 20_000_000)
        deals: list[Deal] = []
        year_start = won_at
        while year_start <= self.end_of_window:
            for kind, chance, size, win in (
                ("upsell", UPSELL_CHANCE, UPSELL_SIZE, UPSELL_WIN),
                ("cross_sell", CROSS_SELL_CHANCE, CROSS_SELL_SIZE, CROSS_SELL_WIN),
            ):
                if not self.quota.hit(kind, chance):
                    continue
                created = year_start + timedelta(days=rng.randint(60, 300))
                if self.start_of_window <= created <= self.end_of_window:
                    amount = _round_amount(licence * rng.uniform(*size), 100_000, 15_000_000)
                    won = self.quota.hit((kind, "won"), win)
                    deals.append(
                        self._deal(lead.unit, lead, kind, amount, created, won, (15, 45), (10, 40))
                    )
            anniversary = year_start + timedelta(days=365)
            created = anniversary - timedelta(days=rng.randint(75, 100))
            if created > self.end_of_window:
                break
            licence = _round_amount(licence * rng.uniform(1.0, 1.06), 300_000, 20_000_000)
            renewed = self.quota.hit("renewal", RENEWAL_RATE)
            if created >= self.start_of_window:
                deal = self._renewal(lead, licence, created, anniversary, renewed)
                deals.append(deal)
            if not renewed:
                break
            year_start = anniversary
        return deals

    def _renewal(
        self, lead: Lead, amount: int, created: datetime, due: datetime, renewed: bool
    ) -> Deal:
        """A renewal is decided (signed, or the customer gives notice) 30–50 days before the
        contract ends; undecided ones stay open with the due day as their close date."""
        rng = self.rng
        close_day = add_business_days(due.date() - timedelta(days=rng.randint(42, 70)), 0)
        closed = office_time(close_day, rng.randint(10 * 60, 19 * 60))
        stage = WON if renewed else LOST
        if closed > self.end_of_window:
            stage = min(OPEN_STAGES - 1, max(0, (self.end - created.date()).days // 14))
            closed = datetime.combine(due.date(), datetime.min.time())
        return self._make(lead.unit, lead, "renewal", stage, amount, created, closed)

    def new_amount(self, lead: Lead) -> int:
        size_factor = (lead.company.employees / 300) ** 0.2
        unit_factor = 1.7 if lead.unit == ENTERPRISE else 1.0
        value = 3_400_000 * size_factor * unit_factor * self.rng.lognormvariate(-0.03, 0.25)
        return _round_amount(value, 500_000, 30_000_000)

    def _deal(
        self,
        unit: str,
        lead: Lead,
        kind: str,
        amount: int,
        created: datetime,
        won: bool,
        win_lag: tuple[int, int],
        loss_lag: tuple[int, int],
    ) -> Deal:
        rng = self.rng
        lag = rng.randint(*(win_lag if won else loss_lag))
        close_day = add_business_days(created.date() + timedelta(days=1), lag)
        closed = office_time(close_day, rng.randint(10 * 60, 19 * 60))
        stage = WON if won else LOST
        if closed > self.end_of_window:
            elapsed = max(0, (self.end - created.date()).days)
            stage = min(OPEN_STAGES - 1, elapsed // 14)
            closed = datetime.combine(
                max(close_day, self.end + timedelta(days=7)), datetime.min.time()
            )
        return self._make(unit, lead, kind, stage, amount, created, closed)

    def _make(
        self,
        unit: str,
        lead: Lead,
        kind: str,
        stage: int,
        amount: int,
        created: datetime,
        closed: datetime,
    ) -> Deal:
        company = lead.company
        return Deal(
            record_id=self._id(),
            unit=unit,
            name=f"{company.canonical} - {LABELS[kind]}",
            company=company,
            company_spelling=company.canonical,
            lead=lead,
            kind=kind,
            stage_index=stage,
            amount=amount,
            created=created,
            closed=closed,
            owner=self._owner(unit),
            lead_source="",
        )
