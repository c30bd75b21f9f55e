"""The back-test (time split), AUC against a pair count, the what-if equal to a re-run with
the new rule, and publishing with who / when / why."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import product
from typing import Any

import pytest

from ikkan.errors import UserError
from ikkan.model.scoring import ScoringSpec
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.services.scoring import publish
from ikkan.services.scoring.quality import make_window, quality, what_if

from .conftest import add_activity, add_lead, fill

AS_OF = date(2026, 11, 24)
STAGES = ["lead", "mql", "sql", "opportunity", "won"]
CURRENT = ScoringSpec.model_validate(
    {
        "fit": {"rules": {"big": {"field": "employees", "gte": 300, "points": 40}}},
        "engagement": {"rules": {"web": {"activity": "webinar_attendance", "points": 30}}},
        "grades": {"A": 40, "B": 20, "1": 30, "2": 10},
        "mql": {"cells": ["A1-A2"]},
    }
)
NEW = CURRENT.model_copy(update={"mql": ScoringSpec.model_validate({"mql": {"min_score": 30}}).mql})


def _data(session: Any) -> None:
    """24 leads over 2026: big companies and attendees convert more; one converts on the
    day it entered (left out of the back-test)."""
    grid = product(range(1, 7), (True, False), (True, False))
    for n, (month, big, attended) in enumerate(grid, start=1):
        created = datetime(2026, month, 5, 10)
        converts = (big and (attended or month % 2 == 0)) or (attended and month == 3)
        stages = {}
        if converts:
            stages["opportunity"] = created + timedelta(days=20)
            if big:
                stages["won"] = created + timedelta(days=60)
        add_lead(session, f"q:{n}", created, employees=500 if big else 20, stages=stages)
        if attended:
            add_activity(session, f"w{n}", "webinar_attendance", created, lead=f"q:{n}")
    add_lead(
        session,
        "q:early",
        datetime(2026, 2, 9, 9),
        employees=20,
        stages={"opportunity": datetime(2026, 2, 9, 17)},
    )


def _pairs_auc(scores: list[float], positive: list[bool]) -> float:
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


def test_backtest_figures(warehouse: Any) -> None:
    fill(warehouse, _data)
    window = make_window(AS_OF, STAGES, "inferred", months=12, mature_days=0)
    result = quality(warehouse, CURRENT, BusinessCalendar(), window)
    f = result.figures
    assert result.excluded == 1  # q:early reached opportunity on its first day
    assert f.leads == 24 and f.opportunities == 10 and f.won == 9
    scores = [40.0 * big + 30.0 * att for _, big, att in product(range(1, 7), (1, 0), (1, 0))]
    converted = [
        bool((big and (att or m % 2 == 0)) or (att and m == 3))
        for m, big, att in product(range(1, 7), (1, 0), (1, 0))
    ]
    assert f.auc_opportunity == pytest.approx(_pairs_auc(scores, converted))
    assert sum(g.leads for g in f.bands) == 24 and sum(g.leads for g in f.cells) == 24
    a1 = next(g for g in f.cells if g.name == "A1")
    assert (a1.leads, a1.opportunities, a1.won) == (6, 6, 6)
    # A1-A2 = big and attended (big non-attendees are A3); they catch 6 of the 9 wins
    assert f.mql.mql == 6 and f.mql.wins_caught == pytest.approx(6 / 9)
    assert sum(c.leads for c in f.calibration) == 24


def test_what_if_equals_a_rerun_with_the_new_rule(warehouse: Any) -> None:
    fill(warehouse, _data)
    window = make_window(AS_OF, STAGES, "inferred", months=12, mature_days=0)
    compared = what_if(warehouse, CURRENT, NEW, BusinessCalendar(), window)
    for side, spec in ((compared.current, CURRENT), (compared.new, NEW)):
        rerun = quality(warehouse, spec, BusinessCalendar(), window).figures
        assert side.mql == rerun.mql.mql
        assert side.mql_opportunity_rate == rerun.mql.opportunity_rate
        assert side.auc_opportunity == rerun.auc_opportunity
        assert side.wins_caught == rerun.mql.wins_caught
    assert compared.new.mql == 18  # score ≥ 30: big or attended
    assert compared.moved_in == 12 and compared.moved_out == 0  # 6 → 18


def test_publish_keeps_who_when_why(warehouse: Any) -> None:
    at = datetime(2026, 11, 24, 10)
    first = publish.record(warehouse, CURRENT, by="tanaka", why="first rules", at=at, effect=None)
    assert first.version == 1
    with pytest.raises(UserError, match="already published"):
        publish.record(warehouse, CURRENT, by="tanaka", why="again", at=at, effect=None)
    with pytest.raises(UserError, match="who and why"):
        publish.record(warehouse, NEW, by="tanaka", why="  ", at=at, effect=None)
    second = publish.record(
        warehouse, NEW, by="sato", why="score ≥ 30", at=at, effect={"mql": [12, 18]}
    )
    log = publish.published(warehouse)
    assert [(v.version, v.published_by, v.why) for v in log] == [
        (1, "tanaka", "first rules"),
        (2, "sato", "score ≥ 30"),
    ]
    assert second.effect == {"mql": [12, 18]}
    assert publish.last_published(warehouse) == NEW
