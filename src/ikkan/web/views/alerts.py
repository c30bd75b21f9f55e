"""The Alerts page: every rule's instances that are not ok (firing first), and the latest
history rows. Read live from the warehouse (alert state changes without a refresh)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ikkan.alerts.history import read_history
from ikkan.alerts.lifecycle import AlertState
from ikkan.alerts.observe import wall_clock
from ikkan.alerts.overview import rule_overview

if TYPE_CHECKING:
    from ikkan.web.i18n import Formatter
    from ikkan.workspace import Workspace

ORDER = {"firing": 0, "recovering": 1, "pending": 2, "resolved": 3, "ok": 4}


BacktestOf = Callable[[str, Callable[[], dict[str, Any]]], dict[str, Any]]


def alerts_view(
    ws: Workspace,
    fmt: Formatter,
    lang: str,
    history: int = 100,
    *,
    with_rules: bool = True,
    backtest_of: BacktestOf | None = None,
) -> dict[str, Any]:
    """Alert instances that are not ok (firing first) with their last observation, the
    rules (condition, channels, schedule, mutes and the 12-month backtest, the figures of
    ``ikkan alerts test --json``), and the latest history rows. ``with_rules=False``: the page
    loads the rules apart (their backtests take seconds per rule the first time)."""
    now = wall_clock(ws)
    rules = ws.spec.alerts
    states = ws.warehouse().query("SELECT * FROM alert_state").to_pylist()
    last = {
        (r["rule_id"], r["instance"]): r
        for r in reversed(read_history(ws.warehouse(), limit=2000))
        if r["event"] == "transition" or r["observed"] is not None
    }
    instances = []
    for row in states:
        if row["state"] == "ok" or row["rule_id"] not in rules:
            continue
        rule = rules[row["rule_id"]]
        seen = last.get((row["rule_id"], row["instance"]), {})
        muted = row["muted_until"] is not None and row["muted_until"] > now
        instances.append(
            {
                "rule": row["rule_id"],
                "name": rule.name(row["rule_id"], lang),
                "kind": str(rule.kind),
                "node": rule.node,
                "instance": row["instance"],
                "state": row["state"],
                "state_label": AlertState(row["state"]).label(lang),
                "since": fmt.datetime(row["since"]),
                "acknowledged": bool(row["acknowledged"]),
                "muted_until": fmt.datetime(row["muted_until"]) if muted else None,
                "period": seen.get("period"),
                "observed": seen.get("observed"),
                "line": seen.get("line"),
                "why": seen.get("why"),
                "can_ack": row["state"] in ("firing", "recovering") and not row["acknowledged"],
            }
        )
    instances.sort(key=lambda i: (ORDER.get(i["state"], 9), i["rule"], i["instance"]))
    events = [
        {
            "at": fmt.datetime(r["at"]),
            "rule": r["rule_id"],
            "instance": r["instance"],
            "event": r["event"],
            "from": r["from_state"],
            "to": r["to_state"],
            "notice": r["notice"],
            "observed": r["observed"],
            "line": r["line"],
            "why": r["why"],
            "detail": r["detail"],
        }
        for r in read_history(ws.warehouse(), limit=history)
    ]
    return {
        "now": fmt.datetime(now),
        "instances": instances,
        "firing": sum(1 for i in instances if i["state"] in ("firing", "recovering")),
        "history": events,
        "rules": rule_overview(ws, lang, now, backtest_of) if with_rules else None,
    }
