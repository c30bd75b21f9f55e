"""``ProjectView``: what the services that read a whole project (explain, facts, pdca,
reading) need of it. ``Workspace`` satisfies it structurally, so those services take the
façade's data as an argument without importing the façade (no ``services`` ↔
``workspace`` import circle)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ikkan.clock import Clock
    from ikkan.model.issues import Issue
    from ikkan.model.periods import Period
    from ikkan.model.planning import Plan
    from ikkan.model.revisions import EffectiveTargets
    from ikkan.model.spec import ProjectSpec
    from ikkan.model.tree import KpiTree
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.services.series import Series
    from ikkan.services.status import StatusReport
    from ikkan.warehouse.base import SqlWarehouse


class ProjectView(Protocol):
    tree: KpiTree | None
    issues: list[Issue]
    clock: Clock

    @property
    def spec(self) -> ProjectSpec: ...
    @property
    def lang(self) -> str: ...
    def calendar(self) -> BusinessCalendar: ...
    @property
    def has_errors(self) -> bool: ...
    def warehouse(self) -> SqlWarehouse: ...
    def warehouse_dialect(self) -> str: ...
    def data_as_of(self) -> date: ...
    def measured_as_of(self) -> date: ...
    def require_valid(self) -> KpiTree: ...
    def require_dimension(self, dimension: str) -> None: ...
    def resolve_period(self, text: str, as_of: date | None = None) -> Period: ...
    def lint(self) -> list[Issue]: ...
    def plan(self) -> Plan: ...
    def effective_targets(self) -> EffectiveTargets: ...
    def state_exists(self) -> bool: ...
    def state_engine(self) -> Engine: ...
    def status(
        self,
        *,
        period: str | None = None,
        by: str | None = None,
        as_of: date | None = None,
        where: tuple[str, str] | None = None,
    ) -> StatusReport: ...
    def series(
        self,
        node_id: str,
        *,
        grain: str = "month",
        by: str | None = None,
        period: str | None = None,
    ) -> Series: ...
