"""The FastAPI app: pages (Jinja2 + htmx) and their JSON twins under /api/.

Both read one ``Snapshot`` (see store.py) through the workspace façade; a page and its
API build the same view model (views.py), so they always show the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ikkan import __version__
from ikkan.clock import Clock
from ikkan.errors import UserError, did_you_mean, valid_values
from ikkan.web import views
from ikkan.web.assets import ASSETS
from ikkan.web.export import tables_of, to_csv, to_xlsx
from ikkan.web.filters import Filters, parse_filters, period_choices
from ikkan.web.i18n import LANGS, TEXT, Formatter, pick_lang
from ikkan.web.store import Snapshot, SnapshotStore
from ikkan.web.tree_svg import render_tree_svg

HERE = Path(__file__).parent
PAGES = ("overview", "tree", "funnel", "trends", "channels", "health")
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


PeriodQ = Annotated[str | None, Query(description="2026-10, FY2026-Q3, FY2026-H1, FY2026 …")]
WhereQ = Annotated[str | None, Query(description="dimension:value, e.g. channel:paid_search")]
CompareQ = Annotated[str | None, Query(description="target (default), previous or year")]
LangQ = Annotated[str | None, Query(description="ja or en")]
NodeQ = Annotated[str | None, Query(description="node id (default: the KGI)")]
GrainQ = Annotated[str | None, Query(description="week, month, quarter …")]
CollapseQ = Annotated[str | None, Query(description="node ids whose branches are collapsed")]


class NotFound(UserError):
    """An unknown node (or other named thing) in the URL → 404."""


class Ctx:
    """What every request needs: the snapshot, the filters, the language and formatter."""

    def __init__(self, store: SnapshotStore, snap: Snapshot, filters: Filters) -> None:
        self.store = store
        self.snap = snap
        self.filters = filters
        self.lang = filters.lang
        self.fmt = Formatter(filters.lang, snap.ws.spec.company.currency)
        self.t = TEXT[filters.lang]


def create_app(
    project: Path | str,
    *,
    clock: Clock | None = None,
    poll_seconds: float = 2.0,
    watch: bool = True,
) -> FastAPI:
    """The dashboard of the project at ``project``. ``watch``: a background thread takes a
    new snapshot when a refresh or an import lands (tests call ``store.check()``)."""
    store = SnapshotStore(Path(project), clock=clock, poll_seconds=poll_seconds)
    store.current()  # fail at start-up, not on the first request

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if watch:
            store.start()
        yield
        store.stop()

    app = FastAPI(
        title="ikkan dashboard",
        version=__version__,
        description="The KPI tree, its status, bottleneck, funnel, trends, channels and data "
        "health. Every page has a JSON twin here.",
        docs_url=None,  # the Swagger UI loads from a CDN; /openapi.json is served
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True)
    templates = Jinja2Templates(env=env)
    templates.env.globals["assets"] = ASSETS
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        body = {"error": exc.message, "hint": exc.hint}
        if request.url.path.startswith(("/api/", "/export/")):
            return JSONResponse(body, status_code=status)
        lang = pick_lang(
            request.query_params.get("lang"),
            request.cookies.get("ikkan_lang"),
            store.source.lang,
        )
        return templates.TemplateResponse(
            request,
            "error.html",
            {"t": TEXT[lang], "lang": lang, "error": body, "status": status},
            status_code=status,
        )

    def ctx(
        request: Request,
        period: str | None,
        where: str | None,
        compare: str | None,
        lang: str | None,
    ) -> Ctx:
        snap = store.current()
        spec = snap.ws.spec
        chosen = pick_lang(lang, request.cookies.get("ikkan_lang"), spec.company.locale)
        if lang is not None and lang not in LANGS:
            raise UserError(f"unknown language '{lang}'", hint=valid_values(LANGS))
        filters = parse_filters(
            period,
            where,
            compare,
            chosen,
            dimensions=list(spec.measure.dimensions),
            grains=list(spec.measure.grains),
            fy_start=spec.company.fiscal_year_start,
        )
        if filters.period is None:
            filters = replace(filters, period=default_period_key(snap))
        if filters.where is not None:
            known = dimension_values(snap).get(filters.where[0], [])
            if filters.where[1] not in known:
                raise UserError(
                    f"no values for {filters.where[0]} '{filters.where[1]}'",
                    hint=did_you_mean(filters.where[1], known) or valid_values(known),
                )
        return Ctx(store, snap, filters)

    def require_node(c: Ctx, node_id: str) -> None:
        tree = c.snap.ws.tree
        assert tree is not None
        if node_id not in tree.nodes:
            raise NotFound(
                f"unknown node '{node_id}'",
                hint=did_you_mean(node_id, tree.nodes) or "see /api/tree for the node ids",
            )

    def page(request: Request, c: Ctx, name: str, view: dict[str, Any], **extra: Any) -> Response:
        key = ("html", name, request.url.path, str(request.query_params), c.lang, store.busy)

        def render() -> bytes:
            snap = c.snap
            spec = snap.ws.spec
            as_of = snap.ws.data_as_of()
            context = {
                "request": request,
                "t": c.t,
                "lang": c.lang,
                "other_lang": "en" if c.lang == "ja" else "ja",
                "page": name,
                "pages": PAGES,
                "view": view,
                "f": c.filters,
                "periods": [
                    (p.key, p.label(c.lang))
                    for p in period_choices(
                        as_of, list(spec.measure.grains), spec.company.fiscal_year_start
                    )
                ],
                "dimension_values": dimension_values(snap),
                "busy": store.busy,
                "company": spec.company.name,
                **extra,
            }
            return env.get_template(f"{name}.html").render(context).encode("utf-8")

        return HTMLResponse(c.snap.cached(key, render))

    def as_json(request: Request, c: Ctx, view: dict[str, Any]) -> Response:
        """The view as JSON, serialised once per snapshot and URL."""
        key = ("json", request.url.path, str(request.query_params), c.lang)
        body = c.snap.cached(
            key, lambda: json.dumps(view, ensure_ascii=False, default=str).encode("utf-8")
        )
        return Response(body, media_type="application/json")

    # -- overview -------------------------------------------------------------------
    def overview_of(c: Ctx) -> dict[str, Any]:
        return c.snap.cached(  # type: ignore[no-any-return]
            ("overview", c.filters), lambda: views.overview(c.snap, c.filters, c.fmt)
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
    ) -> Response:
        c = ctx(request, period, where, compare, lang)
        return page(request, c, "overview", overview_of(c))

    @app.get("/api/overview", tags=["pages"], response_class=JSONResponse)
    def overview_api(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
    ) -> Response:
        """The KGI card, the bottleneck (yen share, top dimension) and the headline KPIs."""
        c = ctx(request, period, where, compare, lang)
        return as_json(request, c, overview_of(c))

    # -- tree -----------------------------------------------------------------------
    def tree_of(c: Ctx) -> dict[str, Any]:
        return c.snap.cached(  # type: ignore[no-any-return]
            ("tree", c.filters), lambda: views.tree_view(c.snap, c.filters, c.fmt)
        )

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

    def collapsed_of(c: Ctx, collapse: str | None) -> set[str]:
        wanted = {n for n in (collapse or "").split(",") if n}
        for node_id in wanted:
            require_node(c, node_id)
        return wanted

    @app.get("/tree", response_class=HTMLResponse, include_in_schema=False)
    def tree_page(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
        collapse: CollapseQ = None,
    ) -> Response:
        c = ctx(request, period, where, compare, lang)
        view = tree_of(c)
        collapsed = collapsed_of(c, collapse)
        return page(
            request,
            c,
            "tree",
            view,
            svg=tree_svg(c, view, collapsed),
            collapse=",".join(sorted(collapsed)),
        )

    @app.get("/api/tree", tags=["pages"], response_class=JSONResponse)
    def tree_api(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
    ) -> Response:
        """Every node as a card (actual, target, achievement, RAG, Δ, sparkline) and the
        formula edges (operator, share)."""
        c = ctx(request, period, where, compare, lang)
        return as_json(request, c, tree_of(c))

    @app.get("/api/tree.svg", tags=["export"], response_class=Response)
    def tree_svg_api(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
        collapse: CollapseQ = None,
    ) -> Response:
        """The tree as a standalone SVG file."""
        c = ctx(request, period, where, compare, lang)
        svg = tree_svg(c, tree_of(c), collapsed_of(c, collapse))
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={"Content-Disposition": 'attachment; filename="ikkan-tree.svg"'},
        )

    # -- node -----------------------------------------------------------------------
    def node_of(c: Ctx, node_id: str) -> dict[str, Any]:
        require_node(c, node_id)
        return c.snap.cached(  # type: ignore[no-any-return]
            ("node", node_id, c.filters),
            lambda: views.node_view(c.snap, c.filters, c.fmt, node_id),
        )

    @app.get("/node/{node_id}", response_class=HTMLResponse, include_in_schema=False)
    def node_page(
        request: Request,
        node_id: str,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
    ) -> Response:
        c = ctx(request, period, where, compare, lang)
        return page(request, c, "node", node_of(c, node_id))

    @app.get("/api/nodes/{node_id}", tags=["pages"], response_class=JSONResponse)
    def node_api(
        request: Request,
        node_id: str,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
    ) -> Response:
        """Definition, formula, owner, SQL (explain), history, plan by month, drill-down."""
        c = ctx(request, period, where, compare, lang)
        return as_json(request, c, node_of(c, node_id))

    # -- funnel, trends, channels, health ---------------------------------------------
    def simple(name: str, build: Callable[[Ctx], dict[str, Any]]) -> None:
        def view_of(c: Ctx) -> dict[str, Any]:
            return c.snap.cached((name, c.filters), lambda: build(c))  # type: ignore[no-any-return]

        def page_route(
            request: Request,
            period: PeriodQ = None,
            where: WhereQ = None,
            compare: CompareQ = None,
            lang: LangQ = None,
        ) -> Response:
            c = ctx(request, period, where, compare, lang)
            return page(request, c, name, view_of(c))

        def api_route(
            request: Request,
            period: PeriodQ = None,
            where: WhereQ = None,
            compare: CompareQ = None,
            lang: LangQ = None,
        ) -> Response:
            c = ctx(request, period, where, compare, lang)
            return as_json(request, c, view_of(c))

        api_route.__doc__ = build.__doc__
        app.get(f"/{name}", response_class=HTMLResponse, include_in_schema=False)(page_route)
        app.get(f"/api/{name}", tags=["pages"], name=f"{name}_api", response_class=JSONResponse)(
            api_route
        )

    def funnel(c: Ctx) -> dict[str, Any]:
        """Stage counts, step and cumulative conversion, benchmark flags."""
        return views.funnel_view(c.snap, c.filters, c.fmt)

    def channels(c: Ctx) -> dict[str, Any]:
        """One row per channel with every node measured by channel."""
        return views.channels_view(c.snap, c.filters, c.fmt)

    def health(c: Ctx) -> dict[str, Any]:
        """Last import per source and its age, rejected rows, quality findings, refresh."""
        return views.health_view(c.snap, c.filters, c.fmt, store.busy)

    simple("funnel", funnel)
    simple("channels", channels)
    simple("health", health)

    def trends_of(c: Ctx, node: str | None, grain: str | None) -> dict[str, Any]:
        if node is not None:
            require_node(c, node)
        return c.snap.cached(  # type: ignore[no-any-return]
            ("trends", node, grain, c.filters),
            lambda: views.trend_view(c.snap, c.filters, c.fmt, node, grain),
        )

    @app.get("/trends", response_class=HTMLResponse, include_in_schema=False)
    def trends_page(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
        node: NodeQ = None,
        grain: GrainQ = None,
    ) -> Response:
        c = ctx(request, period, where, compare, lang)
        return page(request, c, "trends", trends_of(c, node, grain))

    @app.get("/api/trends", tags=["pages"], response_class=JSONResponse)
    def trends_api(
        request: Request,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
        node: NodeQ = None,
        grain: GrainQ = None,
    ) -> Response:
        """A node over time with its target line; ``chart`` is the ECharts option."""
        c = ctx(request, period, where, compare, lang)
        return as_json(request, c, trends_of(c, node, grain))

    # -- export ---------------------------------------------------------------------
    @app.get("/export/{page_name}/{table}.{ext}", tags=["export"], response_class=Response)
    def export(
        request: Request,
        page_name: str,
        table: str,
        ext: str,
        period: PeriodQ = None,
        where: WhereQ = None,
        compare: CompareQ = None,
        lang: LangQ = None,
        node: NodeQ = None,
        grain: GrainQ = None,
    ) -> Response:
        """A page's table as CSV (UTF-8 with BOM) or XLSX, formula injection guarded."""
        if ext not in ("csv", "xlsx"):
            raise UserError(f"unknown export format '{ext}'", hint="valid values are: csv, xlsx")
        c = ctx(request, period, where, compare, lang)
        builders: dict[str, Callable[[], dict[str, Any]]] = {
            "overview": lambda: overview_of(c),
            "tree": lambda: tree_of(c),
            "funnel": lambda: views.funnel_view(c.snap, c.filters, c.fmt),
            "channels": lambda: views.channels_view(c.snap, c.filters, c.fmt),
            "health": lambda: views.health_view(c.snap, c.filters, c.fmt, store.busy),
            "trends": lambda: trends_of(c, node, grain),
        }
        if page_name == "node":
            if node is None:
                raise UserError("the node page's export needs ?node=ID", hint="e.g. ?node=leads")
            view = node_of(c, node)
        elif page_name in builders:
            view = builders[page_name]()
        else:
            raise NotFound(f"unknown page '{page_name}'", hint=valid_values([*builders, "node"]))
        tables = tables_of(page_name, view, c.lang)
        if table not in tables:
            raise NotFound(f"page '{page_name}' has no table '{table}'", hint=valid_values(tables))
        data = tables[table]
        body = to_csv(data) if ext == "csv" else to_xlsx(data)
        media = (
            "text/csv; charset=utf-8"
            if ext == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        filename = f"ikkan-{page_name}-{table}.{ext}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.get("/api/health/ready", tags=["service"])
    def ready() -> dict[str, Any]:
        """Liveness: the snapshot's data version and whether a writer holds the warehouse."""
        snap = store.current()
        return {"ok": True, "busy": store.busy, "snapshot": snap.taken_at.isoformat()}

    return app


class SecurityHeaders:
    """CSP and friends on every response, and the ``?lang=`` choice kept in a cookie (a
    plain ASGI middleware: BaseHTTPMiddleware costs several ms per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = (query.get("lang") or [None])[0]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if lang in LANGS:
                    headers.append(
                        "set-cookie",
                        f"ikkan_lang={lang}; Max-Age={365 * 86400}; Path=/; SameSite=Lax",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def default_period_key(snap: Snapshot) -> str:
    """The month holding the data's last day, or the finest computed grain when months are
    not computed."""
    from ikkan.model.periods import GRAIN_ORDER, period_containing

    spec = snap.ws.spec
    grains = list(spec.measure.grains)
    grain = "month" if "month" in grains else next(g for g in GRAIN_ORDER if g in grains)
    day = snap.ws.data_as_of()
    return period_containing(day, grain, spec.company.fiscal_year_start).key


def dimension_values(snap: Snapshot) -> dict[str, list[str]]:
    def load() -> dict[str, list[str]]:
        rows = (
            snap.ws.warehouse()
            .query(
                "SELECT DISTINCT dimension, dimension_value FROM kpi_values WHERE dimension <> ''"
                " ORDER BY dimension, dimension_value"
            )
            .to_pylist()
        )
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["dimension"], []).append(r["dimension_value"])
        return out

    return snap.cached(("dimension_values",), load)  # type: ignore[no-any-return]
