"""``ikkan alerts run``: evaluate every enabled rule now, step each instance's lifecycle,
save state and history, and return the notifications to deliver.

Order: stale-data, import-failed and refresh-failed rules first, so that a firing (or
recovering) one inhibits the node rules that depend on the data in the same run
(``inhibits:``, or by default the nodes reading the tables the stale source loads, every
measured node for the run kinds: ``alerts.inhibit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ikkan.alerts.calendars import quiet_reason
from ikkan.alerts.conditions import Finding, Observation, evaluate
from ikkan.alerts.history import Context, load_instances, save_step
from ikkan.alerts.inhibit import dependent_nodes, silences_sla
from ikkan.alerts.lifecycle import ACTIVE, Instance, Notice, Timers, step
from ikkan.alerts.observe import Observer, period_for, stale_observation, wall_clock
from ikkan.alerts.rules import SYSTEM_KINDS, AlertRuleSpec, RuleKind
from ikkan.errors import UserError

if TYPE_CHECKING:
    from ikkan.workspace import Workspace


@dataclass(frozen=True)
class Alert:
    """One notification to deliver, with everything a message needs."""

    rule_id: str
    instance: str  # dimension value, '' for the whole node
    notice: Notice
    key: str  # idempotency key
    node: str | None
    period: str | None
    finding: Finding


@dataclass(frozen=True)
class Evaluated:
    rule_id: str
    instance: str
    period: str | None
    finding: Finding
    state: Instance
    inhibited: bool
    muted_by: str | None = None  # the mute calendar holding notifications back


@dataclass
class RunResult:
    at: datetime
    as_of: date
    evaluated: list[Evaluated] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def timers_of(rule: AlertRuleSpec) -> Timers:
    return Timers(pending=rule.pending, keep_firing=rule.keep_firing, repeat=rule.repeat)


def run_alerts(
    ws: Workspace, *, now: datetime | None = None, as_of: date | None = None
) -> RunResult:
    moment = now or wall_clock(ws)
    day = as_of or ws.data_as_of()
    tree = ws.tree
    assert tree is not None
    result = RunResult(moment, day)
    rules = {k: r for k, r in ws.spec.alerts.items() if r.enabled}
    warehouse = ws.warehouse()
    quiet = quiet_reason(moment, list(ws.spec.notify.mute), ws.calendar())
    inhibited: set[str] = set()
    data_inhibited = False  # the SLA rules: leads, stages or activities not trustworthy
    system = {k: r for k, r in rules.items() if r.kind in SYSTEM_KINDS}
    for rule_id, rule in system.items():
        finding = evaluate(rule, "higher", system_observation(ws, rule, moment))
        inst = _evaluate(ws, result, rule_id, rule, "", None, finding, False, quiet=quiet)
        if inst.state in ACTIVE:
            inhibited |= dependent_nodes(ws, rule)
            data_inhibited = data_inhibited or silences_sla(ws, rule)
    for rule_id, rule in rules.items():
        if rule.kind is RuleKind.SLA:
            _evaluate_sla(ws, result, rule_id, rule, data_inhibited, quiet)
    observer = Observer(ws, day)
    fy_start = ws.spec.company.fiscal_year_start
    for rule_id, rule in rules.items():
        if rule.kind in SYSTEM_KINDS or rule.kind is RuleKind.SLA:
            continue
        assert rule.node is not None
        direction = str(tree.nodes[rule.node].direction)
        period = period_for(rule, day, fy_start)
        known = load_instances(warehouse, rule_id)
        seen: set[str] = set()
        for obs in observer.observe(rule, period):
            finding = evaluate(rule, direction, obs)
            seen.add(obs.dimension_value)
            _evaluate(
                ws,
                result,
                rule_id,
                rule,
                obs.dimension_value,
                period.key,
                finding,
                rule.node in inhibited,
                known.get(obs.dimension_value),
                quiet=quiet,
            )
        for gone in sorted(set(known) - seen):  # an instance with no value this time
            finding = Finding(None, None, None, None, "no value")
            _evaluate(
                ws,
                result,
                rule_id,
                rule,
                gone,
                period.key,
                finding,
                rule.node in inhibited,
                known[gone],
                quiet=quiet,
            )
    return result


def _evaluate(
    ws: Workspace,
    result: RunResult,
    rule_id: str,
    rule: AlertRuleSpec,
    instance: str,
    period: str | None,
    finding: Finding,
    inhibited: bool,
    current: Instance | None = None,
    *,
    quiet: str | None = None,
) -> Instance:
    if current is None:
        current = load_instances(ws.warehouse(), rule_id).get(instance, Instance())
    try:
        moved = step(
            current,
            finding.breached,
            result.at,
            timers_of(rule),
            inhibited=inhibited or quiet is not None,
        )
    except ValueError as exc:  # the clock went back behind the stored state
        raise UserError(
            f"alert '{rule_id}': {exc}",
            hint="evaluate at a later time (--now), or check the machine's clock",
        ) from None
    if moved.transitions or moved.notices or moved.instance != current:
        save_step(ws.warehouse(), rule_id, instance, moved, result.at, Context(period, finding))
    result.evaluated.append(
        Evaluated(rule_id, instance, period, finding, moved.instance, inhibited, quiet)
    )
    result.alerts += [
        Alert(rule_id, instance, n, n.key(rule_id, instance), rule.node, period, finding)
        for n in moved.notices
    ]
    return moved.instance


def _evaluate_sla(
    ws: Workspace,
    result: RunResult,
    rule_id: str,
    rule: AlertRuleSpec,
    inhibited: bool,
    quiet: str | None,
) -> None:
    """One instance per lead owner: firing while the owner has leads past the deadline.
    Inhibited while stale or failed data alerts fire (uncontacted may mean not imported)."""
    from ikkan.alerts.sla import owner_finding, per_owner
    from ikkan.alerts.sla_read import sla_cases

    assert rule.within is not None and rule.from_stage is not None
    owners = per_owner(sla_cases(ws, rule, result.at))
    known = load_instances(ws.warehouse(), rule_id)
    for owner, summary in owners.items():
        breached, count, why = owner_finding(summary, rule.within, rule.from_stage, rule.to_stage)
        finding = Finding(breached, count, 0.0, count, why)
        _evaluate(
            ws,
            result,
            rule_id,
            rule,
            owner,
            None,
            finding,
            inhibited,
            known.get(owner),
            quiet=quiet,
        )
    for gone in sorted(set(known) - set(owners)):
        finding = Finding(False, 0.0, 0.0, 0.0, "no lead in the window")
        _evaluate(
            ws, result, rule_id, rule, gone, None, finding, inhibited, known[gone], quiet=quiet
        )


def system_observation(ws: Workspace, rule: AlertRuleSpec, now: datetime) -> Observation:
    """Stale rules: days since the source's last import; import_failed / refresh_failed:
    the outcome of the scheduler's latest import or refresh step."""
    if rule.kind is RuleKind.STALE:
        return stale_observation(ws, rule, now)
    from ikkan.scheduler.runs import last_step

    step = "import" if rule.kind is RuleKind.IMPORT_FAILED else "refresh"
    row = last_step(ws.warehouse(), step)
    if row is None:
        return Observation()
    return Observation(run_status=str(row["status"]), run_message=str(row["message"] or ""))
