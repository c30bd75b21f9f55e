"""Simulate deals: one new-business deal per opportunity, then renewals and upsells.

Win rates come from the lead's channel (about 20%); sales cycles are 20–70 business days
for wins and 10–60 for losses; deals whose close would fall after the window stay open in a
stage that matches their age. A won new deal makes the lead a customer; a year later the
customer renews (about 92%) and a quarter of customers buy more within a year.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ikkan.demo.calendar import add_business_days, office_time
from ikkan.demo.channels import CHANNELS_BY_KEY
from ikkan.demo.names import ENTERPRISE_REPS, SALES_REPS
from ikkan.demo.records import ENTERPRISE, Deal, Lead

FIRST_DEAL_ID = 18_200_000_101
OPEN_STAGES = 5  # stage_index 0..4 are open, 5 won, 6 lost
WON, LOST = 5, 6


def _round_amount(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value / 10_000) * 10_000)))


class DealFactory:
    def __init__(self, rng: random.Random, end: date) -> None:
        self.rng = rng
        self.end = end
        self.end_of_window = datetime.combine(end, datetime.max.time())
        self.next_id = FIRST_DEAL_ID

    def _id(self) -> int:
        value = self.next_id
        self.next_id += self.rng.randint(3, 97)
        return value

    def _owner(self, unit: str) -> str:
        return self.rng.choice(ENTERPRISE_REPS if unit == ENTERPRISE else SALES_REPS)

    def new_business(self, leads: list[Lead]) -> list[Deal]:
        deals = []
        for lead in leads:
            if lead.opportunity is None or lead.duplicate_of is not None:
                continue
            amount = self._new_amount(lead)
            channel = CHANNELS_BY_KEY[lead.channel]
            size = 1.1 if lead.company.employees < 300 else 0.9
            won = self.rng.random() < channel.win_rate * size
            deal = self._deal(
                lead.unit, lead, "new", amount, lead.opportunity, won, (20, 70), (10, 60)
            )
            deal.lead_source = lead.channel
            deals.append(deal)
            if deal.is_won and deal.closed <= self.end_of_window:
                lead.customer = deal.closed
        return deals

    def existing_business(self, new_deals: list[Deal]) -> list[Deal]:
        deals = []
        for won in [d for d in new_deals if d.is_won and d.lead is not None]:
            assert won.lead is not None
            renewal_created = won.closed + timedelta(days=365 - self.rng.randint(30, 60))
            if renewal_created <= self.end_of_window:
                amount = _round_amount(
                    won.amount * self.rng.uniform(1.0, 1.12), 100_000, 40_000_000
                )
                won_it = self.rng.random() < 0.92
                deal = self._deal(
                    won.unit,
                    won.lead,
                    "renewal",
                    amount,
                    renewal_created,
                    won_it,
                    (15, 45),
                    (15, 45),
                )
                deals.append(deal)
            if self.rng.random() < 0.25:
                created = won.closed + timedelta(days=self.rng.randint(90, 300))
                if created <= self.end_of_window:
                    amount = _round_amount(
                        won.amount * self.rng.uniform(0.2, 0.6), 100_000, 20_000_000
                    )
                    won_it = self.rng.random() < 0.5
                    deal = self._deal(
                        won.unit, won.lead, "upsell", amount, created, won_it, (15, 50), (10, 40)
                    )
                    deals.append(deal)
        return deals

    def _new_amount(self, lead: Lead) -> int:
        size_factor = (lead.company.employees / 100) ** 0.3
        unit_factor = 2.5 if lead.unit == ENTERPRISE else 1.0
        value = 1_200_000 * size_factor * unit_factor * self.rng.lognormvariate(0.0, 0.45)
        return _round_amount(value, 300_000, 20_000_000)

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
        company = lead.company
        label = {"new": "新規導入", "renewal": "年間更新", "upsell": "追加ライセンス"}[kind]
        return Deal(
            record_id=self._id(),
            unit=unit,
            name=f"{company.canonical} - {label}",
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
