"""MQL threshold advice by inside sales' capacity: the pure choice against a brute-force
search over every threshold and every cell set, and the CLI on the demo project."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from ikkan.errors import UserError
from ikkan.model.scoring import CELLS
from ikkan.services.scoring.advise import advise
from tests.cli.test_cli_plan import ikkan
from tests.scoring.test_scoring_cli import project  # noqa: F401  (the module's fixture)


def _rows(seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = 600
    scores = rng.integers(0, 100, n).astype(float)
    cells = rng.choice(np.array(CELLS, dtype=object), n)
    opp = rng.random(n) < (0.05 + scores / 200)
    won = opp & (rng.random(n) < 0.4)
    mql = scores >= 70
    return scores, cells, mql, opp, won


@pytest.mark.parametrize("capacity", [5, 20, 60])
def test_the_advice_is_the_best_threshold_within_capacity(capacity: int) -> None:
    scores, cells, mql, opp, won = _rows(capacity)
    months = 12.0
    result = advise(capacity, months, scores, cells, mql, opp, won)
    # brute force: every threshold, every volume that fits, most opportunities
    best = max(
        (
            (int((opp & (scores >= t)).sum()), t)
            for t in sorted(set(scores.tolist()))
            if 0 < (scores >= t).sum() <= capacity * months
        ),
        default=None,
    )
    assert result.by_score is not None and best is not None
    assert result.by_score.opportunities == best[0]
    chosen = scores >= result.by_score.min_score
    assert result.by_score.mql == int(chosen.sum()) <= capacity * months
    assert result.by_score.mql_per_month == pytest.approx(chosen.sum() / months)
    assert result.by_score.opportunity_rate == pytest.approx(opp[chosen].mean())
    assert result.by_score.wins_caught == pytest.approx((chosen & won).sum() / won.sum())
    # no cell prefix in best-rate order fits with more opportunities than the advice's
    if result.by_cells is not None:
        assert result.by_cells.mql_per_month <= capacity
        inside = np.isin(cells, result.by_cells.cells)
        assert result.by_cells.opportunities == int((inside & opp).sum())
    assert result.advice is not None
    assert result.advice.opportunities == max(
        c.opportunities for c in (result.by_score, result.by_cells) if c is not None
    )
    assert result.current.mql == int(mql.sum())


def test_cells_are_taken_best_rate_first() -> None:
    cells = np.array(["A1"] * 10 + ["B2"] * 10 + ["C3"] * 10, dtype=object)
    opp = np.array([True] * 8 + [False] * 2 + [True] * 3 + [False] * 7 + [True] * 5 + [False] * 5)
    scores = np.arange(30, dtype=float)
    result = advise(2, 10.0, scores, cells, np.zeros(30, bool), opp, opp)
    assert result.by_cells is not None and result.by_cells.cells == ["A1", "C3"]
    assert result.by_cells.opportunities == 13 and result.by_cells.mql_per_month == 2.0
    brute = max(
        int(opp[np.isin(cells, list(s))].sum())
        for k in (1, 2)
        for s in itertools.combinations(["A1", "B2", "C3"], k)
        if np.isin(cells, list(s)).sum() <= 20
    )
    assert result.by_cells.opportunities == brute


def test_nothing_fits_a_tiny_capacity_and_zero_is_refused() -> None:
    scores = np.array([10.0, 10.0, 10.0])
    cells = np.array(["A1"] * 3, dtype=object)
    flags = np.array([True, False, True])
    result = advise(1, 1.0, scores, cells, flags, flags, flags)
    assert result.advice is None and result.by_score is None
    with pytest.raises(UserError, match="at least 1 lead"):
        advise(0, 1.0, scores, cells, flags, flags, flags)


def test_advise_cli(project: Path) -> None:  # noqa: F811
    quality = json.loads(ikkan("scoring", "quality", "--json", cwd=project).stdout)
    leads = quality["figures"]["leads"]
    capacity = max(1, leads // 12 // 4)
    out = json.loads(
        ikkan("scoring", "advise", "--capacity", str(capacity), "--json", cwd=project).stdout
    )
    assert out["capacity"] == capacity and out["leads"] == leads
    assert out["current"]["mql"] == quality["figures"]["mql"]["mql"]
    advice = out["advice"]
    assert advice is not None and advice["mql_per_month"] <= capacity
    assert advice["rule"] and set(advice["rule"]) <= {"min_score", "cells"}
    text = ikkan("scoring", "advise", "--capacity", str(capacity), cwd=project).stdout
    assert "Advice:" in text
    missing = ikkan("scoring", "advise", cwd=project, check=False)
    assert missing.returncode == 1 and "--capacity" in missing.stderr
