"""Every page and its JSON twin, registered by one helper (``register_page``) from one
table (``PAGE_ROUTES``): the page renders the view model the API returns, built once per
snapshot, filters and page parameters."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations,
# which name the per-page ``Depends`` built inside ``register_page``.

from ikkan.web.context import BasisQ, ByQ, Ctx, GrainQ, NodeQ, NotFound, require_node
from ikkan.web.routes.page_route import PageRoute, Params, View
from ikkan.web.routes.page_route import register_page as register_page  # re-exported
from ikkan.web.routes.pdca_pages import node_page_extra
from ikkan.web.routes.tree import TREE_ROUTE
from ikkan.web.views.channels import channels_view
from ikkan.web.views.funnel import funnel_view
from ikkan.web.views.health import health_view
from ikkan.web.views.lead import lead_view
from ikkan.web.views.node import node_view
from ikkan.web.views.overview import overview
from ikkan.web.views.trends import trend_view


# -- the pages -----------------------------------------------------------------------------
def build_overview(c: Ctx, _: Params) -> View:
    """The KGI card, the bottleneck (yen share, top dimension) and the headline KPIs."""
    return overview(c.snap, c.filters, c.fmt)


async def node_params(node_id: str) -> Params:
    return {"node_id": node_id}


def build_node(c: Ctx, params: Params) -> View:
    """Definition, formula, owner, SQL (explain), history, plan by month, drill-down."""
    require_node(c, params["node_id"])
    return node_view(c.snap, c.filters, c.fmt, params["node_id"])


async def funnel_params(basis: BasisQ = None, by: ByQ = None) -> Params:
    return {"basis": basis, "by": by or None}


def build_funnel(c: Ctx, params: Params) -> View:
    """Stage counts, step and cumulative conversion, benchmark flags; period or cohort
    basis, and one funnel per value of a dimension (``by``)."""
    return funnel_view(c.snap, c.filters, c.fmt, params["basis"], params["by"])


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
    TREE_ROUTE,
    PageRoute(
        "node",
        "/node/{node_id}",
        "/api/nodes/{node_id}",
        build_node,
        node_params,
        page_extra=node_page_extra,
    ),
    PageRoute("funnel", "/funnel", "/api/funnel", build_funnel, funnel_params),
    PageRoute("trends", "/trends", "/api/trends", build_trends, trend_params),
    PageRoute("channels", "/channels", "/api/channels", build_channels),
    PageRoute("health", "/health", "/api/health", build_health),
    PageRoute("lead", "/leads/{lead_id}", "/api/leads/{lead_id}", build_lead, lead_params),
)
ROUTES_BY_NAME = {r.name: r for r in PAGE_ROUTES}
