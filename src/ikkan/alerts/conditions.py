"""One rule on one observation → a finding. Pure: no clock, no warehouse.

"Worse" follows the node's direction, as in ``monitor.status``:

- ``threshold``: actual below ``value`` (higher is better) or above it (lower is better);
  ``when:`` overrides the side.
- ``target`` / ``pacing``: achievement against the line (the commit target of a closed
  period, or the expected-to-date of the running one) below ``1 - margin``. Achievement is
  ``monitor.status.achievement`` (actual ÷ line, or line ÷ actual for lower-is-better), so
  ``margin: 10%`` fires exactly where status turns from amber to red with default thresholds.
- ``change``: worse than the previous period by more than ``margin`` (relative change).
- ``allowable``: a cost above the plan's value × (1 + margin).
- ``anomaly``: outside the expected range of the node's own history (``alerts.anomaly``).
- ``stale``: more than ``days`` days since the source's last successful import.
- ``import_failed`` / ``refresh_failed``: the scheduler's latest import (a file it could not
  load) or refresh failed; cleared by the next successful one.

A finding with ``breached=None`` means "cannot judge" (no value, no target, a maturing
cohort); the lifecycle holds its state on it rather than resolving.
"""

from __future__ import annotations

from dataclasses import dataclass

from ikkan.alerts.rules import AlertRuleSpec, RuleKind
from ikkan.monitor.status import achievement, check_direction, meets


@dataclass(frozen=True)
class Observation:
    """What is known about one rule instance (a node, maybe one dimension value) at once."""

    period: str = ""
    dimension_value: str = ""  # '' for the whole
    actual: float | None = None
    target: float | None = None  # commit target of the period (target, allowable)
    expected: float | None = None  # expected-to-date (pacing)
    previous: float | None = None  # the previous period (change)
    days_since_import: float | None = None  # stale; None = never imported
    history: tuple[float, ...] = ()  # anomaly: earlier periods, oldest first
    run_status: str | None = None  # import_failed / refresh_failed: the last step's outcome
    run_message: str = ""
    maturing: bool = False


@dataclass(frozen=True)
class Finding:
    breached: bool | None  # None: cannot judge
    observed: float | None
    line: float | None  # the value compared against
    gap: float | None  # observed - line, in the node's unit
    why: str  # short English reason, for history and notifications


def evaluate(rule: AlertRuleSpec, direction: str, obs: Observation) -> Finding:
    way = check_direction(direction)
    kind = rule.kind
    if kind is RuleKind.STALE:
        assert rule.days is not None
        if obs.days_since_import is None:
            return Finding(True, None, float(rule.days), None, "never imported")
        late = obs.days_since_import > rule.days
        gap = obs.days_since_import - rule.days
        why = f"{obs.days_since_import:.1f} days since the last import (limit {rule.days})"
        return Finding(late, obs.days_since_import, float(rule.days), gap, why)
    if kind in (RuleKind.IMPORT_FAILED, RuleKind.REFRESH_FAILED):
        if obs.run_status not in ("ok", "failed"):
            return Finding(None, None, None, None, "no scheduled run yet")
        failed = obs.run_status == "failed"
        why = obs.run_message or ("failed" if failed else "ok")
        return Finding(failed, None, None, None, why)
    actual = obs.actual
    if actual is None:
        return Finding(None, None, None, None, "no value")
    if obs.maturing:
        return Finding(None, actual, None, None, "cohort still maturing")
    if kind is RuleKind.THRESHOLD:
        assert rule.value is not None
        side = rule.when or ("below" if way == "higher" else "above")
        hit = actual < rule.value if side == "below" else actual > rule.value
        return Finding(hit, actual, rule.value, actual - rule.value, f"{side} {rule.value:g}")
    if kind in (RuleKind.TARGET, RuleKind.PACING):
        line = obs.target if kind is RuleKind.TARGET else obs.expected
        if line is None:
            what = "no target" if kind is RuleKind.TARGET else "no expected-to-date"
            return Finding(None, actual, None, None, what)
        ratio = achievement(actual, line, way)
        if ratio is None:  # zero / negative edges: compare the numbers directly
            hit = not meets(actual, line, way)
            why = "worse than the line"
        else:
            hit = ratio < 1 - rule.margin
            why = f"achievement {ratio:.1%} < {1 - rule.margin:.0%}"
        return Finding(hit, actual, line, actual - line, why if hit else "achievement ok")
    if kind is RuleKind.CHANGE:
        prev = obs.previous
        if prev is None or prev == 0:
            return Finding(None, actual, prev, None, "no previous value to compare")
        change = (actual - prev) / abs(prev)
        worse = -change if way == "higher" else change
        hit = worse > rule.margin
        return Finding(hit, actual, prev, actual - prev, f"change {change:+.1%} vs previous")
    if kind is RuleKind.ANOMALY:
        from ikkan.alerts.anomaly import SEASON, expected_range

        band = expected_range(list(obs.history), SEASON.get(rule.grain, 1), rule.sensitivity)
        if band is None:
            return Finding(None, actual, None, None, f"history too short ({len(obs.history)})")
        low_hit, high_hit = actual < band.low, actual > band.high
        if rule.side == "both":
            hit = low_hit or high_hit
        else:
            hit = low_hit if way == "higher" else high_hit
        why = f"expected {band.low:,.1f} – {band.high:,.1f} ({band.method}, k={rule.sensitivity:g})"
        return Finding(hit, actual, band.expected, actual - band.expected, why)
    if kind is RuleKind.ALLOWABLE:
        if obs.target is None:
            return Finding(None, actual, None, None, "no allowable value in the plan")
        line = obs.target * (1 + rule.margin)
        hit = actual > line
        return Finding(hit, actual, obs.target, actual - obs.target, f"allowable {line:,.0f}")
    raise AssertionError(f"unhandled rule kind {kind}")
