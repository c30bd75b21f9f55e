"""The scoring use cases for one project, as ``Workspace.scoring()`` hands them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ikkan.model.scoring import ScoringSpec
from ikkan.services.scoring import publish as publishing
from ikkan.services.scoring.advise import AdviceResult
from ikkan.services.scoring.current import ScoreRunResult, score_leads
from ikkan.services.scoring.lead import LeadScore, lead_score
from ikkan.services.scoring.quality import (
    QualityResult,
    WhatIfResult,
    Window,
    make_window,
    quality,
    what_if,
    window_months,
)

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import SqlWarehouse


@dataclass
class Scoring:
    warehouse: SqlWarehouse
    spec: ScoringSpec
    calendar: BusinessCalendar
    as_of: date  # the last day of data
    now: datetime  # naive, the project's wall clock
    stages: list[str]
    funnel_mode: str
    lang: str = "en"
    cache_dir: Path | None = None  # where rendered SQL is cached (the project's .ikkan/)

    def score(self, as_of: date | None = None) -> ScoreRunResult:
        return score_leads(
            self.warehouse,
            self.spec,
            self.calendar,
            as_of or self.as_of,
            self.now,
            cache_dir=self.cache_dir,
        )

    def lead(self, ident: str, *, recompute_history: bool = True) -> LeadScore:
        return lead_score(
            self.warehouse,
            self.spec,
            self.calendar,
            ident,
            self.as_of,
            self.lang,
            cache_dir=self.cache_dir,
            recompute_history=recompute_history,
        )

    def window(self, *, months: int = 12, mature_days: int = 90, days_after: int = 0) -> Window:
        return make_window(
            self.as_of,
            self.stages,
            self.funnel_mode,
            months=months,
            mature_days=mature_days,
            days_after=days_after,
        )

    def quality(self, window: Window, spec: ScoringSpec | None = None) -> QualityResult:
        return quality(self.warehouse, spec or self.spec, self.calendar, window, self.cache_dir)

    def what_if(self, new: ScoringSpec | Path, window: Window) -> WhatIfResult:
        if isinstance(new, Path):
            from ikkan.project.scoring_file import load_scoring_file

            new = load_scoring_file(new)
        return what_if(self.warehouse, self.spec, new, self.calendar, window, self.cache_dir)

    def advise(
        self, window: Window, capacity: int | None = None, spec: ScoringSpec | None = None
    ) -> AdviceResult:
        """The MQL rule that fills ``capacity`` (default: ``scoring.capacity``) with the most
        later opportunities, measured on the back-test window (``advise.py`` states how)."""
        from ikkan.errors import UserError
        from ikkan.services.scoring.advise import advise
        from ikkan.services.scoring.quality import backtest_rows

        rules = spec or self.spec
        wanted = capacity if capacity is not None else rules.capacity
        if wanted is None:
            raise UserError(
                "how many leads a month can inside sales work?",
                hint="pass --capacity N, or set scoring: {capacity: N} in ikkan.yml",
            )
        rows = backtest_rows(self.warehouse, rules, self.calendar, window, self.cache_dir)
        keep = ~rows["early"]
        return advise(
            wanted,
            window_months(window),
            rows["score"][keep],
            rows["cell"][keep],
            rows["mql"][keep],
            rows["opp"][keep],
            rows["won"][keep],
        )

    def publish(self, *, by: str, why: str, window: Window) -> publishing.PublishedRules:
        """Record the rules in ikkan.yml as the next published version (with the what-if
        against the previous version as its effect) and rescore every lead."""
        previous = publishing.last_published(self.warehouse)
        effect = None
        if previous is not None:
            effect = what_if(
                self.warehouse, previous, self.spec, self.calendar, window, self.cache_dir
            ).to_dict()
        record = publishing.record(
            self.warehouse, self.spec, by=by, why=why, at=self.now, effect=effect
        )
        self.score()
        return record

    def log(self) -> list[publishing.PublishedRules]:
        return publishing.published(self.warehouse)
