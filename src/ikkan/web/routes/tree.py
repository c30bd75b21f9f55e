"""The tree drawn as SVG: inside the tree page (with ± toggles per branch) and as a
standalone file at ``/api/tree.svg``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ikkan.web.context import CollapseQ, Ctx, CtxDep, require_node
from ikkan.web.routes.page_route import PageRoute, Params, View, view_of
from ikkan.web.tree_svg import render_tree_svg
from ikkan.web.views.tree import tree_view


def build_tree(c: Ctx, _: Params) -> View:
    """Every node as a card (actual, target, achievement, RAG, Δ, sparkline) and the
    formula edges (operator, share)."""
    return tree_view(c.snap, c.filters, c.fmt)


def tree_page_extra(request: Request, c: Ctx, view: dict[str, Any]) -> dict[str, Any]:
    """The tree page's SVG and its ``collapse`` parameter (branches folded)."""
    collapsed = collapsed_of(c, request.query_params.get("collapse"))
    return {"svg": tree_svg(c, view, collapsed), "collapse": ",".join(sorted(collapsed))}


def register_tree_svg(app: FastAPI) -> None:
    @app.get("/api/tree.svg", tags=["export"], response_class=Response)
    def tree_svg_api(c: CtxDep, collapse: CollapseQ = None) -> Response:
        """The tree as a standalone SVG file."""
        view = view_of(TREE_ROUTE, c, {})
        svg = tree_svg(c, view, collapsed_of(c, collapse))
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={"Content-Disposition": 'attachment; filename="ikkan-tree.svg"'},
        )


TREE_ROUTE = PageRoute("tree", "/tree", "/api/tree", build_tree, page_extra=tree_page_extra)


def collapsed_of(c: Ctx, collapse: str | None) -> set[str]:
    wanted = {n for n in (collapse or "").split(",") if n}
    for node_id in wanted:
        require_node(c, node_id)
    return wanted


def tree_svg(c: Ctx, view: dict[str, Any], collapsed: set[str]) -> str:
    return c.snap.cached(  # type: ignore[no-any-return]
        ("svg", c.filters, frozenset(collapsed)), lambda: draw_tree(c, view, collapsed)
    )


def draw_tree(c: Ctx, view: dict[str, Any], collapsed: set[str]) -> str:
    tree = c.snap.ws.tree
    assert tree is not None
    cards = {n["id"]: n for n in view["nodes"]}
    query = c.filters.query()
    toggles = {}
    for node_id in cards:
        flipped = collapsed ^ {node_id}
        extra = "&collapse=" + ",".join(sorted(flipped)) if flipped else ""
        toggles[node_id] = f"/tree?{query}{extra}"
    return render_tree_svg(
        list(tree.walk()),
        cards,
        view["edges"],
        collapsed=collapsed,
        node_href={n: f"/node/{n}?{query}" for n in cards},
        toggle_href=toggles,
        labels=c.t,
        title=f"{c.snap.ws.spec.company.name} — {view['header']['period_label']}",
    )
