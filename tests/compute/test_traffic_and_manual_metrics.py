"""web, activity_count, activity_rate and manual (see dataset.py)."""

from __future__ import annotations

from datetime import date

import pytest


def test_web_sessions_and_cvr(engine):
    assert engine.values({"type": "web", "measure": "sessions"}) == {
        ("2026-04", ""): 1500,
        ("2026-05", ""): 2000,
    }
    cvr = engine.measure({"type": "web", "measure": "cvr"})
    assert cvr[("2026-04", "")]["value"] == pytest.approx(0.01)
    assert (cvr[("2026-05", "")]["numerator"], cvr[("2026-05", "")]["denominator"]) == (30, 2000)
    organic = engine.values({"type": "web", "measure": "cvr", "filters": {"channel": "organic"}})
    assert organic[("2026-04", "")] == pytest.approx(0.01)


def test_activity_count_events_leads_and_lead_dimension(engine):
    opens = {"type": "activity_count", "activity": "email_open"}
    assert engine.values(opens) == {("2026-05", ""): 3}
    assert engine.values({**opens, "count": "leads"}) == {("2026-05", ""): 2}
    # segment is not on activities: it comes from leads through lead_key
    assert engine.values(opens, dimension="segment") == {
        ("2026-05", "enterprise"): 1,
        ("2026-05", "smb"): 2,
    }


def test_activity_rates(engine):
    webinar = {
        "type": "activity_rate",
        "numerator": "webinar_attendance",
        "denominator": "webinar_registration",
    }
    got = engine.measure(webinar)[("2026-04", "")]
    assert (got["numerator"], got["denominator"], got["value"]) == (2, 4, 0.5)
    opens = {"type": "activity_rate", "numerator": "email_open", "denominator": "email_delivered"}
    assert engine.values(opens) == {("2026-05", ""): 0.75}
    assert engine.values({**opens, "count": "leads"}) == {("2026-05", ""): 0.5}
    connect = {"type": "activity_rate", "numerator": "connect", "denominator": "call"}
    assert engine.values(connect)[("2026-05", "")] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("grain", "fy_start", "expected"),
    [
        ("day", 4, {"2026-04-01": (1, date(2026, 4, 1), date(2026, 4, 1))}),
        ("week", 4, {"2026-W14": (7, date(2026, 3, 30), date(2026, 4, 5))}),
        ("month", 4, {"2026-04": (42, date(2026, 4, 1), date(2026, 4, 30)),
                      "2026-05": (45, date(2026, 5, 1), date(2026, 5, 31))}),
        ("quarter", 4, {"FY2026-Q1": (40, date(2026, 4, 1), date(2026, 6, 30))}),
        ("quarter", 1, {"FY2026-Q1": (40, date(2026, 1, 1), date(2026, 3, 31)),
                        # no value of its own: the mean of April (42) and May (45)
                        "FY2026-Q2": (43.5, date(2026, 4, 1), date(2026, 6, 30))}),
        ("half", 4, {"FY2026-H1": (43, date(2026, 4, 1), date(2026, 9, 30))}),
        ("fiscal_year", 4, {"FY2026": (41, date(2026, 4, 1), date(2027, 3, 31))}),
        ("fiscal_year", 1, {"FY2026": (41, date(2026, 1, 1), date(2026, 12, 31))}),
    ],
)  # fmt: skip
def test_manual_values_at_their_grain(engine, grain, fy_start, expected):
    got = engine.measure({"type": "manual"}, grain=grain, fiscal_year_start=fy_start, node_id="nps")
    assert {
        k[0]: (v["value"], v["period_start"], v["period_end"]) for k, v in got.items()
    } == expected


@pytest.mark.parametrize(("rollup", "expected"), [("sum", 87), ("average", 43.5), ("last", 45)])
def test_manual_months_roll_up_to_a_period_without_its_own_value(engine, rollup, expected):
    # fiscal year from January: April and May make FY2026-Q2, which has no value entered;
    # FY2026-Q1 (40), H1 (43) and the year (41) have one, and it wins over the months
    metric = {"type": "manual", "rollup": rollup}
    got = engine.values(metric, grain="quarter", fiscal_year_start=1, node_id="nps")
    assert got == {("FY2026-Q1", ""): 40, ("FY2026-Q2", ""): expected}
    for grain, key, own in (("half", "FY2026-H1", 43), ("fiscal_year", "FY2026", 41)):
        assert engine.values(metric, grain=grain, fiscal_year_start=1, node_id="nps") == {
            (key, ""): own
        }
    # months are never rolled into weeks or days
    assert engine.values(metric, grain="week", node_id="nps") == {("2026-W14", ""): 7}


def test_manual_values_by_dimension(engine):
    got = engine.values({"type": "manual"}, node_id="nps", dimension="channel")
    assert got == {("2026-04", "paid_search"): 50}
    # a quarter rolls up the months of each dimension value on their own
    quarter = engine.values(
        {"type": "manual", "rollup": "sum"},
        node_id="nps",
        dimension="channel",
        grain="quarter",
        fiscal_year_start=1,
    )
    assert quarter == {("FY2026-Q2", "paid_search"): 50}
