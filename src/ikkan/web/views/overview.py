"""The overview: the KGI card, the bottleneck with its yen share of the KGI gap and its
top dimension value, and the headline KPIs."""

from __future__ import annotations

from typing import Any

from ikkan.model.tree import KpiTree
from ikkan.services.status import StatusReport
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    ages,
    drill,
    header,
    node_card,
    sparks,
    status_of,
)

HEADLINE_MAX = 6


def headline_ids(tree: KpiTree, report: StatusReport) -> list[str]:
    """The KSFs, then the KPIs nearest the KGI that have a target (tree order), at most 6:
    the 5–7 numbers a dashboard should lead with (seed 001)."""
    walked = [(n, d) for n, d, first in tree.walk() if first]
    ksfs = [n for n, _ in walked if str(tree.nodes[n].kind) == "KSF"]
    kpis = sorted(
        (
            (d, i, n)
            for i, (n, d) in enumerate(walked)
            if str(tree.nodes[n].kind) == "KPI" and report.nodes[n].commit is not None
        ),
    )
    chosen = ksfs[:3]
    for _, _, n in kpis:
        if len(chosen) >= HEADLINE_MAX:
            break
        chosen.append(n)
    return chosen


def overview(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    age = ages(snap, ws.today())
    spark = sparks(snap, report, f)
    d = report.bottleneck
    kgi_id = d.root if d else (tree.kgis[0] if tree.kgis else tree.order[-1])
    kgi = node_card(snap, report, kgi_id, f, fmt, spark.get(kgi_id), age.get(kgi_id))
    kgi_unit = tree.nodes[kgi_id].unit
    bottleneck: dict[str, Any] | None = None
    note = report.bottleneck_note_ja if f.lang == "ja" else report.bottleneck_note
    if f.where is not None:  # a slice has no targets, so no gap to decompose
        note = TEXT[f.lang]["reason_slice"]
    if d is not None:
        kgi["gap"] = d.gap
        kgi["gap_text"] = fmt.change(d.gap, kgi_unit)
        worst = d.bottleneck
        if worst is not None:
            node = tree.nodes[worst.node]
            share = worst.contribution / d.gap if d.gap else None
            bottleneck = {
                "node": worst.node,
                "label": node.name(f.lang),
                "actual_text": _actual_text(report, worst.node, worst.actual, fmt, node),
                "implied": report.nodes[worst.node].actual is None
                and report.nodes[worst.node].implied is not None,
                "target_text": fmt.value(worst.target, node.unit),
                "effect": worst.contribution,
                "effect_text": fmt.change(worst.contribution, kgi_unit),
                "share": share,
                # above 100%: other drivers made up part of it; the percentage would mislead
                "share_text": fmt.percent(share)
                if share is not None and 0 <= share <= 1
                else TEXT[f.lang]["offset"],
                "top": _top_dimension(snap, f, fmt, worst.node, kgi_unit),
            }
    return {
        "header": header(snap, report, f, fmt),
        "kgi": kgi,
        "bottleneck": bottleneck,
        "bottleneck_note": note,
        "headline": [
            node_card(snap, report, n, f, fmt, spark.get(n), age.get(n))
            for n in headline_ids(tree, report)
        ],
    }


def _actual_text(
    report: StatusReport, node_id: str, value: float | None, fmt: Formatter, node: Any
) -> str:
    """The bottleneck's actual, marked when the decomposition counted an implied value."""
    text = fmt.value(value, node.unit)
    s = report.nodes[node_id]
    if s.actual is None and s.implied is not None:
        return f"{text} ({TEXT[fmt.lang]['implied']})"
    return text


def _top_dimension(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str, kgi_unit: Any
) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for dimension in snap.ws.spec.measure.dimensions:
        dd = drill(snap, f, node_id, dimension)
        top = dd.top
        if top is None:
            continue
        size = abs(top.kgi_effect if top.kgi_effect is not None else top.change or 0)
        if best is None or size > best["size"]:
            best = {
                "dimension": dimension,
                "value": top.value,
                "change_text": fmt.change(top.change, snap.ws.tree.nodes[node_id].unit)  # type: ignore[union-attr]
                if top.change is not None
                else None,
                "effect_text": fmt.change(top.kgi_effect, kgi_unit)
                if top.kgi_effect is not None
                else None,
                "basis": dd.basis,
                "size": size,
            }
    if best is not None:
        best.pop("size")
    return best
