"""The review pages (weekly small PDCA, quarterly large PDCA) and the department views.

Review, per department: the nodes off track in the review period (the current month for
the weekly review, the current fiscal quarter for the quarterly one; the status page's own
judgement: pacing while the period runs, else achievement; red and amber), the actions open
(planned / doing) due by today + the window (7 or 92 days; overdue ones included), and the
actions marked done (or ending) within the last window, with their measured effect.

Department views: each department's nodes and, for each, the path up to the KGI; a node on
the path of several departments appears in each of their views (one node, many views).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ikkan.model.periods import period_containing
from ikkan.model.spec import BUILTIN_DEPARTMENTS, Kind
from ikkan.model.tree import KpiTree
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import RAG_ICON, judgement
from ikkan.web.views.pdca import action_dict

CADENCES = {"weekly": ("month", 7), "quarterly": ("quarter", 92)}
NO_DEPARTMENT = ""


def department_label(snap: Snapshot, department: str, lang: str) -> str:
    if not department:
        return TEXT[lang]["no_department"]
    spec = snap.ws.spec.departments.get(department)
    label = spec.label if spec and spec.label else BUILTIN_DEPARTMENTS.get(department)
    if label is None:
        return department
    return (label.ja if lang == "ja" else label.en) or label.en or label.ja or department


def departments_of(tree: KpiTree) -> list[str]:
    seen = {n.department or NO_DEPARTMENT for n in tree.nodes.values()}
    return sorted(seen, key=lambda d: (d == NO_DEPARTMENT, d))


def review_view(snap: Snapshot, f: Filters, fmt: Formatter, cadence: str) -> dict[str, Any]:
    from ikkan.errors import UserError, valid_values

    if cadence not in CADENCES:
        raise UserError(f"unknown review '{cadence}'", hint=valid_values(CADENCES))
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    grain, days = CADENCES[cadence]
    today = ws.today()
    as_of = ws.data_as_of()
    period = period_containing(as_of, grain, ws.spec.company.fiscal_year_start)
    report = ws.status(period=period.key, as_of=as_of)
    window_start = today - timedelta(days=days)
    window_end = today + timedelta(days=days)
    actions = ws.pdca().actions()
    sections = []
    for department in departments_of(tree):
        nodes = [n for n in tree.order[::-1] if (tree.nodes[n].department or "") == department]
        off = []
        for node_id in nodes:
            status = report.nodes.get(node_id)
            if status is None:
                continue
            rag, word = judgement(status, f.lang)
            if rag in ("red", "amber"):
                node = tree.nodes[node_id]
                off.append(
                    {
                        "id": node_id,
                        "label": node.name(f.lang),
                        "rag": rag,
                        "icon": RAG_ICON[rag],
                        "word": word,
                        "actual_text": fmt.value(status.actual, node.unit),
                        "target_text": fmt.value(status.commit, node.unit),
                    }
                )
        mine = [a for a in actions if a.node_id in nodes]
        open_due = [
            action_dict(a, snap, fmt, f.lang)
            for a in mine
            if a.status in ("planned", "doing") and a.end <= window_end
        ]
        finished = [
            action_dict(a, snap, fmt, f.lang)
            for a in mine
            if a.status == "done" and (a.updated_at.date() >= window_start or a.end >= window_start)
        ]
        sections.append(
            {
                "department": department,
                "label": department_label(snap, department, f.lang),
                "off_track": off,
                "open_due": open_due,
                "finished": finished,
            }
        )
    return {
        "header": {"period": f.period, "period_label": period.label(f.lang)},
        "cadence": cadence,
        "period": period.key,
        "period_label": period.label(f.lang),
        "today": today.isoformat(),
        "window": [window_start.isoformat(), window_end.isoformat()],
        "departments": sections,
    }


def path_to_kgi(tree: KpiTree, node_id: str) -> list[str]:
    """The shortest chain of parents from ``node_id`` up to a KGI (inclusive), or []."""
    frontier: list[list[str]] = [[node_id]]
    seen = {node_id}
    while frontier:
        nxt: list[list[str]] = []
        for path in frontier:
            head = path[-1]
            if tree.nodes[head].kind is Kind.KGI:
                return path
            for parent in tree.parents.get(head, ()):
                if parent not in seen:
                    seen.add(parent)
                    nxt.append([*path, parent])
        frontier = nxt
    return []


def departments_view(
    snap: Snapshot, f: Filters, fmt: Formatter, only: str | None = None
) -> dict[str, Any]:
    from ikkan.errors import UserError, did_you_mean

    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    known = departments_of(tree)
    if only is not None and only not in known:
        raise UserError(
            f"no nodes belong to department '{only}'",
            hint=did_you_mean(only, known) or "departments: " + ", ".join(d for d in known if d),
        )
    report = snap.cached(
        ("status", f.period, f.where), lambda: ws.status(period=f.period, where=f.where)
    )
    out = []
    for department in [only] if only is not None else known:
        own = [n for n in tree.order[::-1] if (tree.nodes[n].department or "") == department]
        rows = []
        members: list[str] = []
        for node_id in own:
            path = path_to_kgi(tree, node_id)
            for member in path or [node_id]:
                if member not in members:
                    members.append(member)
            rows.append(
                {
                    "id": node_id,
                    "label": tree.nodes[node_id].name(f.lang),
                    "path": [{"id": p, "label": tree.nodes[p].name(f.lang)} for p in path],
                }
            )
        nodes = []
        for node_id in members:
            node = tree.nodes[node_id]
            status = report.nodes.get(node_id)
            rag, word = judgement(status, f.lang) if status else ("unknown", "--")
            nodes.append(
                {
                    "id": node_id,
                    "label": node.name(f.lang),
                    "own": (node.department or "") == department,
                    "department": node.department,
                    "rag": rag,
                    "icon": RAG_ICON.get(rag, "?"),
                    "word": word,
                    "actual_text": fmt.value(status.actual if status else None, node.unit),
                    "target_text": fmt.value(status.commit if status else None, node.unit),
                }
            )
        out.append(
            {
                "department": department,
                "label": department_label(snap, department, f.lang),
                "own": rows,
                "nodes": nodes,
            }
        )
    return {
        "header": {"period": f.period, "period_label": f.period},
        "departments": out,
        "all": [{"id": d, "label": department_label(snap, d, f.lang)} for d in known],
    }
