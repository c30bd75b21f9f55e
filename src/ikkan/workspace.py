"""The façade the CLI, the web app and the scheduler call: one project, one object.

``Workspace.open(path)`` finds ``ikkan.yml`` and loads the spec; ``validate()`` returns every
issue; ``lint()`` adds the design advice; ``plan()`` raises ``ProjectInvalid`` when the spec
has errors and otherwise works out the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ikkan.alerts.checks import alert_issues
from ikkan.clock import Clock, SystemClock
from ikkan.errors import ProjectInvalid, UserError
from ikkan.model.issues import Issue, Severity
from ikkan.model.lint import lint_tree
from ikkan.model.planning import Plan, achievability_issues, make_plan
from ikkan.model.revisions import EffectiveTargets, effective_targets
from ikkan.model.spec import ProjectSpec
from ikkan.model.tree import KpiTree, resolve_tree
from ikkan.project.loader import LoadedProject, load_project
from ikkan.project.scoring_checks import scoring_issues
from ikkan.project.source_checks import source_issues

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ikkan.model.periods import Period
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.services.pdca import PdcaLog
    from ikkan.services.refresh.run import Progress, RefreshReport
    from ikkan.services.scoring.facade import Scoring
    from ikkan.services.series import Series
    from ikkan.services.status import StatusReport
    from ikkan.warehouse.base import SqlWarehouse


@dataclass
class Workspace:
    root: Path
    loaded: LoadedProject
    tree: KpiTree | None
    issues: list[Issue] = field(default_factory=list)
    clock: Clock = field(default_factory=SystemClock)
    _warehouse: Any = field(default=None, repr=False)
    _migrated: bool = field(default=False, repr=False)
    _as_of: date | None = field(default=None, repr=False)  # pinned in read snapshots
    _first_day: date | None = field(default=None, repr=False)  # ALL's start, pinned likewise
    _calendar: BusinessCalendar | None = field(default=None, repr=False)
    _plan: Plan | None = field(default=None, repr=False)
    _plan_key: Any = field(default=None, repr=False)  # the effective targets it was made from
    last_score_run: Any = field(default=None, repr=False)  # the scoring the last refresh ran
    _checked: bool = field(default=False, repr=False)  # warehouse.canonical checked

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        clock: Clock | None = None,
        warehouse_url: str | None = None,
    ) -> Workspace:
        loaded = load_project(Path(path or "."))
        issues = list(loaded.issues)
        tree = None
        if loaded.spec is not None:
            tree, tree_issues = resolve_tree(loaded.spec, loaded.source_map, loaded.invalid_nodes)
            issues += tree_issues
            issues += source_issues(loaded.spec, loaded.root, loaded.source_map)
            issues += alert_issues(loaded.spec, loaded.source_map)
            issues += scoring_issues(loaded.spec, loaded.source_map)
        ws = cls(loaded.root, loaded, tree, _sorted(issues), clock or SystemClock())
        if warehouse_url is not None:
            from ikkan.warehouse import open_warehouse

            ws._warehouse = open_warehouse(warehouse_url)
        return ws

    # -- the warehouse ----------------------------------------------------------------
    @property
    def warehouse_url(self) -> str:
        from ikkan.warehouse import default_warehouse_url

        configured = self.spec.warehouse.url
        if configured is None:
            return default_warehouse_url(self.root)
        import os

        url = os.path.expandvars(configured)  # secrets come from the environment
        prefix = "duckdb:///"
        if url.startswith(prefix) and not Path(url[len(prefix) - 1 :]).is_absolute():
            return "duckdb://" + str((self.root / url[len(prefix) :]).resolve())
        return url

    def warehouse(self) -> SqlWarehouse:
        """The project's warehouse, migrated to the current schema."""
        warehouse = self._open_warehouse()
        if not self._migrated:
            from ikkan.services import existing_tables

            existing_tables.apply(self.spec, warehouse)
            warehouse.migrate(self.root)  # the root: import paths relative to the project
            self._migrated = True
        return warehouse

    def _open_warehouse(self) -> SqlWarehouse:
        if self._warehouse is None:
            from ikkan.warehouse import open_warehouse

            self._warehouse = open_warehouse(self.warehouse_url)
        return self._warehouse  # type: ignore[no-any-return]

    def today(self) -> date:
        return self.clock.now(ZoneInfo(self.spec.company.timezone)).date()

    def data_as_of(self) -> date:
        """Today, or the last day with data when the data stops earlier (exports lag)."""
        from ikkan.services.refresh.run import latest_data_day

        if self._as_of is not None:
            return self._as_of

        today = self.today()
        latest = latest_data_day(self.warehouse())
        return min(today, latest) if latest else today

    def measured_as_of(self) -> date:
        """The ``as_of`` the last refresh used (what kpi_values are measured to), else
        ``data_as_of()``: ``explain`` renders its SQL with it, so the SQL shown is the SQL
        that produced the values shown."""
        from ikkan.services.refresh.changes import read_mark

        warehouse = self.warehouse()
        with warehouse.reading() as session:
            mark = read_mark(session)
        return mark.as_of if mark is not None and mark.as_of else self.data_as_of()

    def require_dimension(self, dimension: str) -> None:
        """A UserError unless refresh computes a breakdown by ``dimension``."""
        if dimension not in self.spec.measure.dimensions:
            from ikkan.errors import did_you_mean

            raise UserError(
                f"refresh does not compute a breakdown by '{dimension}'",
                hint=did_you_mean(dimension, self.spec.measure.dimensions)
                or "add it to measure.dimensions in ikkan.yml; computed: "
                + (", ".join(self.spec.measure.dimensions) or "none"),
            )

    def calendar(self) -> BusinessCalendar:
        """The business calendar of ``calendar:`` in ikkan.yml, built once per workspace (it
        caches each year's public holidays, which take long to build)."""
        from ikkan.monitor.calendar import CalendarSettings

        if self._calendar is None:
            self._calendar = CalendarSettings(**self.spec.calendar.model_dump()).calendar()
        return self._calendar

    # -- data ---------------------------------------------------------------------------
    def ingest(
        self,
        paths: list[Path] | list[str] | None = None,
        *,
        reader: str | None = None,
        force: bool = False,
        progress: Any = None,
    ) -> list[Any]:
        """Import files or folders; the first argument may name a configured source or a
        reader (``hubspot``); no arguments: every source in ikkan.yml. → FileOutcomes."""
        from ikkan.services.ingest import ingest, targets_from_args

        self.require_valid()
        targets = targets_from_args(self.spec, self.root, [str(p) for p in paths or []], reader)
        return ingest(
            self.spec, self.warehouse(), targets, force=force, progress=progress, root=self.root
        )

    def rejected_rows(
        self, *, file: str | None = None, limit: int = 200, kind: str = "all"
    ) -> list[dict[str, Any]]:
        """Rows that could not be imported (``kind`` "rejected"), rows read and left out on
        purpose (``kind`` "skipped": their reason starts with "skipped: "), or both; newest
        import first (file, row, column, reason)."""
        from ikkan.ingest.load import SKIPPED_PREFIX

        sql = (
            "SELECT r.file_path, r.row_number, r.column_name, r.raw_value, r.reason, "
            "r.import_id, l.started_at FROM rejected_rows r "
            "LEFT JOIN import_log l ON l.import_id = r.import_id WHERE 1 = 1 "
        )
        params: list[Any] = []
        if file:
            sql += "AND r.file_path LIKE ? "
            params.append(f"%{file}%")
        if kind in ("rejected", "skipped"):
            sql += "AND " + ("" if kind == "skipped" else "NOT ") + "starts_with(r.reason, ?) "
            params.append(SKIPPED_PREFIX)
        sql += "ORDER BY r.import_id DESC, r.file_path, r.row_number LIMIT ?"
        params.append(limit)
        rows: list[dict[str, Any]] = self.warehouse().query(sql, params).to_pylist()
        return rows

    def quality(self) -> Any:
        """The data quality report (duplicates, missing fields, impossible dates …)."""
        from ikkan.warehouse.quality import quality_report
        from ikkan.warehouse.quality_model import QualitySettings

        settings = QualitySettings(
            stages=tuple(s.id for s in self.spec.funnel.stages),
            clock=self.clock,
            timezone=self.spec.company.timezone,
        )
        return quality_report(self.warehouse(), settings)

    def warehouse_dialect(self) -> str:
        return "postgres" if self.warehouse_url.startswith("postgres") else "duckdb"

    def explain(
        self,
        node_id: str,
        *,
        grain: str = "month",
        by: str | None = None,
        dialect: str | None = None,
        period: str | None = None,
    ) -> dict[str, Any]:
        """How a node's value is computed: definition, formula or SQL, latest values.
        ``period`` (a key, a range or ``ALL``) renders the SQL of that period and gives
        its value; a calendar period sets the grain."""
        from ikkan.services.explain import explain

        return explain(self, node_id, grain, by, dialect, period)

    def checklist(self, *, as_of: date | None = None) -> list[Any]:
        """The seed 000 readiness checklist, checked from what the project knows."""
        from datetime import datetime, time

        from ikkan.monitor.checklist import evaluate_checklist
        from ikkan.services.facts import project_facts

        day = as_of or self.today()
        facts = project_facts(self)
        moment = datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(self.spec.company.timezone))
        return evaluate_checklist(facts, moment)

    # -- measurement --------------------------------------------------------------------
    def refresh(
        self, *, as_of: date | None = None, full: bool = False, progress: Progress | None = None
    ) -> RefreshReport:
        from ikkan.services.refresh.run import refresh

        tree = self.require_valid()
        measure = self.spec.measure
        report = refresh(
            tree,
            self.warehouse(),
            as_of=as_of or self.data_as_of(),
            grains=list(measure.grains),
            dimensions=list(measure.dimensions),
            full=full,
            progress=progress,
            # naive local time in the project's zone, like import_log (one clock for both)
            computed_at=self.clock.now(ZoneInfo(self.spec.company.timezone)).replace(
                tzinfo=None, microsecond=0
            ),
            cache_dir=self.root / ".ikkan",
            calendar=self.calendar(),
            calendar_key=self.spec.calendar.model_dump_json(),
        )
        # decay moves scores daily: rescore every refresh. Spark's statement layer cannot
        # store scores yet (docs/warehouses.md), so scoring there waits for that.
        if self.spec.scoring is not None and not self.warehouse_url.startswith("spark"):
            self.last_score_run = self.scoring().score(as_of)
        return report

    def scoring(self) -> Scoring:
        """Lead scoring for this project (``scoring:`` in ikkan.yml); an error without it."""
        from ikkan.services.scoring.facade import Scoring

        self.require_valid()
        spec = self.spec.scoring
        if spec is None:
            raise UserError(
                "ikkan.yml has no scoring: section",
                hint="add fit and engagement rules (docs/scoring.md); `ikkan init` writes one",
            )
        zone = ZoneInfo(self.spec.company.timezone)
        return Scoring(
            warehouse=self.warehouse(),
            spec=spec,
            calendar=self.calendar(),
            as_of=self.data_as_of(),
            now=self.clock.now(zone).replace(tzinfo=None, microsecond=0),
            stages=[s.id for s in self.spec.funnel.stages],
            funnel_mode=self.spec.funnel.mode,
            lang=self.lang,
            cache_dir=self.root / ".ikkan",
        )

    def status(
        self,
        *,
        period: str | None = None,
        by: str | None = None,
        as_of: date | None = None,
        where: tuple[str, str] | None = None,
    ) -> StatusReport:
        """The tree's status for a period; ``where`` = (dimension, value) for one slice."""
        from ikkan.model.periods import Grain
        from ikkan.services.status import build_status, default_period

        tree = self.require_valid()
        day = as_of or self.data_as_of()
        chosen = self.resolve_period(period, day) if period else default_period(day)
        ranged = chosen.grain is Grain.RANGE  # measured now, for any dimension
        if not ranged and str(chosen.grain) not in self.spec.measure.grains:
            raise UserError(
                f"{chosen.key} is a {chosen.grain}, which refresh does not compute",
                hint="add it to measure.grains in ikkan.yml, or ask for "
                + ", ".join(self.spec.measure.grains),
            )
        if by is not None and not ranged and by not in self.spec.measure.dimensions:
            raise UserError(
                f"refresh does not compute a breakdown by '{by}'",
                hint="add it to measure.dimensions in ikkan.yml; computed: "
                + (", ".join(self.spec.measure.dimensions) or "none"),
            )
        if where is not None:
            self.require_dimension(where[0])
        return build_status(
            tree, self.plan(), self.warehouse(), chosen, day, self.calendar(), by=by, where=where
        )

    def series(
        self,
        node_id: str,
        *,
        grain: str = "month",
        by: str | None = None,
        period: str | None = None,
    ) -> Series:
        """``node_id`` period by period at ``grain`` (``ikkan status --series``; the
        dashboard's trend API serves the same): every stored period, or those overlapping
        ``period`` (a key, a range or ``ALL``), split by ``by`` when given. Each point has
        its value, the counts behind a rate and its maturing flag (``services.series``)."""
        from ikkan.services.series import read_series

        tree = self.require_valid()
        span = self.resolve_period(period) if period else None
        return read_series(
            tree,
            self.warehouse(),
            node_id,
            grain=grain,
            dimension=by or "",
            stored_grains=list(self.spec.measure.grains),
            stored_dimensions=list(self.spec.measure.dimensions),
            start=span.start if span else None,
            end=span.end if span else None,
        )

    def resolve_period(self, text: str, as_of: date | None = None) -> Period:
        """A period key as the CLI and the API take it: calendar keys (``2026-10``,
        ``FY2026``), custom ranges (``2017-06-01..2018-05-31``) and ``ALL`` (the first day
        with data to ``as_of``, default ``data_as_of()``)."""
        from ikkan.model.periods import all_time, is_all_time, parse_period
        from ikkan.services.range_values import earliest_data_day

        day = as_of or self.data_as_of()
        if is_all_time(text):
            first = self._first_day or earliest_data_day(self.warehouse())
            return all_time(first or day, day)
        return parse_period(text, self.spec.company.fiscal_year_start)

    @property
    def spec(self) -> ProjectSpec:
        self.require_valid()
        assert self.loaded.spec is not None
        return self.loaded.spec

    @property
    def lang(self) -> str:
        return self.loaded.spec.company.locale if self.loaded.spec else "ja"

    def validate(self) -> list[Issue]:
        """The spec's issues; with ``warehouse.canonical``, also the mapped tables' columns
        checked in the warehouse (the one check that connects)."""
        spec = self.loaded.spec
        if spec is None or not spec.warehouse.canonical or self.has_errors or self._checked:
            return list(self.issues)
        from ikkan.services import existing_tables

        self._checked = True
        found = existing_tables.issues(spec, self._open_warehouse(), self.loaded.source_map)
        self.issues = _sorted([*self.issues, *found])
        return list(self.issues)

    def lint(self) -> list[Issue]:
        issues = list(self.issues)
        if self.tree is not None and not self.has_errors:
            issues += lint_tree(self.tree, self.loaded.source_map)
            plan = make_plan(self.tree)
            errors = [i for i in plan.issues if i.severity is Severity.ERROR]
            issues += errors
            tree = self.tree
            if not errors and self.state_exists():  # targets as revised count, as on screens
                tree, plan = self.effective_targets().tree, self.plan()
            issues += achievability_issues(tree, plan, locator=self.loaded.source_map)
        return _sorted(issues)

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    # -- application state: target revisions and the PDCA log ---------------------------
    def state_url(self) -> str:
        from ikkan.state import state_url

        return state_url(self.root)

    def state_exists(self) -> bool:
        """Whether there is a state database to read (none yet: nothing was ever logged)."""
        url = self.state_url()
        if not url.startswith("sqlite"):
            return True
        return Path(url.partition(":///")[2]).exists()

    def state_engine(self) -> Engine:
        """The state database (created and migrated on first use)."""
        from ikkan.services.state_engines import engine_for

        return engine_for(self.state_url())

    def effective_targets(self) -> EffectiveTargets:
        """ikkan.yml's targets with the revisions that count: the one source of targets."""
        tree = self.require_valid()
        if not self.state_exists():
            return effective_targets(tree, [])
        return self.pdca().effective()

    def pdca(self) -> PdcaLog:
        """Target revisions, actions, notes and check-ins (``services.pdca``)."""
        from ikkan.services.pdca import PdcaLog

        return PdcaLog(self)

    def require_valid(self) -> KpiTree:
        if self.has_errors or self.tree is None:
            raise ProjectInvalid([i for i in self.issues if i.severity is Severity.ERROR])
        return self.tree

    def plan(self) -> Plan:
        """The plan from the effective targets: ikkan.yml with the target revisions that
        count under the precedence rule (``model.revisions``). Every screen and report that
        shows a target takes it from here. Worked out once per set of effective targets (a
        new revision gives a new key); callers treat the plan as read-only."""
        effective = self.effective_targets()
        key = (
            tuple((s.revision.id, s.applies) for s in effective.statuses),
            tuple(sorted(effective.pins.items())),
        )
        if self._plan is None or self._plan_key != key:
            plan = make_plan(effective.tree, effective.pins)
            errors = [i for i in plan.issues if i.severity is Severity.ERROR]
            if errors:
                raise ProjectInvalid(errors)
            self._plan, self._plan_key = plan, key
        return self._plan


def _sorted(issues: list[Issue]) -> list[Issue]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

    def key(issue: Issue) -> tuple[int, str, int, int]:
        loc = issue.location
        return (
            order[issue.severity],
            loc.path if loc else "",
            loc.line or 0 if loc else 0,
            loc.column or 0 if loc else 0,
        )

    return sorted(issues, key=key)
