"""Every page and its JSON twin, registered by one helper (``register_page``) from one
table (``PAGE_ROUTES``): the page renders the view model the API returns, built once per
snapshot, filters and page parameters."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations,
# which name the per-page ``Depends`` built inside ``register_page``.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ikkan.web.context import Ctx, CtxDep, GrainQ, NodeQ, NotFound, require_node
from ikkan.web.render import Renderer
from ikkan.web.routes.tree import tree_page_extra
from ikkan.web.views.channels import channels_view
from ikkan.web.views.funnel import funnel_view
from ikkan.web.views.health import health_view
from ikkan.web.views.lead import lead_view
from ikkan.web.views.node import node_view
from ikkan.web.views.overview import overview
from ikkan.web.views.tree import tree_view
from ikkan.web.views.trends import trend_view

View = dict[str, Any]
Params = dict[str, Any]


@dataclass(frozen=True)
class PageRoute:
    name: str  # the template, the view cache key and the export's page name
    path: str  # the page's URL
    api_path: str  # its JSON twin
    build: Callable[[Ctx, Params], View]  # its docstring documents the API
    # a FastAPI dependency returning the page's own parameters (path or query)
    params: Callable[..., Any] | None = None
    # more template context for the page only (e.g. the tree's SVG)
    page_extra: Callable[[Request, Ctx, View], dict[str, Any]] | None = None


def view_of(route: PageRoute, c: Ctx, params: Params) -> View:
    """The route's view, built once per snapshot, filters and page parameters."""
    key = (route.name, c.filters, *sorted(params.items()))
    return c.snap.cached(key, lambda: route.build(c, params))  # type: ignore[no-any-return]


async def no_params() -> Params:
    return {}


def register_page(app: FastAPI, renderer: Renderer, route: PageRoute) -> None:
    """The page at ``route.path`` (not in the OpenAPI) and its JSON twin at
    ``route.api_path``; both take the filters every page takes (``CtxDep``)."""
    page_params = Annotated[Params, Depends(route.params or no_params)]

    def page_endpoint(request: Request, c: CtxDep, params: page_params) -> Response:
        view = view_of(route, c, params)
        extra = route.page_extra(request, c, view) if route.page_extra else {}
        return renderer.page(request, c, route.name, view, **extra)

    def api_endpoint(request: Request, c: CtxDep, params: page_params) -> Response:
        return renderer.json(request, c, view_of(route, c, params))

    api_endpoint.__doc__ = route.build.__doc__
    app.get(
        route.path,
        response_class=HTMLResponse,
        include_in_schema=False,
        name=f"{route.name}_page",
    )(page_endpoint)
    app.get(
        route.api_path,
        tags=["pages"],
        name=f"{route.name}_api",
        response_class=JSONResponse,
    )(api_endpoint)


# -- the pages -----------------------------------------------------------------------------
def build_overview(c: Ctx, _: Params) -> View:
    """The KGI card, the bottleneck (yen share, top dimension) and the headline KPIs."""
    return overview(c.snap, c.filters, c.fmt)


def build_tree(c: Ctx, _: Params) -> View:
    """Every node as a card (actual, target, achievement, RAG, Δ, sparkline) and the
    formula edges (operator, share)."""
    return tree_view(c.snap, c.filters, c.fmt)


async def node_params(node_id: str) -> Params:
    return {"node_id": node_id}


def build_node(c: Ctx, params: Params) -> View:
    """Definition, formula, owner, SQL (explain), history, plan by month, drill-down."""
    require_node(c, params["node_id"])
    return node_view(c.snap, c.filters, c.fmt, params["node_id"])


def build_funnel(c: Ctx, _: Params) -> View:
    """Stage counts, step and cumulative conversion, benchmark flags."""
    return funnel_view(c.snap, c.filters, c.fmt)


async def trend_params(node: NodeQ = None, grain: GrainQ = None) -> Params:
    return {"node": node, "grain": grain}


def build_trends(c: Ctx, params: Params) -> View:
    """A node over time with its target line; ``chart`` is the ECharts option."""
    if params["node"] is not None:
        require_node(c, params["node"])
    return trend_view(c.snap, c.filters, c.fmt, params["node"], params["grain"])


def build_channels(c: Ctx, _: Params) -> View:
    """One row per channel with every node measured by channel."""
    return channels_view(c.snap, c.filters, c.fmt)


def build_health(c: Ctx, _: Params) -> View:
    """Last import per source and its age, rejected rows, quality findings, refresh."""
    return health_view(c.snap, c.filters, c.fmt, c.store.busy)


def _node_extra(request: Request, c: Ctx, view: View) -> dict[str, Any]:
    from ikkan.web.routes.pdca_pages import node_page_extra

    return node_page_extra(request, c, view)


async def lead_params(lead_id: str) -> Params:
    return {"lead_id": lead_id}


def build_lead(c: Ctx, params: Params) -> View:
    """A lead's score: fit, engagement, grade, cell, MQL, the points rule by rule (they add
    up to the score) and the stored history; ``lead_id`` is a lead key, source id or e-mail."""
    lead_id = params.get("lead_id")
    if not lead_id:
        raise NotFound("the lead page needs a lead", hint="open /leads/<lead key or e-mail>")
    return lead_view(c, lead_id)


PAGE_ROUTES = (
    PageRoute("overview", "/", "/api/overview", build_overview),
    PageRoute("tree", "/tree", "/api/tree", build_tree, page_extra=tree_page_extra),
    PageRoute(
        "node",
        "/node/{node_id}",
        "/api/nodes/{node_id}",
        build_node,
        node_params,
        page_extra=lambda request, c, view: _node_extra(request, c, view),
    ),
    PageRoute("funnel", "/funnel", "/api/funnel", build_funnel),
    PageRoute("trends", "/trends", "/api/trends", build_trends, trend_params),
    PageRoute("channels", "/channels", "/api/channels", build_channels),
    PageRoute("health", "/health", "/api/health", build_health),
    PageRoute("lead", "/leads/{lead_id}", "/api/leads/{lead_id}", build_lead, lead_params),
)
ROUTES_BY_NAME = {r.name: r for r in PAGE_ROUTES}
