"""Channels: one row per channel, one column per node measured by channel."""

from __future__ import annotations

from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    header,
    status_of,
)


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
    columns = [n for n, _, first in tree.walk() if first and n in report.by.values]
    values = sorted({v for per in report.by.values.values() for v in per})
    rows = []
    for value in values:
        cells = []
        for n in columns:
            node = tree.nodes[n]
            actual = report.by.values[n].get(value)
            flags = report.by.flags.get((n, value), [])
            cells.append(
                {
                    "node": n,
                    "value": actual,
                    "text": fmt.value(actual, node.unit),
                    "flag": " ".join(fl.message(f.lang) for fl in flags if fl.needs_attention),
                }
            )
        rows.append({"value": value, "cells": cells})
    return {
        "header": header(snap, base, f, fmt),
        "dimension": dimension,
        "columns": [
            {
                "id": n,
                "label": tree.nodes[n].name(f.lang),
                "target_text": fmt.value(base.nodes[n].commit, tree.nodes[n].unit),
                "total_text": fmt.value(base.nodes[n].actual, tree.nodes[n].unit),
            }
            for n in columns
        ],
        "rows": rows,
    }
