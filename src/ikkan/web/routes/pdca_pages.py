"""The review pages, the department views and the node page's PDCA part.

``/review/weekly`` and ``/review/quarterly``, ``/departments`` and ``/departments/{id}``
are pages with JSON twins (``register_page``); ``/my`` sends the signed-in editor to their
departments. The node page gets its PDCA sections and its trend chart (with the action
markers) per request, since what a visitor may write depends on who they are.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from ikkan.web.actor import current_actor
from ikkan.web.context import Ctx
from ikkan.web.render import Renderer
from ikkan.web.routes.page_route import PageRoute, Params, View, register_page
from ikkan.web.views.pdca import node_pdca
from ikkan.web.views.review import departments_view, review_view
from ikkan.web.views.trends import trend_view


async def cadence_params(cadence: str) -> Params:
    return {"cadence": cadence}


def build_review(c: Ctx, params: Params) -> View:
    """Per department: nodes off track, actions open and due, actions finished with their
    measured effect (``cadence``: weekly or quarterly)."""
    return review_view(c.snap, c.filters, c.fmt, params["cadence"])


async def department_params(department: str) -> Params:
    return {"department": department}


def build_departments(c: Ctx, _: Params) -> View:
    """Every department's nodes, each with its path to the KGI."""
    return departments_view(c.snap, c.filters, c.fmt)


def build_department(c: Ctx, params: Params) -> View:
    """One department's nodes and the nodes on their paths to the KGI."""
    return departments_view(c.snap, c.filters, c.fmt, params["department"])


PDCA_PAGES = (
    PageRoute("review", "/review/{cadence}", "/api/review/{cadence}", build_review, cadence_params),
    PageRoute("departments", "/departments", "/api/departments", build_departments),
    PageRoute(
        "department",
        "/departments/{department}",
        "/api/departments/{department}",
        build_department,
        department_params,
    ),
)


def node_page_extra(request: Request, c: Ctx, view: View) -> dict[str, Any]:
    """The node page's PDCA sections and its trend chart with the action markers."""
    node_id = view["card"]["id"]
    trend = trend_view(c.snap, c.filters, c.fmt, node_id, None)
    actor = current_actor(request)
    return {
        "pdca": node_pdca(c.snap, c.filters, c.fmt, node_id, actor),
        "trend": trend["chart"],
        "markers": trend["markers"],
    }


def register_pdca_pages(app: FastAPI, renderer: Renderer) -> None:
    for route in PDCA_PAGES:
        register_page(app, renderer, route)

    @app.get("/my", include_in_schema=False)
    def my_kpis(request: Request) -> Response:
        """The signed-in editor's department view (all departments for admins/viewers)."""
        actor = current_actor(request)
        departments = sorted(actor.departments) if actor else []
        target = f"/departments/{departments[0]}" if len(departments) == 1 else "/departments"
        return RedirectResponse(target, status_code=307)
