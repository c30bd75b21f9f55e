"""How a page and its JSON twin are declared (``PageRoute``) and registered
(``register_page``), and the view cache they share (``view_of``). The route tables
(``pages.PAGE_ROUTES``, ``pdca_pages.PDCA_PAGES``, ``tree.TREE_ROUTE``) import this module;
it imports none of them, so the route modules form no circle."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations,
# which name the per-page ``Depends`` built inside ``register_page``.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ikkan.web.context import Ctx, CtxDep
from ikkan.web.render import Renderer

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
    # more template context for the page only (e.g. the tree's SVG), worked out only when
    # the page is rendered (a cached page per snapshot, URL and visitor skips it)
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
        extra = route.page_extra
        lazy = (lambda: extra(request, c, view)) if extra is not None else None
        return renderer.page(request, c, route.name, view, lazy=lazy)

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
