"""Everything a review report shows, read through the façade and the reads the dashboard
and ``ikkan status --json`` use (``Workspace.status``, ``services.reading.drill_down`` and
``history``, the plan, the alert history). No figure is computed here: sections.py only
arranges these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ikkan.errors import UserError
from ikkan.model.periods import Grain, Period, PeriodError, period_containing, shift
from ikkan.reports.review.actions import ActionLog, actions_since
from ikkan.services import reading

if TYPE_CHECKING:
    from ikkan.model.planning import Plan
    from ikkan.model.tree import KpiTree
    from ikkan.services.status import StatusReport
    from ikkan.workspace import Workspace

REVIEW_GRAINS = (Grain.MONTH, Grain.QUARTER)
HISTORY_PERIODS = 12


@dataclass
class ReviewInputs:
    company: str
    currency: str
    tree: KpiTree
    plan: Plan
    period: Period
    as_of: date
    status: StatusReport  # the review period, exactly as ``ikkan status --period P``
    previous: StatusReport | None  # the period before (month over month)
    year: StatusReport | None  # the fiscal year the period lies in (pacing, landing)
    dimension: str | None  # the breakdown for channels and the drill-down
    by: StatusReport | None = None  # the period split by ``dimension``
    by_previous: StatusReport | None = None
    drill: Any = None  # services.drilldown.NodeDrillDown of the bottleneck node
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    year_months: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pacing_line: dict[date, float] = field(default_factory=dict)  # the KGI's, fiscal year
    alerts: list[dict[str, Any]] = field(default_factory=list)
    alert_rules: dict[str, Any] = field(default_factory=dict)
    actions: ActionLog | None = None  # None: no PDCA log to read (section left out)
    next_period: Period | None = None
    next_commit: dict[str, float | None] = field(default_factory=dict)
    next_stretch: dict[str, float | None] = field(default_factory=dict)
    next_note: str | None = None
    computed_at: Any = None


def review_period(ws: Workspace, text: str) -> Period:
    """The period a review covers: a month or a quarter that refresh computes."""
    period = ws.resolve_period(text)
    if period.grain not in REVIEW_GRAINS:
        raise UserError(
            f"a review covers a month or a quarter, not '{text}' ({period.grain})",
            hint="e.g. --period 2026-10 (monthly review) or --period FY2026-Q3 (quarterly)",
        )
    if str(period.grain) not in ws.spec.measure.grains:
        raise UserError(
            f"refresh does not compute {period.grain} values",
            hint="add it to measure.grains in ikkan.yml",
        )
    return period


def gather(
    ws: Workspace,
    period_text: str,
    *,
    as_of: date | None = None,
    alerts_ws: Workspace | None = None,
) -> ReviewInputs:
    """``alerts_ws``: where the alert history lives when ``ws`` is a read snapshot holding
    the measured values only (the dashboard's); default ``ws``."""
    tree = ws.tree
    assert tree is not None
    period = review_period(ws, period_text)
    day = as_of or ws.data_as_of()
    if period.start > day:
        raise UserError(
            f"{period.key} has not started (data run to {day.isoformat()})",
            hint="review a period that has data, e.g. the last closed month",
        )
    fy_start = ws.spec.company.fiscal_year_start
    spec = ws.spec
    grains = spec.measure.grains
    status = ws.status(period=period.key, as_of=day)
    previous_period = shift(period, -1, fy_start)
    previous = ws.status(period=previous_period.key, as_of=day)
    year = None
    if str(Grain.FISCAL_YEAR) in grains:
        year = ws.status(period=period_containing(period.start, Grain.FISCAL_YEAR, fy_start).key)
    dims = spec.measure.dimensions
    dimension = "channel" if "channel" in dims else (dims[0] if dims else None)
    inputs = ReviewInputs(
        company=spec.company.name,
        currency=spec.company.currency,
        tree=tree,
        plan=ws.plan(),
        period=period,
        as_of=day,
        status=status,
        previous=previous,
        year=year,
        dimension=dimension,
        computed_at=status.computed_at,
        alert_rules=dict(spec.alerts),
    )
    if dimension is not None:
        inputs.by = ws.status(period=period.key, by=dimension, as_of=day)
        inputs.by_previous = ws.status(period=previous_period.key, by=dimension, as_of=day)
        worst = status.bottleneck.bottleneck if status.bottleneck else None
        if worst is not None:
            inputs.drill = reading.drill_down(
                ws, worst.node, dimension, period=period.key, as_of=day
            )
    inputs.history = reading.history(ws, str(period.grain), upto=period.start, last=HISTORY_PERIODS)
    _year_pacing(ws, inputs)
    inputs.alerts = _alerts_in(alerts_ws or ws, period)
    inputs.actions = actions_since(ws, period)
    _next_targets(inputs, fy_start)
    return inputs


def _year_pacing(ws: Workspace, inputs: ReviewInputs) -> None:
    """The KGI's months of the fiscal year and its target phased on business days (the
    dashboard's pacing chart draws the same two)."""
    from ikkan.monitor.pacing import pacing_line

    year = inputs.year
    if year is None or year.bottleneck is None or "month" not in ws.spec.measure.grains:
        return
    kgi = year.bottleneck.root
    target = year.nodes[kgi].commit
    if target is None:
        return
    inputs.pacing_line = dict(pacing_line(target, year.period, ws.calendar()))
    inputs.year_months = reading.history(ws, "month", upto=year.period.end, last=12, nodes=[kgi])


def _alerts_in(ws: Workspace, period: Period) -> list[dict[str, Any]]:
    """Alert history rows (transitions and notices) of the period, oldest first, and for
    each alert instance its latest state (how it ended)."""
    warehouse = ws.warehouse()  # migrated: the alert tables exist, perhaps empty
    start = period.start
    end = period.end + timedelta(days=1)
    rows: list[dict[str, Any]] = warehouse.query(
        'SELECT * FROM alert_history WHERE "at" >= ? AND "at" < ? '
        'ORDER BY "at", rule_id, instance, event_no',
        [start, end],
    ).to_pylist()
    latest = warehouse.query(
        "SELECT rule_id, instance, state, updated_at FROM alert_state"
    ).to_pylist()
    state = {(r["rule_id"], r["instance"]): r for r in latest}
    for row in rows:
        now = state.get((row["rule_id"], row["instance"]))
        row["state_now"] = now["state"] if now else None
    return rows


def _next_targets(inputs: ReviewInputs, fy_start: int) -> None:
    nxt = shift(inputs.period, 1, fy_start)
    inputs.next_period = nxt
    try:
        commit = inputs.plan.for_period("commit", nxt.key)
        stretch = inputs.plan.for_period("stretch", nxt.key)
    except PeriodError as exc:
        inputs.next_note = str(exc)
        return
    inputs.next_commit = {k: v.value for k, v in commit.values.items()}
    inputs.next_stretch = {k: v.value for k, v in stretch.values.items()}
