"""The FastAPI app factory: the dashboard's pages (Jinja2 + htmx) and their JSON twins
under /api/.

Both read one ``Snapshot`` (see store.py) through the workspace façade; a page and its
API build the same view model (views/), so they always show the same numbers. Routes are
registered in routes/, middleware is added in middleware.py (``install_middleware``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from ikkan import __version__
from ikkan.clock import Clock, SystemClock
from ikkan.errors import UserError
from ikkan.web import pdca_text  # noqa: F401  (the PDCA strings join i18n.TEXT)
from ikkan.web.auth.config import make_auth
from ikkan.web.auth.guard import guard
from ikkan.web.auth.handlers import install_auth_handlers
from ikkan.web.middleware import install_middleware
from ikkan.web.render import HERE, Renderer
from ikkan.web.routes import register_routes
from ikkan.web.store import WARM_SECONDS, SnapshotStore
from ikkan.web.warm import warm_snapshot


def create_app(
    project: Path | str,
    *,
    clock: Clock | None = None,
    poll_seconds: float = 2.0,
    watch: bool = True,
    warm_seconds: float = WARM_SECONDS,
) -> FastAPI:
    """The dashboard of the project at ``project``. ``watch``: a background thread takes a
    new snapshot when a refresh or an import lands (tests call ``store.check()``) and
    warms it for up to ``warm_seconds`` before it is current (0: no warming)."""
    store = SnapshotStore(
        Path(project),
        clock=clock,
        poll_seconds=poll_seconds,
        warm=warm_snapshot if warm_seconds > 0 else None,
        warm_seconds=warm_seconds,
    )
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
        dependencies=[Depends(guard)],  # every route: sign-in, CSRF, policy.decide
    )
    renderer = Renderer()
    app.state.store = store
    app.state.renderer = renderer
    app.state.auth = make_auth(
        store.source.root, store.source.loaded.spec, store.clock or SystemClock()
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    install_middleware(app)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        return renderer.error(request, exc)

    install_auth_handlers(app)

    register_routes(app, renderer)
    return app
