"""The KPI tree: every node as a card and the formula edges (operator, share)."""

from __future__ import annotations

from typing import Any

from ikkan.model.formulas import BinOp, Call, Expr, Neg, Ref
from ikkan.model.tree import Node
from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    header,
    is_stale,
    node_card,
    sparks,
    status_of,
)


def edge_operators(node: Node) -> dict[str, str]:
    """child → the operator joining it in the parent's formula (× ÷ + −), '' for a plain
    reference and '…' for an explicit parent link."""
    out: dict[str, str] = {}
    if node.formula is None:
        return out

    def visit(e: Expr, op: str) -> None:
        if isinstance(e, Ref):
            out.setdefault(e.name, op)
        elif isinstance(e, BinOp):
            symbol = {"*": "×", "/": "×", "+": "+", "-": "+"}[e.op]
            visit(e.left, symbol if op == "" else op)
            right = {"*": "×", "/": "÷", "+": "+", "-": "−"}[e.op]
            visit(e.right, right)
        elif isinstance(e, Neg):
            visit(e.operand, "−")
        elif isinstance(e, Call):
            for arg in e.args:
                visit(arg, "+" if e.func == "sum" else "ƒ")

    visit(node.formula.expr, "")
    return out


def tree_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    spark = sparks(snap, report, f)
    stale = is_stale(snap, ws.today())
    nodes = []
    edges = []
    for node_id, depth, first in tree.walk():
        if not first:
            continue
        card = node_card(snap, report, node_id, f, fmt, spark.get(node_id), stale)
        card["depth"] = depth
        nodes.append(card)
    for node_id in tree.order:
        node = tree.nodes[node_id]
        ops = edge_operators(node)
        for child in tree.children.get(node_id, ()):
            operator = ops.get(child, "…")
            # a share is the child's part of its parent's sum: shown on sum edges only
            share = tree.nodes[child].share if operator == "+" else None
            edges.append(
                {
                    "parent": node_id,
                    "child": child,
                    "operator": operator,
                    "share": share,
                    "share_text": fmt.percent(share) if share is not None else None,
                }
            )
    return {"header": header(snap, report, f, fmt), "nodes": nodes, "edges": edges}
