"""Scores computed by the warehouse SQL on a hand-built fixture: caps, decay on business
days (Japanese holidays), grade vs score, reasons that add up to the score, history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from ikkan.model.scoring import ScoringSpec
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.services.scoring.current import score_leads
from ikkan.services.scoring.lead import history_days, lead_score

from .conftest import add_activity, add_lead, fill

AS_OF = date(2026, 11, 24)  # a Tuesday; Monday 2026-11-23 is 勤労感謝の日 (a holiday)
NOW = datetime(2026, 11, 24, 18, 0)

RULES: dict[str, Any] = {
    "fit": {
        "rules": {
            "size_large": {"field": "employees", "gte": 300, "points": 30, "group": "size"},
            "size_huge": {"field": "employees", "gte": 1000, "points": 20, "group": "size"},
            "industry_fit": {"field": "industry", "in": ["Computer Software"], "points": 25},
            "role": {
                "field": "attributes.Job Title",
                "contains": ["部長", "Manager"],
                "points": 15,
                "label": {"ja": "役職者", "en": "Manager"},
            },
        },
        "caps": {"size": 30},
        "cap": 60,
    },
    "engagement": {
        "decay": {"kind": "linear", "days": 10, "calendar": "business"},
        "rules": {
            "attend": {"activity": "webinar_attendance", "points": 20},
            "open": {"activity": "email_open", "points": 2, "group": "email", "max_per_day": 1},
            "click": {"activity": "email_click", "points": 3, "group": "email"},
            "download": {
                "activity": "download",
                "points": 10,
                "decay": {"kind": "window", "days": 5},
            },
            "pricing": {"activity": "page_view", "detail_contains": ["/pricing"], "points": 7},
        },
        "caps": {"email": 10},
    },
    "grades": {"A": 50, "B": 25, "1": 25, "2": 10},
    "mql": {"cells": ["A1-B2"], "min_score": 80},
}


def _data(session: Any) -> None:
    made = datetime(2026, 11, 2, 10)
    add_lead(
        session,
        "t:1",
        made,
        email="one@example.jp",
        employees=1500,
        industry="Computer Software",
        attributes={"Job Title": "営業部 部長"},
    )
    add_lead(session, "t:2", made, email="two@example.jp", employees=50, industry="Retail")
    add_lead(session, "t:3", made, email="three@example.jp")
    add_lead(session, "t:4", made, email="four@example.jp", employees=500)
    # t:1 — attended on Friday 11-20: one business day before Tuesday 11-24 (the weekend
    # and the Monday holiday do not count): 20 × (1 − 1/10) = 18
    add_activity(session, "a1", "webinar_attendance", datetime(2026, 11, 20, 15), lead="t:1")
    for n in range(3):  # three opens on one day, at most one a day counts: 2
        add_activity(session, f"o{n}", "email_open", datetime(2026, 11, 24, 9 + n), lead="t:1")
    for n in range(5):  # five clicks today: 15; with the open the email group is 17 → cap 10
        add_activity(session, f"c{n}", "email_click", datetime(2026, 11, 24, 9, n), lead="t:1")
    add_activity(session, "late", "webinar_attendance", datetime(2026, 11, 25, 9), lead="t:1")
    # t:2 — matched by e-mail only; downloads in a 5-business-day window: 11-16 is 5
    # business days back (out), 11-18 is 3 (in): 10
    add_activity(session, "d1", "download", datetime(2026, 11, 16, 9), email="two@example.jp")
    add_activity(session, "d2", "download", datetime(2026, 11, 18, 9), email="two@example.jp")
    add_activity(
        session, "p1", "page_view", datetime(2026, 11, 24, 9), lead="t:2", detail="/blog/x"
    )


@pytest.fixture
def scored(warehouse: Any) -> Any:
    fill(warehouse, _data)
    spec = ScoringSpec.model_validate(RULES)
    result = score_leads(warehouse, spec, BusinessCalendar(), AS_OF, NOW)
    return warehouse, spec, result


def _reasons(warehouse: Any, key: str) -> dict[str, tuple[int, float]]:
    rows = warehouse.query(
        "SELECT rule_id, events, points FROM lead_score_reasons WHERE lead_key = ?", [key]
    ).to_pylist()
    return {r["rule_id"]: (r["events"], r["points"]) for r in rows}


def _score(warehouse: Any, key: str) -> dict[str, Any]:
    return dict(
        warehouse.query("SELECT * FROM lead_scores WHERE lead_key = ?", [key]).to_pylist()[0]
    )


def test_caps_decay_and_reasons(scored: Any) -> None:
    warehouse, _, result = scored
    assert _reasons(warehouse, "t:1") == {
        "size_large": (1, 30.0),
        "size_huge": (1, 20.0),
        "cap:size": (0, -20.0),  # the size group is capped at 30
        "industry_fit": (1, 25.0),
        "role": (1, 15.0),
        "cap:fit": (0, -10.0),  # 70 fit points, the section cap is 60
        "attend": (1, 18.0),  # one business day old (weekend and holiday skipped)
        "open": (1, 2.0),  # three opens, one a day
        "click": (5, 15.0),
        "cap:email": (0, -7.0),
    }
    one = _score(warehouse, "t:1")
    assert (one["fit"], one["engagement"], one["score"]) == (60.0, 28.0, 88.0)
    assert (one["grade"], one["level"], one["cell"], one["mql"]) == ("A", "1", "A1", True)
    assert _reasons(warehouse, "t:2") == {"download": (2, 10.0)}  # window: one of two in
    assert result.leads == 4 and result.mql == 1 and result.changed == 4


def test_reasons_add_up_to_every_score(scored: Any) -> None:
    warehouse, _, _ = scored
    gaps = warehouse.query(
        "SELECT s.lead_key, s.score, s.fit, s.engagement, coalesce(r.total, 0) AS total, "
        "coalesce(r.fit, 0) AS rfit FROM lead_scores s LEFT JOIN (SELECT lead_key, "
        "sum(points) AS total, sum(CASE WHEN kind = 'fit' THEN points ELSE 0 END) AS fit "
        "FROM lead_score_reasons GROUP BY lead_key) r ON r.lead_key = s.lead_key"
    ).to_pylist()
    assert len(gaps) == 4
    for row in gaps:
        assert row["total"] == pytest.approx(row["score"])
        assert row["rfit"] == pytest.approx(row["fit"])
        assert row["fit"] + row["engagement"] == pytest.approx(row["score"])


def test_grade_is_from_fit_not_from_the_score(scored: Any) -> None:
    warehouse, _, _ = scored
    two, three, four = (_score(warehouse, k) for k in ("t:2", "t:3", "t:4"))
    assert (two["score"], two["cell"], two["mql"]) == (10.0, "C2", False)
    assert (three["score"], three["cell"], three["mql"]) == (0.0, "C3", False)
    # 30 fit points: grade B, no engagement: level 3; B3 is outside A1-B2 and 30 < 80
    assert (four["score"], four["cell"], four["mql"]) == (30.0, "B3", False)


def test_calendar_day_decay_differs_from_business_days(warehouse: Any) -> None:
    fill(warehouse, _data)
    rules = {
        **RULES,
        "engagement": {**RULES["engagement"], "decay": {"days": 10, "calendar": "calendar"}},
    }
    spec = ScoringSpec.model_validate(rules)
    score_leads(warehouse, spec, BusinessCalendar(), AS_OF, NOW)
    assert _reasons(warehouse, "t:1")["attend"] == (1, 12.0)  # 4 calendar days: 20 × 0.6


def test_lead_show_and_history(scored: Any) -> None:
    warehouse, spec, _ = scored
    shown = lead_score(warehouse, spec, BusinessCalendar(), "one@example.jp", AS_OF, "ja")
    assert shown.lead_key == "t:1" and shown.cell == "A1" and shown.mql
    assert sum(r.points for r in shown.reasons) == pytest.approx(shown.score)
    assert [r.label for r in shown.reasons if r.rule_id == "role"] == ["役職者"]
    assert [h.as_of for h in shown.history] == [date(2026, 11, 2), AS_OF]
    assert shown.history[0].engagement == 0.0 and shown.history[-1].score == shown.score


def test_history_rows_only_when_a_score_changes(scored: Any) -> None:
    warehouse, spec, _ = scored
    again = score_leads(warehouse, spec, BusinessCalendar(), AS_OF, NOW)
    assert again.changed == 0
    later = score_leads(warehouse, spec, BusinessCalendar(), date(2026, 11, 25), NOW)
    # t:1 changes (decay, and the 11-25 attendance now counts); t:2's download is still
    # inside its 5-business-day window (4 days old), so its 10 points stay
    assert later.changed == 1
    rows = warehouse.query("SELECT lead_key, as_of FROM lead_score_history WHERE lead_key = 't:1'")
    assert sorted(rows.column("as_of").to_pylist()) == [AS_OF, date(2026, 11, 25)]


def test_history_days() -> None:
    assert history_days(date(2026, 9, 10), date(2026, 11, 24)) == [
        date(2026, 9, 10),
        date(2026, 9, 30),
        date(2026, 10, 31),
        date(2026, 11, 24),
    ]
