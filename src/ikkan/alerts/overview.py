"""Each rule in words for the Alerts page: kind, what it watches, its condition, channels,
when it is evaluated, what mutes it, and its backtest (``backtest_summary``, the figures
``ikkan alerts test RULE --json`` prints)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from ikkan.alerts.rules import AlertRuleSpec, RuleKind

if TYPE_CHECKING:
    from ikkan.workspace import Workspace


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def condition(rule: AlertRuleSpec, lang: str) -> str:
    """The rule's condition in a few words (the numbers as written in ikkan.yml)."""
    ja = lang == "ja"
    kind = rule.kind
    if kind is RuleKind.THRESHOLD:
        side = rule.when or ("worse" if not ja else "悪化側")
        return f"{side} {rule.value:g}" if not ja else f"{rule.value:g} より{side}"
    if kind in (RuleKind.TARGET, RuleKind.PACING, RuleKind.ALLOWABLE, RuleKind.CHANGE):
        return f"margin {_pct(rule.margin)}" if not ja else f"許容幅 {_pct(rule.margin)}"
    if kind is RuleKind.ANOMALY:
        return f"k = {rule.sensitivity:g}, {rule.side}, {rule.history}"
    if kind is RuleKind.SLA:
        done = f"→ {rule.to_stage}" if rule.to_stage else "→ " + "/".join(rule.contact)
        hours = f"{rule.within:g} business hours" if not ja else f"営業時間 {rule.within:g} 時間"
        return f"{rule.from_stage} {done}, {hours}"
    if kind is RuleKind.STALE:
        return f"{rule.days} days" if not ja else f"{rule.days} 日"
    return "failed" if not ja else "失敗"


def rule_overview(
    ws: Workspace,
    lang: str,
    now: datetime,
    backtest_of: Callable[[str, Callable[[], dict[str, Any]]], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Every rule as the Alerts page lists it. ``backtest_of(rule_id, compute)`` may keep
    each rule's backtest (seconds per rule) between requests; by default it is computed."""
    from ikkan.alerts.history import load_instances

    notify = ws.spec.notify
    schedule = ws.spec.schedule
    when = (
        f"cron {schedule.cron_of('alerts')}"
        if schedule is not None
        else ("ikkan alerts run" if lang != "ja" else "ikkan alerts run（手動）")
    )
    if notify.digest:
        when += f", digest {notify.digest}"
    calendars = [m if isinstance(m, str) else m.name for m in notify.mute]
    fy_start = ws.spec.company.fiscal_year_start
    raw = ws.loaded.source_map.root.data.get("alerts")
    written = set(raw) if isinstance(raw, dict) else set()  # not implied by schedule:
    out = []
    for rule_id, rule in ws.spec.alerts.items():
        muted = sorted(
            {
                f"{key or '—'} → {state.muted_until:%Y-%m-%d %H:%M}"
                for key, state in load_instances(ws.warehouse(), rule_id).items()
                if state.muted_until is not None and state.muted_until > now
            }
        )
        out.append(
            {
                "rule": rule_id,
                "name": rule.name(rule_id, lang),
                "kind": str(rule.kind),
                "node": rule.node,
                "watches": (rule.node or rule.source or rule.from_stage or "")
                + (f" × {rule.dimension}" if rule.dimension else ""),
                "condition": condition(rule, lang),
                "channels": list(rule.notify if rule.notify is not None else notify.channels),
                "schedule": when,
                "mute": [*calendars, *muted],
                "enabled": rule.enabled,
                "written": rule_id in written,
                **(
                    backtest_of(rule_id, partial(_backtest, ws, rule_id, fy_start))
                    if backtest_of is not None
                    else _backtest(ws, rule_id, fy_start)
                ),
            }
        )
    return out


def _backtest(ws: Workspace, rule_id: str, fy_start: int) -> dict[str, Any]:
    """``backtest``: the figures; ``backtest_error``: why there are none (no data yet),
    so one rule that cannot be replayed does not hide the page."""
    from ikkan.alerts.backtest import backtest
    from ikkan.alerts.backtest_summary import backtest_json
    from ikkan.errors import UserError

    try:
        return {"backtest": backtest_json(backtest(ws, rule_id), fy_start), "backtest_error": None}
    except UserError as exc:
        return {"backtest": None, "backtest_error": str(exc)}
