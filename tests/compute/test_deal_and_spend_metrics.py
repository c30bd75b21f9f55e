"""deal_amount, deal_count, retention, spend, cost_per and romi (see dataset.py)."""

from __future__ import annotations

import pytest


def test_deal_amount_won_by_close_month(engine):
    # won: Apr D5 1.2M | May D1 1.0M + D3 0.3M | Jun D2 0.5M + D8 0.2M + D9 (no amount)
    assert engine.values({"type": "deal_amount"}) == {
        ("2026-04", ""): 1_200_000,
        ("2026-05", ""): 1_300_000,
        ("2026-06", ""): 700_000,
    }


def test_average_deal_size_of_new_deals_skips_missing_amounts(engine):
    got = engine.measure({"type": "deal_amount", "deal_type": "new", "average": True})
    assert {k: (v["value"], v["numerator"], v["denominator"]) for k, v in got.items()} == {
        ("2026-05", ""): (1_000_000, 1_000_000, 1),
        ("2026-06", ""): (500_000, 500_000, 1),  # D9 has no amount
    }


def test_deal_count_by_status_and_type(engine):
    assert engine.values({"type": "deal_count", "deal_type": ["new"]}) == {
        ("2026-05", ""): 1,
        ("2026-06", ""): 2,
    }
    assert engine.values({"type": "deal_count", "status": "lost"}) == {
        ("2026-04", ""): 1,
        ("2026-05", ""): 1,
    }
    assert engine.values({"type": "deal_count", "status": "created"}) == {
        ("2026-04", ""): 2,
        ("2026-05", ""): 2,
    }
    by_channel = engine.values({"type": "deal_count"}, dimension="channel", grain="quarter")
    assert by_channel == {
        ("FY2026-Q1", "(none)"): 1,  # D8
        ("FY2026-Q1", "display"): 2,  # D2, D9
        ("FY2026-Q1", "paid_search"): 3,  # D1, D3, D5
    }


def test_retention_and_churn_with_open_renewals_maturing(engine):
    # due Apr: D5 won, D6 lost; due Jun: D7 open, D8 won
    got = engine.measure({"type": "retention"})
    assert {k: (v["numerator"], v["denominator"], v["maturing"]) for k, v in got.items()} == {
        ("2026-04", ""): (1, 2, False),
        ("2026-06", ""): (1, 2, True),
    }
    churn = engine.values({"type": "retention", "kind": "churn"})
    assert churn == {("2026-04", ""): 0.5, ("2026-06", ""): 0.0}
    amount = engine.measure({"type": "retention", "basis": "amount"}, grain="quarter")
    q1 = amount[("FY2026-Q1", "")]
    assert (q1["numerator"], q1["denominator"]) == (1_400_000, 2_400_000)
    assert q1["value"] == pytest.approx(1_400_000 / 2_400_000)
    assert q1["maturing"] is True


def test_renewals_due_are_the_retention_denominator(engine):
    # due Apr: D5 won, D6 lost; due Jun: D7 open, D8 won: the open one counts where it is due
    due = engine.measure({"type": "deal_amount", "deal_type": "renewal", "status": "due"})
    retention = engine.measure({"type": "retention", "basis": "amount"})
    assert set(due) == set(retention) == {("2026-04", ""), ("2026-06", "")}
    for key, rate in retention.items():
        assert due[key]["value"] == rate["denominator"], key
    closed = engine.values({"type": "deal_amount", "deal_type": "renewal", "status": "closed"})
    assert closed[("2026-06", "")] < due[("2026-06", "")]["value"]  # D7 is open
    assert engine.values({"type": "deal_count", "deal_type": "renewal", "status": "due"}) == {
        ("2026-04", ""): 2,
        ("2026-06", ""): 2,
    }


def test_spend_by_month_and_channel(engine):
    assert engine.values({"type": "spend"}) == {
        ("2026-04", ""): 150_000,
        ("2026-05", ""): 230_000,
        ("2026-06", ""): 70_000,
    }
    clicks = engine.values({"type": "spend", "measure": "clicks"}, dimension="channel")
    assert clicks[("2026-05", "paid_search")] == 800
    assert clicks[("2026-04", "display")] == 100


def test_cost_per_lead(engine):
    # leads created: Mar L1 L2 | Apr L3 L4 L5 L8 | May L6 L7; spend Apr 150k, May 230k, Jun 70k
    got = engine.measure({"type": "cost_per", "per": "lead"})
    assert {k: (v["numerator"], v["denominator"], v["value"]) for k, v in got.items()} == {
        ("2026-03", ""): (None, 2, None),  # no spend row in March: no value, not ¥0
        ("2026-04", ""): (150_000, 4, 37_500),
        ("2026-05", ""): (230_000, 2, 115_000),
        ("2026-06", ""): (70_000, 0, None),
    }
    paid = engine.values({"type": "cost_per", "per": "lead", "filters": {"channel": "paid_search"}})
    assert paid == {
        ("2026-03", ""): None,
        ("2026-04", ""): 50_000,  # 100k ÷ L3, L5
        ("2026-05", ""): None,  # 200k, no paid lead
        ("2026-06", ""): None,
    }


def test_cost_per_stage_and_won(engine):
    cpa = engine.values({"type": "cost_per", "per": "stage", "stage": "mql"})
    assert cpa[("2026-04", "")] == 50_000  # 150k ÷ 3 mql
    assert cpa[("2026-05", "")] == 115_000
    cac = engine.values({"type": "cost_per", "per": "won"})
    assert cac == {
        ("2026-04", ""): 150_000,
        ("2026-05", ""): 115_000,
        ("2026-06", ""): pytest.approx(70_000 / 3),
    }
    cac_new = engine.values({"type": "cost_per", "per": "won", "deal_type": "new"})
    assert cac_new[("2026-06", "")] == 35_000  # D2, D9
    assert cac_new[("2026-04", "")] is None  # spend, no new deal won


def test_cost_per_is_no_value_where_nothing_was_spent_like_romi(engine):
    """A channel without any spend row has no CPL / CPA / CAC (as it has no ROMI)."""
    spend = engine.values({"type": "spend"}, dimension="channel")
    for metric in (
        {"type": "cost_per", "per": "lead"},
        {"type": "cost_per", "per": "stage", "stage": "mql"},
        {"type": "cost_per", "per": "won"},
        {"type": "romi"},
    ):
        got = engine.measure(metric, dimension="channel")
        unpaid = {k: v for k, v in got.items() if k[1] not in ("paid_search", "display")}
        assert unpaid, metric  # results in channels nobody paid for
        assert all(v["value"] is None for v in unpaid.values()), (metric, unpaid)
        paid = [v["value"] for k, v in got.items() if spend.get(k) and v["denominator"]]
        assert paid and all(value is not None for value in paid), (metric, got)


def test_romi(engine):
    got = engine.values({"type": "romi"})
    assert got[("2026-04", "")] == pytest.approx(7.0)  # (1.2M - 150k) / 150k
    assert got[("2026-05", "")] == pytest.approx(1_070_000 / 230_000)
    new = engine.values({"type": "romi", "deal_type": "new"})
    assert new[("2026-06", "")] == pytest.approx(430_000 / 70_000)
    by_channel = engine.values({"type": "romi"}, dimension="channel")
    assert by_channel[("2026-05", "paid_search")] == pytest.approx(5.5)  # 1.3M - 200k
    assert by_channel[("2026-05", "display")] == pytest.approx(-1.0)
