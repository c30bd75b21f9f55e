"""The score's quality on a time split, and the what-if of a changed rule.

Leads created in the window ``[end − months, end)``, where ``end`` is ``as_of`` minus
``mature_days`` (younger leads have not had the time to convert), are each scored as of
the day they entered plus ``days_after`` days, with only the events up to that day. The
outcome is what happened later: reaching the opportunity stage and the won stage (or, in
``inferred`` funnel mode, any later stage) at any time after the scoring day. A lead that
reached opportunity on or before its scoring day is left out (its score could contain the
outcome) and counted as ``excluded``.
"""

# ruff: noqa: S608 - SQL text holds placeholders only; values are parameters

from __future__ import annotations

from calendar import monthrange
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ikkan.errors import UserError, did_you_mean
from ikkan.model.scoring import ScoringSpec
from ikkan.services.scoring.engine import AS_OF_ENTRY, rules_hash, score_in_session
from ikkan.services.scoring.metrics import Figures, evaluate

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class Window:
    start: date  # leads created on or after
    end: date  # and before
    days_after: int
    opportunity_stages: tuple[str, ...]
    won_stages: tuple[str, ...]


@dataclass(frozen=True)
class QualityResult:
    window: Window
    rules_hash: str
    excluded: int  # reached opportunity on or before the scoring day
    figures: Figures

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["figures"]["bands"] = [g.to_dict() for g in self.figures.bands]
        out["figures"]["cells"] = [g.to_dict() for g in self.figures.cells]
        return out


def window_months(window: Window) -> float:
    """The window's length in months (whole months as made by ``make_window``)."""
    months = (window.end.year - window.start.year) * 12 + window.end.month - window.start.month
    return float(max(months, 1))


def make_window(
    as_of: date,
    stages: list[str],
    mode: str,
    *,
    months: int = 12,
    mature_days: int = 90,
    days_after: int = 0,
    opportunity: str = "opportunity",
    won: str = "won",
) -> Window:
    """The back-test window and the stages that count as each outcome."""
    for name in (opportunity, won):
        if name not in stages:
            raise UserError(
                f"the funnel has no stage '{name}' to measure the score against",
                hint=did_you_mean(name, stages) or "stages: " + ", ".join(stages),
            )
    if months < 1 or mature_days < 0 or days_after < 0:
        raise UserError(
            "--months must be at least 1; --mature-days and --days-after not negative",
            hint="e.g. --months 12 --mature-days 90",
        )
    end = as_of - timedelta(days=mature_days)
    year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
    start = date(year, month + 1, min(end.day, monthrange(year, month + 1)[1]))

    def reach(stage: str) -> tuple[str, ...]:
        return tuple(stages[stages.index(stage) :]) if mode == "inferred" else (stage,)

    return Window(start, end, days_after, reach(opportunity), reach(won))


def backtest_rows(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    window: Window,
    cache_dir: Path | None = None,
) -> dict[str, np.ndarray]:
    """Per lead in the window: score, cell, mql, and the later outcomes (SQL)."""
    opp_marks = ", ".join("?" for _ in window.opportunity_stages)
    won_marks = ", ".join("?" for _ in window.won_stages)
    with warehouse.transaction() as session:
        score_in_session(
            session,
            spec,
            calendar,
            AS_OF_ENTRY,
            [
                window.days_after,
                datetime.combine(window.start, datetime.min.time()),
                datetime.combine(window.end, datetime.min.time()),
            ],
            cache_dir=cache_dir,
        )
        table = session.query(
            "SELECT t.score, t.cell, t.mql, o.first_at AS opp_at, w.first_at AS won_at, "
            "t.as_of FROM scoring_totals t "
            "LEFT JOIN (SELECT lead_key, min(entered_at) AS first_at FROM lead_stages "
            f"WHERE stage IN ({opp_marks}) GROUP BY lead_key) o ON o.lead_key = t.lead_key "
            "LEFT JOIN (SELECT lead_key, min(entered_at) AS first_at FROM lead_stages "
            f"WHERE stage IN ({won_marks}) GROUP BY lead_key) w ON w.lead_key = t.lead_key "
            "ORDER BY t.lead_key",
            [*window.opportunity_stages, *window.won_stages],
        )
    rows = table.to_pydict()
    scoring_end = [
        datetime.combine(d, datetime.min.time()) + timedelta(days=1) for d in rows["as_of"]
    ]
    early = np.array(
        [o is not None and o < e for o, e in zip(rows["opp_at"], scoring_end, strict=True)],
        dtype=bool,
    )
    return {
        "score": np.asarray(rows["score"], dtype=float),
        "cell": np.asarray(rows["cell"], dtype=object),
        "mql": np.asarray(rows["mql"], dtype=bool),
        "opp": np.array([o is not None for o in rows["opp_at"]], dtype=bool),
        "won": np.array([w is not None for w in rows["won_at"]], dtype=bool),
        "early": early,
    }


def quality(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    calendar: BusinessCalendar,
    window: Window,
    cache_dir: Path | None = None,
) -> QualityResult:
    rows = backtest_rows(warehouse, spec, calendar, window, cache_dir)
    keep = ~rows["early"]
    figures = evaluate(
        rows["score"][keep],
        rows["cell"][keep],
        rows["mql"][keep],
        rows["opp"][keep],
        rows["won"][keep],
        list(spec.bands),
    )
    return QualityResult(window, rules_hash(spec), int(rows["early"].sum()), figures)


@dataclass(frozen=True)
class WhatIfSide:
    rules_hash: str
    leads: int
    mql: int
    mql_opportunity_rate: float | None
    auc_opportunity: float | None
    auc_won: float | None
    wins_caught: float | None
    bands: list[dict[str, Any]]  # conversion by score band (the quality's ``bands``)

    @classmethod
    def of(cls, result: QualityResult) -> WhatIfSide:
        f = result.figures
        return cls(
            result.rules_hash,
            f.leads,
            f.mql.mql,
            f.mql.opportunity_rate,
            f.auc_opportunity,
            f.auc_won,
            f.mql.wins_caught,
            [g.to_dict() for g in f.bands],
        )


@dataclass(frozen=True)
class WhatIfResult:
    window: Window
    current: WhatIfSide
    new: WhatIfSide
    moved_in: int  # leads MQL under the new rule only
    moved_out: int  # leads MQL under the current rule only

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def what_if(
    warehouse: SqlWarehouse,
    current: ScoringSpec,
    new: ScoringSpec,
    calendar: BusinessCalendar,
    window: Window,
    cache_dir: Path | None = None,
) -> WhatIfResult:
    """The current and the new rule on the same window and leads, side by side."""
    sides, mqls = [], []
    for spec in (current, new):
        rows = backtest_rows(warehouse, spec, calendar, window, cache_dir)
        keep = ~rows["early"]
        figures = evaluate(
            rows["score"][keep],
            rows["cell"][keep],
            rows["mql"][keep],
            rows["opp"][keep],
            rows["won"][keep],
            list(spec.bands),
        )
        sides.append(WhatIfSide.of(QualityResult(window, rules_hash(spec), 0, figures)))
        mqls.append(rows["mql"][keep])
    old, now = mqls
    return WhatIfResult(
        window, sides[0], sides[1], int((now & ~old).sum()), int((old & ~now).sum())
    )
