"""Observations for alert rules, read from what refresh and status already computed.

The whole-node instance takes its actual, commit target and expected-to-date from
``Workspace.status`` (the same numbers ``ikkan status`` shows); dimension instances take
their values from kpi_values (``services.status.read_values``) and the node's plan value as
the line. Stale rules read import_log. No raw-table scans.

Which period a rule looks at (``period_for``): ``pacing`` the running period (expected-to-
date on the business calendar); every other node rule the latest *closed* period, because a
running period's flow values are partial and would fire early in every month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ikkan.alerts.conditions import Observation
from ikkan.alerts.rules import AlertRuleSpec, RuleKind
from ikkan.model.periods import Period, period_containing
from ikkan.model.periods import shift as shift_period

if TYPE_CHECKING:
    from ikkan.services.status import StatusReport
    from ikkan.workspace import Workspace


def period_for(rule: AlertRuleSpec, as_of: date, fy_start: int) -> Period:
    running = period_containing(as_of, rule.grain, fy_start)
    if rule.kind is RuleKind.PACING:
        return running
    return shift_period(running, -1, fy_start)


@dataclass
class Observer:
    """Reads observations for many rules, sharing status reports per period."""

    ws: Workspace
    as_of: date
    _reports: dict[str, StatusReport] = field(default_factory=dict)

    def status(self, period: Period) -> StatusReport:
        if period.key not in self._reports:
            self._reports[period.key] = self.ws.status(period=period.key, as_of=self.as_of)
        return self._reports[period.key]

    def observe(self, rule: AlertRuleSpec, period: Period) -> list[Observation]:
        """One observation per instance: the whole node, or each dimension value."""
        assert rule.node is not None
        fy_start = self.ws.spec.company.fiscal_year_start
        previous = shift_period(period, -1, fy_start)
        report = self.status(period)
        node = report.nodes[rule.node]
        histories = self._histories(rule, period) if rule.kind is RuleKind.ANOMALY else {}
        if rule.dimension is None:
            expected = node.pacing.expected_to_date if node.pacing is not None else None
            if rule.kind is RuleKind.PACING and node.pacing is not None:
                actual = node.pacing.actual_to_date
            else:
                actual = node.actual
            prev = self._values(period.grain, [previous.key], "").get((rule.node, previous.key))
            return [
                Observation(
                    period=period.key,
                    actual=actual,
                    target=node.commit,
                    expected=expected,
                    previous=_value(prev),
                    maturing=node.maturing,
                    history=histories.get("", ()),
                )
            ]
        rows = self._values(period.grain, [period.key, previous.key], rule.dimension)
        names = sorted({v for (n, p, v) in rows if n == rule.node and p == period.key})
        return [
            Observation(
                period=period.key,
                dimension_value=name,
                actual=_value(rows.get((rule.node, period.key, name))),
                target=node.commit,
                previous=_value(rows.get((rule.node, previous.key, name))),
                maturing=bool((rows.get((rule.node, period.key, name)) or {}).get("maturing")),
                history=histories.get(name, ()),
            )
            for name in names
        ]

    def _histories(self, rule: AlertRuleSpec, period: Period) -> dict[str, tuple[float, ...]]:
        """Per instance, the values of the ``history`` periods before ``period``, oldest
        first; only the unbroken run up to the judged period (a gap ends the history)."""
        assert rule.node is not None
        fy_start = self.ws.spec.company.fiscal_year_start
        keys = [shift_period(period, -i, fy_start).key for i in range(rule.history, 0, -1)]
        from ikkan.services.status import read_values

        rows = read_values(self.ws.warehouse(), str(period.grain), keys, rule.dimension or "")
        out: dict[str, tuple[float, ...]] = {}
        for name in {v for (n, _, v) in rows if n == rule.node}:
            run: list[float] = []
            for key in keys:
                value = _value(rows.get((rule.node, key, name)))
                run = [] if value is None else [*run, value]
            out[name] = tuple(run)
        return out

    def _values(self, grain: Any, periods: list[str], dimension: str) -> dict[Any, Any]:
        from ikkan.services.status import read_values

        rows = read_values(self.ws.warehouse(), str(grain), periods, dimension)
        if dimension:
            return rows
        return {(n, p): row for (n, p, _), row in rows.items()}


def _value(row: dict[str, Any] | None) -> float | None:
    return None if row is None or row["value"] is None else float(row["value"])


_ALL_IMPORTS = (
    "SELECT import_id, file_path, reader, source_system, status, finished_at FROM import_log "
    "ORDER BY finished_at, import_id"
)
_OK_IMPORTS = _ALL_IMPORTS.replace(
    "ORDER BY", "WHERE status = 'ok' AND finished_at IS NOT NULL ORDER BY"
)


def source_imports(ws: Workspace, source: str, *, ok_only: bool = True) -> list[dict[str, Any]]:
    """The imports (``import_log`` rows: import_id, finished_at …) that count for a stale
    rule's ``source``, oldest first: files under a configured source's folder, or imports
    by a reader family (``ga4``, ``hubspot`` …)."""
    rows = ws.warehouse().query(_OK_IMPORTS if ok_only else _ALL_IMPORTS).to_pylist()
    configured = ws.spec.sources.get(source)
    folder = (ws.root / configured.path).resolve() if configured else None
    out: list[dict[str, Any]] = []
    for row in rows:
        if folder is not None:
            path = Path(row["file_path"] or "")
            path = path if path.is_absolute() else ws.root / path
            if not path.resolve().is_relative_to(folder):
                continue
        elif not (
            str(row["reader"] or "").startswith(source)
            or str(row["source_system"] or "").startswith(source)
        ):
            continue
        out.append(row)
    return out


def import_times(ws: Workspace, rule: AlertRuleSpec) -> list[datetime]:
    """Finish times of the successful imports that count for a stale rule's source, oldest
    first (``source_imports``)."""
    assert rule.source is not None
    return [row["finished_at"] for row in source_imports(ws, rule.source)]


def stale_observation(ws: Workspace, rule: AlertRuleSpec, now: datetime) -> Observation:
    """Days from the last counted import to ``now`` (naive wall clock, project zone)."""
    times = [t for t in import_times(ws, rule) if t <= now]
    if not times:
        return Observation(days_since_import=None)
    return Observation(days_since_import=(now - times[-1]).total_seconds() / 86400)


def wall_clock(ws: Workspace) -> datetime:
    """Now as the warehouse stores times: naive, in the project's time zone."""
    return ws.clock.now(ZoneInfo(ws.spec.company.timezone)).replace(tzinfo=None)
