"""The PDCA sections of a node's page (revisions, actions with their effect, notes,
check-ins) and the action markers its trend chart draws."""

from __future__ import annotations

from datetime import date
from typing import Any

from ikkan.model.periods import period_containing
from ikkan.monitor.effect_text import describe_effect, expected_text
from ikkan.services.pdca_records import ActionView, Entry
from ikkan.state.policy import Action, Actor, decide
from ikkan.web import pdca_text  # noqa: F401  (the PDCA strings join TEXT)
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot

ACTION_COLOURS = {"planned": "#8a8a8a", "doing": "#1f4e99", "done": "#1b7f3b", "dropped": "#bbb"}


def action_dict(view: ActionView, snap: Snapshot, fmt: Formatter, lang: str) -> dict[str, Any]:
    tree = snap.ws.tree
    assert tree is not None
    node = tree.nodes.get(view.node_id)
    t = TEXT[lang]
    expected = expected_text(
        view.expected_low, view.expected_high, lambda v: fmt.percent(v, signed=True)
    )
    return {
        **view.to_dict(),
        "node_label": node.name(lang) if node else view.node_id,
        "status_text": t["status_" + view.status],
        "start_text": fmt.date(view.start),
        "end_text": fmt.date(view.end),
        "expected_text": expected,
        "effect_text": describe_effect(view.effect, node, lang) if view.effect else None,
        "effect_verdict": view.effect.verdict.value if view.effect else None,
    }


def entry_dict(entry: Entry, fmt: Formatter, lang: str, unit: Any) -> dict[str, Any]:
    t = TEXT[lang]
    kind = "checkin_" + (entry.status or "") if entry.kind == "checkin" else "note_" + entry.kind
    return {
        **entry.to_dict(),
        "kind_text": t.get(kind, entry.kind),
        "value_text": fmt.value(entry.value, unit) if entry.value is not None else None,
        "at_text": fmt.datetime(entry.created_at),
    }


def node_pdca(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str, actor: Actor | None
) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    node = tree.nodes[node_id]
    log = ws.pdca()
    effective = ws.effective_targets()
    revisions = []
    for status in effective.statuses:
        r = status.revision
        if r.node_id != node_id:
            continue
        revisions.append(
            {
                "id": r.id,
                "scenario": r.scenario,
                "period": r.period or (effective.tree.spec.plan.period or ""),
                "old_text": fmt.value(r.old_value, node.unit),
                "new_text": fmt.value(r.new_value, node.unit),
                "old": r.old_value,
                "new": r.new_value,
                "reason": r.reason,
                "actor": r.actor,
                "at_text": fmt.datetime(r.created_at),
                "applies": status.applies,
                "why": status.why,
                "moved": [
                    {
                        **m.to_dict(),
                        "label": tree.nodes[m.node].name(f.lang)
                        if m.node in tree.nodes
                        else m.node,
                        "before_text": fmt.value(m.before, tree.nodes[m.node].unit)
                        if m.node in tree.nodes
                        else str(m.before),
                        "after_text": fmt.value(m.after, tree.nodes[m.node].unit)
                        if m.node in tree.nodes
                        else str(m.after),
                    }
                    for m in r.moved
                    if "-" not in m.period or m.period.startswith("FY")
                ],
                "moved_months": sum(1 for m in r.moved if "-" in m.period and "FY" not in m.period),
            }
        )
    target = effective.tree.nodes[node_id].target
    plan = ws.plan()
    months = [m.period.key for m in plan.months.get("commit", [])]
    department = node.department
    return {
        "node": node_id,
        "department": department,
        "can": {
            "revise": bool(decide(actor, Action.REVISE_TARGET, department)),
            "log": bool(decide(actor, Action.LOG_ACTION, department)),
            "note": bool(decide(actor, Action.WRITE_NOTE, department)),
        },
        "actor": actor.username if actor else None,
        "targets": {
            "commit": target.commit if target else None,
            "stretch": target.stretch if target else None,
            "commit_text": fmt.value(target.commit if target else None, node.unit),
            "stretch_text": fmt.value(target.stretch if target else None, node.unit),
            "source_commit": effective.source(node_id, "commit"),
            "source_stretch": effective.source(node_id, "stretch"),
        },
        "months": months,
        "revisions": revisions,
        "actions": [action_dict(a, snap, fmt, f.lang) for a in log.actions(node_id)],
        "notes": [entry_dict(n, fmt, f.lang, node.unit) for n in log.notes(node_id)],
        "checkins": [entry_dict(c, fmt, f.lang, node.unit) for c in log.checkins(node_id)],
    }


def action_markers(
    snap: Snapshot, node_id: str, grain: str, labels_by_key: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    """One marker per action on the node: the chart categories its start and end fall in."""
    ws = snap.ws
    fy_start = ws.spec.company.fiscal_year_start
    out = []
    for action in ws.pdca().actions(node_id, measure=False):
        if action.status == "dropped":
            continue
        start = _category(action.start, grain, fy_start, labels_by_key)
        end = _category(action.end, grain, fy_start, labels_by_key)
        if start is None and end is None:
            continue
        first_label = next(iter(labels_by_key.values()), None)
        last_label = next(reversed(list(labels_by_key.values())), None)
        out.append(
            {
                "id": action.id,
                "name": f"#{action.id} {action.title}",
                "start": start or first_label,
                "end": end or last_label,
                "status": action.status,
                "colour": ACTION_COLOURS[action.status],
                "status_text": TEXT[lang]["status_" + action.status],
            }
        )
    return out


def _category(day: date, grain: str, fy_start: int, labels_by_key: dict[str, str]) -> str | None:
    try:
        key = period_containing(day, grain, fy_start).key
    except Exception:  # a grain without calendar periods
        return None
    return labels_by_key.get(key)
