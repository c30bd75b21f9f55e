"""How well a score predicts, from per-lead rows (pure: arrays in, figures out).

- conversion to opportunity and to won by score band and by grid cell;
- AUC: the chance that a lead that converted scored higher than one that did not (ties
  count half), from the Mann–Whitney U statistic (scipy): AUC = U ÷ (n₁ · n₀);
- calibration: leads in score deciles (by rank) with their observed rates, and whether the
  rate rises with the score (a points score is not a probability: the table shows what each
  score range has converted at);
- the MQL rule: how many MQLs, their opportunity rate, and the share of later wins (and
  opportunities) that were MQLs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikkan.model.scoring import CELLS, band_labels


@dataclass(frozen=True)
class Group:
    name: str
    leads: int
    opportunities: int
    won: int

    @property
    def opportunity_rate(self) -> float | None:
        return self.opportunities / self.leads if self.leads else None

    @property
    def win_rate(self) -> float | None:
        return self.won / self.leads if self.leads else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "leads": self.leads,
            "opportunities": self.opportunities,
            "won": self.won,
            "opportunity_rate": self.opportunity_rate,
            "win_rate": self.win_rate,
        }


@dataclass(frozen=True)
class CalibrationRow:
    decile: int
    leads: int
    min_score: float
    max_score: float
    mean_score: float
    opportunity_rate: float
    win_rate: float


@dataclass(frozen=True)
class MqlFigures:
    mql: int
    share_of_leads: float | None
    opportunity_rate: float | None  # MQL → opportunity
    other_opportunity_rate: float | None  # non-MQL → opportunity
    opportunities_caught: float | None  # share of opportunities that were MQLs
    wins_caught: float | None  # share of later wins that were MQLs


@dataclass(frozen=True)
class Figures:
    leads: int
    opportunities: int
    won: int
    auc_opportunity: float | None
    auc_won: float | None
    bands: list[Group]
    cells: list[Group]
    calibration: list[CalibrationRow]
    monotone: bool  # the deciles' opportunity rates never fall as the score rises
    mql: MqlFigures


def auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """Area under the ROC curve via Mann–Whitney U; None without both classes."""
    from scipy.stats import mannwhitneyu  # type: ignore[import-untyped]

    pos, neg = scores[positive], scores[~positive]
    if not len(pos) or not len(neg):
        return None
    u = mannwhitneyu(pos, neg, alternative="two-sided").statistic
    return float(u) / (len(pos) * len(neg))


def _group(name: str, mask: np.ndarray, opp: np.ndarray, won: np.ndarray) -> Group:
    return Group(name, int(mask.sum()), int((mask & opp).sum()), int((mask & won).sum()))


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def calibration(scores: np.ndarray, opp: np.ndarray, won: np.ndarray) -> list[CalibrationRow]:
    """Ten groups of (nearly) equal size by score rank, lowest first."""
    if not len(scores):
        return []
    order = np.argsort(scores, kind="stable")
    out = []
    for decile, part in enumerate(np.array_split(order, 10), start=1):
        if not len(part):
            continue
        s = scores[part]
        out.append(
            CalibrationRow(
                decile,
                len(part),
                float(s.min()),
                float(s.max()),
                float(s.mean()),
                float(opp[part].mean()),
                float(won[part].mean()),
            )
        )
    return out


def evaluate(
    scores: np.ndarray,
    cells: np.ndarray,
    mql: np.ndarray,
    opp: np.ndarray,
    won: np.ndarray,
    band_edges: list[float],
) -> Figures:
    """Every quality figure for one rule set; arrays are one entry per lead."""
    edges = np.asarray(band_edges, dtype=float)
    band_of = np.searchsorted(edges, scores, side="right")
    bands = [
        _group(label, band_of == i, opp, won) for i, label in enumerate(band_labels(band_edges))
    ]
    by_cell = [_group(c, cells == c, opp, won) for c in CELLS]
    deciles = calibration(scores, opp, won)
    rates = [row.opportunity_rate for row in deciles]
    n_mql = int(mql.sum())
    figures = MqlFigures(
        mql=n_mql,
        share_of_leads=_rate(n_mql, len(scores)),
        opportunity_rate=_rate(int((mql & opp).sum()), n_mql),
        other_opportunity_rate=_rate(int((~mql & opp).sum()), int((~mql).sum())),
        opportunities_caught=_rate(int((mql & opp).sum()), int(opp.sum())),
        wins_caught=_rate(int((mql & won).sum()), int(won.sum())),
    )
    return Figures(
        leads=len(scores),
        opportunities=int(opp.sum()),
        won=int(won.sum()),
        auc_opportunity=auc(scores, opp),
        auc_won=auc(scores, won),
        bands=bands,
        cells=by_cell,
        calibration=deciles,
        monotone=all(b >= a for a, b in itertools.pairwise(rates)),
        mql=figures,
    )
