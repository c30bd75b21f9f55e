"""Which MQL rule fills inside sales' capacity with the most conversions (pure: back-test
rows in, advice out).

Method: the back-test window's leads, each scored as of the day it entered (the rows of
``ikkan scoring quality``), give for every candidate rule the leads it would have made MQL
and how many of them later reached opportunity. Candidates are

- a minimum score alone (``mql: {min_score: T}``), for every score a lead had; and
- grid cells alone (``mql: {cells: [...]}``): the cells taken best first by their observed
  opportunity rate, one more cell at a time.

A candidate's monthly MQL volume is its MQL count ÷ the window's months. Among the
candidates whose volume fits the capacity, the advice is the one with the most later
opportunities a month (ties: the higher opportunity rate, then the higher volume): with a
fixed number of leads sales can work, the best use of it is the leads most likely to convert,
as many as fit. The figures are measured in-sample on the same window, so they describe the
past twelve months, not a promise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ikkan.errors import UserError
from ikkan.model.scoring import CELLS


@dataclass(frozen=True)
class Candidate:
    kind: str  # "min_score" or "cells"
    min_score: float | None
    cells: list[str]
    mql: int
    mql_per_month: float
    opportunities: int
    opportunities_per_month: float
    opportunity_rate: float | None
    wins_caught: float | None

    def text(self) -> str:
        """``min_score: 45`` or ``cells: [A1, B1]`` as written in ikkan.yml."""
        if self.kind == "min_score":
            return f"min_score: {self.min_score:g}"
        if self.kind == "cells":
            return "cells: [" + ", ".join(self.cells) + "]"
        return ""

    def rule(self) -> dict[str, Any]:
        """The ``mql:`` section this candidate stands for."""
        if self.kind == "min_score":
            return {"min_score": self.min_score}
        return {"cells": list(self.cells)}


@dataclass(frozen=True)
class AdviceResult:
    capacity: int  # leads a month inside sales can work
    months: float  # the window's length in months
    leads: int
    current: Candidate  # the rule in force, measured the same way
    by_score: Candidate | None  # the best min_score rule within capacity
    by_cells: Candidate | None  # the best cell rule within capacity
    advice: Candidate | None  # the better of the two

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("current", "by_score", "by_cells", "advice"):
            chosen = getattr(self, key)
            if chosen is not None:
                out[key]["rule"] = chosen.rule()
        return out


def _candidate(
    kind: str,
    min_score: float | None,
    cells: list[str],
    chosen: np.ndarray,
    opp: np.ndarray,
    won: np.ndarray,
    months: float,
) -> Candidate:
    n = int(chosen.sum())
    caught = int((chosen & opp).sum())
    wins = int(won.sum())
    return Candidate(
        kind,
        min_score,
        cells,
        n,
        n / months,
        caught,
        caught / months,
        caught / n if n else None,
        int((chosen & won).sum()) / wins if wins else None,
    )


def _best(candidates: list[Candidate], capacity: int) -> Candidate | None:
    fitting = [c for c in candidates if c.mql and c.mql_per_month <= capacity]
    if not fitting:
        return None
    return max(
        fitting, key=lambda c: (c.opportunities, c.opportunity_rate or 0.0, c.mql, -len(c.cells))
    )


def advise(
    capacity: int,
    months: float,
    scores: np.ndarray,
    cells: np.ndarray,
    mql: np.ndarray,
    opp: np.ndarray,
    won: np.ndarray,
) -> AdviceResult:
    """The advice for one capacity from the back-test rows (one entry per lead)."""
    if capacity < 1:
        raise UserError(
            f"the capacity must be at least 1 lead a month, not {capacity}",
            hint="e.g. --capacity 120, or scoring: {capacity: 120} in ikkan.yml",
        )
    current = _candidate("current", None, [], mql, opp, won, months)
    by_score = [
        _candidate("min_score", float(t), [], scores >= t, opp, won, months)
        for t in np.unique(scores)
    ]
    rated = []
    for cell in CELLS:
        inside = cells == cell
        if inside.any():
            rated.append((-(opp[inside].mean()), CELLS.index(cell), cell))
    ordered = [cell for _, _, cell in sorted(rated)]
    by_cells = [
        _candidate("cells", None, ordered[:k], np.isin(cells, ordered[:k]), opp, won, months)
        for k in range(1, len(ordered) + 1)
    ]
    best_score, best_cells = _best(by_score, capacity), _best(by_cells, capacity)
    both = [c for c in (best_score, best_cells) if c is not None]
    return AdviceResult(
        capacity,
        months,
        len(scores),
        current,
        best_score,
        best_cells,
        _best(both, capacity) if both else None,
    )
