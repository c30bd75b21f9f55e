"""The KPI tree: every node as a card and the formula edges (operator, share)."""

from __future__ import annotations

from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import edge_operators as edge_operators  # re-exported
from ikkan.web.view_model import tree_edges
from ikkan.web.views.common import (
    ages,
    header,
    node_card,
    sparks,
    status_of,
)


def tree_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    spark = sparks(snap, report, f)
    age = ages(snap, ws.today())
    nodes = []
    for node_id, depth, first in tree.walk():
        if not first:
            continue
        card = node_card(snap, report, node_id, f, fmt, spark.get(node_id), age.get(node_id))
        card["depth"] = depth
        nodes.append(card)
    return {"header": header(snap, report, f, fmt), "nodes": nodes, "edges": tree_edges(tree, fmt)}
