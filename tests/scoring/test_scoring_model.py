"""The pure parts: cell ranges, grades, the MQL rule, bands, AUC with ties, calibration."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pydantic import ValidationError

from ikkan.model.scoring import (
    MqlSpec,
    ScoringSpec,
    band_labels,
    expand_cells,
    grade_of,
    is_mql,
    level_of,
)
from ikkan.services.scoring.metrics import auc, calibration, evaluate
from ikkan.services.scoring.quality import make_window


def test_cell_ranges() -> None:
    assert expand_cells(["A1-B2"]) == ["A1", "A2", "B1", "B2"]
    assert expand_cells(["b2-a1", "c3"]) == ["A1", "A2", "B1", "B2", "C3"]
    with pytest.raises(ValueError, match="'D1' is not a cell"):
        expand_cells(["D1"])


def test_grade_level_and_mql_rule() -> None:
    spec = ScoringSpec.model_validate({"mql": {"cells": ["A1-B2"], "min_score": 60}})
    g = spec.grades
    assert (grade_of(50, g), grade_of(49.99, g), grade_of(25, g), grade_of(0, g)) == (
        "A",
        "B",
        "B",
        "C",
    )
    assert (level_of(40, g), level_of(15, g), level_of(14.9, g)) == ("1", "2", "3")
    assert is_mql("B2", 10, spec.mql) and is_mql("C3", 60, spec.mql)
    both = MqlSpec(cells=["A1-B2"], min_score=60, match="all")
    assert not is_mql("B2", 10, both) and is_mql("A1", 60, both)


def test_spec_refusals() -> None:
    with pytest.raises(ValidationError, match="exactly one condition"):
        ScoringSpec.model_validate({"fit": {"rules": {"x": {"field": "industry", "points": 1}}}})
    with pytest.raises(ValidationError, match="thresholds must fall"):
        ScoringSpec.model_validate({"grades": {"A": 10, "B": 20}})
    with pytest.raises(ValidationError, match="name caps"):
        ScoringSpec.model_validate(
            {"engagement": {"rules": {"cap:x": {"activity": "download", "points": 1}}}}
        )
    with pytest.raises(ValidationError, match="needs cells, min_score"):
        ScoringSpec.model_validate({"mql": {"cells": []}})


def test_bands_and_auc_with_ties() -> None:
    assert band_labels([20, 40]) == ["<20", "20–<40", "≥40"]
    scores = np.array([0.0, 10.0, 10.0, 30.0])
    positive = np.array([False, False, True, True])
    # pairs (pos > neg): 30 beats both, 10 ties one 10 (½) and beats 0: (2 + 1.5) / 4
    assert auc(scores, positive) == pytest.approx(0.875)
    assert auc(scores, np.zeros(4, dtype=bool)) is None
    deciles = calibration(np.arange(20, dtype=float), np.arange(20) >= 10, np.arange(20) >= 18)
    assert [c.leads for c in deciles] == [2] * 10
    assert [c.opportunity_rate for c in deciles] == [0.0] * 5 + [1.0] * 5


def test_evaluate_counts_every_lead_once() -> None:
    scores = np.array([5.0, 25.0, 45.0, 65.0, 85.0])
    cells = np.array(["C3", "B3", "B2", "A2", "A1"], dtype=object)
    mql = np.array([False, False, True, True, True])
    opp = np.array([False, False, True, False, True])
    won = np.array([False, False, False, False, True])
    f = evaluate(scores, cells, mql, opp, won, [20, 40, 60, 80])
    assert [g.leads for g in f.bands] == [1, 1, 1, 1, 1]
    assert f.mql.mql == 3 and f.mql.wins_caught == 1.0 and f.mql.opportunities_caught == 1.0
    assert f.mql.opportunity_rate == pytest.approx(2 / 3) and f.mql.other_opportunity_rate == 0


def test_window_is_whole_months() -> None:
    window = make_window(date(2026, 11, 30), ["lead", "opportunity", "won"], "inferred")
    assert (window.start, window.end) == (date(2025, 9, 1), date(2026, 9, 1))
    assert window.opportunity_stages == ("opportunity", "won")
