"""stage_count, conversion and velocity on the hand-computed dataset (see dataset.py)."""

from __future__ import annotations

from datetime import date

import pytest

MQL = {"type": "stage_count", "stage": "mql"}


def test_stage_count_strict_counts_recorded_entries_once(engine):
    # mql entries: Mar L1 L2 | Apr L3 L4 L8 | May L6 L7; L1's second mql row (Apr) is ignored
    got = engine.measure(MQL)
    assert {k: v["value"] for k, v in got.items()} == {
        ("2026-03", ""): 2,
        ("2026-04", ""): 3,
        ("2026-05", ""): 2,
    }
    april = got[("2026-04", "")]
    assert april["period_start"] == date(2026, 4, 1)
    assert april["period_end"] == date(2026, 4, 30)
    assert april["numerator"] == 3
    assert april["denominator"] is None
    assert april["maturing"] is False


def test_stage_count_inferred_counts_skipped_stages(engine):
    # L5 never recorded mql but reached sql on 04-28: inferred mql in April
    assert engine.values({**MQL, "mode": "inferred"}) == {
        ("2026-03", ""): 2,
        ("2026-04", ""): 4,
        ("2026-05", ""): 2,
    }
    # inferred sql: L3's opportunity (04-20) stands in for its missing sql
    assert engine.values({"type": "stage_count", "stage": "sql", "mode": "inferred"}) == {
        ("2026-03", ""): 1,
        ("2026-04", ""): 3,
        ("2026-05", ""): 3,
    }


def test_stage_count_by_channel_with_missing_values(engine):
    assert engine.values(MQL, dimension="channel") == {
        ("2026-03", "display"): 1,
        ("2026-03", "paid_search"): 1,
        ("2026-04", "organic"): 2,
        ("2026-04", "paid_search"): 1,
        ("2026-05", "(none)"): 1,
        ("2026-05", "display"): 1,
    }


def test_stage_count_filters(engine):
    spec = {**MQL, "filters": {"channel": ["paid_search", "display"]}}
    assert engine.values(spec) == {("2026-03", ""): 2, ("2026-04", ""): 1, ("2026-05", ""): 1}
    one = {**MQL, "filters": {"segment": "enterprise"}}  # L2 (Mar), L3 L8 (Apr)
    assert engine.values(one) == {("2026-03", ""): 1, ("2026-04", ""): 2}


@pytest.mark.parametrize(
    ("grain", "fy_start", "expected"),
    [
        ("quarter", 4, {"FY2025-Q4": 2, "FY2026-Q1": 5}),
        ("quarter", 1, {"FY2026-Q1": 2, "FY2026-Q2": 5}),
        ("half", 4, {"FY2025-H2": 2, "FY2026-H1": 5}),
        ("half", 1, {"FY2026-H1": 7}),
        ("fiscal_year", 4, {"FY2025": 2, "FY2026": 5}),
        ("fiscal_year", 1, {"FY2026": 7}),
        ("week", 4, {"2026-W11": 1, "2026-W13": 1, "2026-W14": 1, "2026-W15": 1,
                     "2026-W18": 1, "2026-W19": 1, "2026-W21": 1}),
    ],
)  # fmt: skip
def test_stage_count_fiscal_and_week_grains(engine, grain, fy_start, expected):
    got = engine.values(MQL, grain=grain, fiscal_year_start=fy_start)
    assert got == {(k, ""): v for k, v in expected.items()}


CONV = {"type": "conversion", "from": "mql", "to": "sql"}


def test_period_conversion_can_exceed_100_percent(engine):
    # sql in period ÷ mql in period: Mar 1/2, Apr 2/3 (L4, L5), May 3/2 (L2, L7, L8)
    got = engine.measure(CONV)
    assert {k: (v["numerator"], v["denominator"]) for k, v in got.items()} == {
        ("2026-03", ""): (1, 2),
        ("2026-04", ""): (2, 3),
        ("2026-05", ""): (3, 2),
    }
    assert got[("2026-05", "")]["value"] == pytest.approx(1.5)
    assert not any(v["maturing"] for v in got.values())


def test_cohort_conversion_differs_from_period_and_flags_maturing(engine):
    spec = {**CONV, "basis": "cohort", "window_days": 30}
    got = engine.measure(spec, as_of=date(2026, 5, 31))
    # Mar cohort L1 (15 d) hit, L2 (43 d) miss; Apr L3 (no strict sql) miss, L4 hit, L8 hit;
    # May L6 miss, L7 hit. Windows end Apr 30, May 30 (complete), Jun 30 (maturing).
    assert {k: (v["numerator"], v["denominator"], v["maturing"]) for k, v in got.items()} == {
        ("2026-03", ""): (1, 2, False),
        ("2026-04", ""): (2, 3, False),
        ("2026-05", ""): (1, 2, True),
    }
    period = engine.values(CONV)  # May: 3 sql ÷ 2 mql = 150% vs cohort 1 of 2
    assert period[("2026-05", "")] == pytest.approx(1.5)
    assert got[("2026-05", "")]["value"] == pytest.approx(0.5)
    assert all(v["numerator"] <= v["denominator"] for v in got.values())


def test_cohort_window_and_as_of_cut(engine):
    spec = {**CONV, "basis": "cohort", "window_days": 60}
    wide = engine.values(spec, as_of=date(2026, 6, 30))
    assert wide[("2026-03", "")] == 1.0  # L2's 43 days now inside the window
    # as of 2026-05-05, L2 (05-10) and L7 (05-22) have not converted yet
    early = engine.measure(spec, as_of=date(2026, 5, 5))
    assert early[("2026-03", "")]["numerator"] == 1
    assert early[("2026-03", "")]["maturing"] is True  # Mar 31 + 60 d > May 5


def test_inferred_cohort_counts_each_base_lead_once(engine):
    # Apr inferred mql: L3 (sql inferred 04-20), L4, L5 (mql = sql), L8 -> 4 of 4, never above
    spec = {**CONV, "basis": "cohort", "window_days": 30, "mode": "inferred"}
    got = engine.measure(spec, as_of=date(2026, 12, 31))
    assert {k: (v["numerator"], v["denominator"]) for k, v in got.items()} == {
        ("2026-03", ""): (1, 2),
        ("2026-04", ""): (4, 4),
        ("2026-05", ""): (1, 2),
    }
    # L1 has sql, opportunity and customer rows and a duplicate mql row: still one base lead
    deep = {"type": "conversion", "from": "mql", "to": "customer", "basis": "cohort",
            "window_days": 365, "mode": "inferred"}  # fmt: skip
    march = engine.measure(deep, as_of=date(2027, 12, 31))[("2026-03", "")]
    assert (march["numerator"], march["denominator"]) == (1, 2)


def test_cohort_conversion_by_dimension(engine):
    spec = {**CONV, "basis": "cohort", "window_days": 30}
    got = engine.values(spec, as_of=date(2026, 12, 31), dimension="segment")
    assert got == {
        ("2026-03", "enterprise"): 0.0,  # L2
        ("2026-03", "smb"): 1.0,  # L1
        ("2026-04", "enterprise"): 0.5,  # L3 miss, L8 hit
        ("2026-04", "smb"): 1.0,  # L4
        ("2026-05", "smb"): 0.5,  # L6, L7
    }


VELOCITY = {"type": "velocity", "from": "mql", "to": "sql"}


def test_velocity_median_and_mean(engine):
    # by sql month: Mar L1 15 d; Apr L4 3.5 d; May L2 43, L7 2, L8 3
    assert engine.values(VELOCITY) == {
        ("2026-03", ""): 15.0,
        ("2026-04", ""): 3.5,
        ("2026-05", ""): 3.0,
    }
    mean = engine.measure({**VELOCITY, "stat": "mean"})
    assert mean[("2026-05", "")]["value"] == pytest.approx(16.0)
    assert (mean[("2026-05", "")]["numerator"], mean[("2026-05", "")]["denominator"]) == (48, 3)


def test_velocity_median_of_even_count_and_inferred(engine):
    # FY2026-Q1 strict: 3.5, 43, 2, 3 -> (3 + 3.5) / 2
    quarter = engine.measure(VELOCITY, grain="quarter")
    assert quarter[("FY2026-Q1", "")]["value"] == pytest.approx(3.25)
    assert quarter[("FY2026-Q1", "")]["denominator"] == 4
    # inferred April adds L3 (17 d) and L5 (0 d): 0, 3.5, 17
    inferred = engine.values({**VELOCITY, "mode": "inferred"})
    assert inferred[("2026-04", "")] == pytest.approx(3.5)
    mean = engine.values({**VELOCITY, "mode": "inferred", "stat": "mean"})
    assert mean[("2026-04", "")] == pytest.approx(20.5 / 3)
