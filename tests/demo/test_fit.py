"""The fit story (issue 11): better-fitting leads go further in the funnel, and the
exchange of identities that makes it so leaves every funnel draw as it was."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

import ikkan.demo.world as world_module
from ikkan.demo.fit import Identity, fit
from ikkan.demo.names import JOB_TITLES
from ikkan.demo.records import Lead, World
from ikkan.demo.world import build_world

START, END = date(2025, 4, 1), date(2026, 11, 15)


def _world(leads: int = 3000, seed: int = 3) -> World:
    return build_world(seed, leads, START, END, "株式会社サンプル")


def _identity(lead: Lead) -> tuple[str, str, str]:
    return lead.email, lead.company.canonical, lead.title


def _fit(lead: Lead) -> float:
    return fit(Identity(lead.person, lead.company, lead.email, lead.title))


def _month(lead: Lead) -> tuple[str, str]:
    return lead.unit, f"{lead.created:%Y-%m}"


def test_the_exchange_changes_who_converts_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exchanged = _world()

    def titles_only(leads: list[Lead], deals: object, seed: int) -> None:
        for lead in leads:
            lead.title = JOB_TITLES[lead.record_id % len(JOB_TITLES)]

    monkeypatch.setattr(world_module, "assign_identities", titles_only)
    plain = _world()

    fields = (
        *("record_id", "unit", "channel", "created", "mql", "sql", "opportunity", "customer"),
        *("drill_down_1", "drill_down_2", "owner", "campaign", "legacy"),
    )

    def funnel(world: World) -> list[tuple[object, ...]]:
        return [tuple(getattr(lead, name) for name in fields) for lead in world.leads]

    def deals(world: World) -> list[tuple[object, ...]]:
        return [
            (d.record_id, d.kind, d.stage_index, d.amount, d.created, d.closed) for d in world.deals
        ]

    assert funnel(exchanged) == funnel(plain)
    assert deals(exchanged) == deals(plain)
    assert exchanged.ad_days == plain.ad_days and exchanged.traffic == plain.traffic

    def people(world: World) -> Counter[tuple[object, ...]]:
        """Who the leads of each unit and month are (a near duplicate copies its person)."""
        return Counter(
            (_month(lead), _identity(lead)) for lead in world.leads if lead.duplicate_of is None
        )

    assert people(exchanged) == people(plain)
    moved = sum(
        _identity(a) != _identity(b) for a, b in zip(exchanged.leads, plain.leads, strict=True)
    )
    assert moved > len(plain.leads) / 2


def test_identities_move_whole_and_deals_follow_their_lead() -> None:
    world = _world()
    emails = [lead.email for lead in world.leads if lead.duplicate_of is None]
    assert len(emails) == len(set(emails))
    for lead in world.leads:
        assert lead.email.lower().endswith("@" + lead.company.domain)  # near duplicates: Upper
        assert lead.title in JOB_TITLES
    for deal in world.deals:
        assert deal.lead is not None
        assert deal.company is deal.lead.company
        assert deal.name.startswith(deal.company.canonical + " - ")


def test_leads_that_went_further_fit_better() -> None:
    world = _world()
    for unit in ("main", "enterprise"):
        mine = [lead for lead in world.leads if lead.unit == unit and not lead.legacy]
        reached = [_fit(lead) for lead in mine if lead.opportunity is not None]
        others = [_fit(lead) for lead in mine if lead.mql is None]
        assert reached and others
        assert sum(reached) / len(reached) > sum(others) / len(others) + 0.3
