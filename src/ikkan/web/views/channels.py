"""Channels: one row per channel, one column per node measured by channel; the channel
KPI set (leads, MQL, opportunity rate, CPL / CPA / CAC / ROMI) first, each cost cell
judged against the plan's allowable value (the review report judges the same way)."""

from __future__ import annotations

from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import RAG_ICON, channel_kpis, channel_name, is_cost_node, over_allowable
from ikkan.web.views.common import (
    header,
    status_of,
)


def allowable_mark(over: bool | None, lang: str) -> dict[str, Any] | None:
    """A cost cell's verdict as icon and word (never colour alone); None when the cell
    has no allowable value to compare with."""
    if over is None:
        return None
    t = TEXT[lang]
    rag = "red" if over else "green"
    return {
        "over": over,
        "rag": rag,
        "icon": RAG_ICON[rag],
        "word": t["allowable_over" if over else "allowable_within"],
    }


def dimension_label(ws: Any, dimension: str, value: str, lang: str) -> str:
    """A channel's label from ikkan.yml; other dimensions show the value itself."""
    return channel_name(ws.spec.channels, value, lang) if dimension == "channel" else value


def channels_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    dims = ws.spec.measure.dimensions
    dimension = "channel" if "channel" in dims else (dims[0] if dims else None)
    base = status_of(snap, f)
    if dimension is None:
        return {"header": header(snap, base, f, fmt), "dimension": None, "columns": [], "rows": []}
    report = snap.cached(
        ("by", f.period, dimension),
        lambda: ws.status(period=f.period, by=dimension),
    )
    assert report.by is not None
    measured = [n for n, _, first in tree.walk() if first and n in report.by.values]
    kpis = [n for n in channel_kpis(tree) if n in report.by.values]
    columns = [*kpis, *(n for n in measured if n not in kpis)]
    allowable = {
        n: base.nodes[n].commit if is_cost_node(tree.nodes[n]) and f.where is None else None
        for n in columns
    }
    values = sorted({v for per in report.by.values.values() for v in per})
    rows = []
    for value in values:
        cells = []
        for n in columns:
            node = tree.nodes[n]
            actual = report.by.values[n].get(value)
            flags = report.by.flags.get((n, value), [])
            judged = allowable[n] is not None and actual is not None
            cells.append(
                {
                    "node": n,
                    "value": actual,
                    "text": fmt.value(actual, node.unit),
                    "flag": " ".join(fl.message(f.lang) for fl in flags if fl.needs_attention),
                    "allowable": allowable_mark(
                        over_allowable(str(node.direction), actual, allowable[n])
                        if judged
                        else None,
                        f.lang,
                    ),
                }
            )
        rows.append(
            {"value": value, "label": dimension_label(ws, dimension, value, f.lang), "cells": cells}
        )
    return {
        "header": header(snap, base, f, fmt),
        "dimension": dimension,
        "kpis": kpis,
        "columns": [
            {
                "id": n,
                "label": tree.nodes[n].name(f.lang),
                "kpi": n in kpis,
                "cost": is_cost_node(tree.nodes[n]),
                "target_text": fmt.value(base.nodes[n].commit, tree.nodes[n].unit),
                "allowable": allowable[n],
                "allowable_text": fmt.value(allowable[n], tree.nodes[n].unit)
                if allowable[n] is not None
                else "",
                "total_text": fmt.value(base.nodes[n].actual, tree.nodes[n].unit),
            }
            for n in columns
        ],
        "rows": rows,
    }
