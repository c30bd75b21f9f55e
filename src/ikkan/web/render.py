"""Rendering a view: the page through its Jinja2 template, the API as JSON, an error as
the error page or JSON. Rendered bytes are cached per snapshot and URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from ikkan.errors import UserError
from ikkan.model.periods import ALL_TIME
from ikkan.warehouse.locks import WarehouseBusy
from ikkan.web.assets import ASSETS
from ikkan.web.auth.text import AUTH_TEXT
from ikkan.web.context import Ctx, NotFound, dimension_values, store_of
from ikkan.web.display import COOKIE, is_large
from ikkan.web.filters import period_choices
from ikkan.web.i18n import TEXT, pick_lang


def page_csrf_token(request: Request) -> bytes:
    """The CSRF token of this request's session (empty when nobody is signed in)."""
    from ikkan.web.auth.config import auth_of
    from ikkan.web.auth.identity import csrf_token

    identity = getattr(request.state, "identity", None)
    token = csrf_token(auth_of(request), identity) if identity is not None else None
    return (token or "").encode()


HERE = Path(__file__).parent
CSRF_PLACEHOLDER = "IKKANCSRFTOKENPLACEHOLDER"  # survives HTML escaping unchanged
PAGES = (
    "overview",
    "tree",
    "funnel",
    "trends",
    "channels",
    "health",
    "alerts",
    "scoring",
)  # navigation


def json_body(c: Ctx, path: str, query: str, view: dict[str, Any]) -> bytes:
    """A view's JSON, serialised once per snapshot, URL and language (the poller warms the
    default URLs' with this too)."""
    key = ("json", path, query, c.lang)
    return c.snap.cached(  # type: ignore[no-any-return]
        key, lambda: json.dumps(view, ensure_ascii=False, default=str).encode("utf-8")
    )


class Renderer:
    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True)
        self.env.globals["assets"] = ASSETS
        self.templates = Jinja2Templates(env=self.env)

    def page(
        self,
        request: Request,
        c: Ctx,
        name: str,
        view: dict[str, Any],
        *,
        live: bool = False,
        lazy: Callable[[], dict[str, Any]] | None = None,
        **extra: Any,
    ) -> Response:
        """The page, rendered once per snapshot, URL, language and visitor. ``lazy`` gives
        more template context and is called only when the page is rendered, not on a
        cache hit (the node page's PDCA part reads the state database)."""
        store = c.store
        me = getattr(request.state, "actor", None)
        # the page shows who is signed in (and pages may differ by role): one cached copy
        # per actor; the CSRF token differs per session and is put in after the cache
        who = (me.username, me.role, me.departments) if me else None
        large = is_large(request.query_params.get("type"), request.cookies.get(COOKIE))
        key = (
            "html",
            name,
            request.url.path,
            str(request.query_params),
            c.lang,
            store.busy,
            who,
            large,
        )

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
                "large": large,
                "view": view,
                "f": c.filters,
                "periods": [
                    (p.key, p.label(c.lang))
                    for p in [
                        *period_choices(
                            as_of, list(spec.measure.grains), spec.company.fiscal_year_start
                        ),
                        snap.ws.resolve_period(ALL_TIME),
                    ]
                ],
                "dimension_values": dimension_values(snap),
                "busy": store.busy,
                "company": spec.company.name,
                "me": me,
                "at": AUTH_TEXT[c.lang],
                "csrf_token": CSRF_PLACEHOLDER,
                **extra,
                **(lazy() if lazy is not None else {}),
            }
            return self.env.get_template(f"{name}.html").render(context).encode("utf-8")

        body = render() if live else c.snap.cached(key, render)
        return HTMLResponse(body.replace(CSRF_PLACEHOLDER.encode(), page_csrf_token(request)))

    def live_page(
        self, request: Request, c: Ctx, name: str, view: dict[str, Any], **extra: Any
    ) -> Response:
        """A page whose content is not the snapshot's (e.g. alert state): never cached."""
        return self.page(request, c, name, view, live=True, **extra)

    def json(self, request: Request, c: Ctx, view: dict[str, Any]) -> Response:
        """The view as JSON, serialised once per snapshot and URL."""
        body = json_body(c, request.url.path, str(request.query_params), view)
        return Response(body, media_type="application/json")

    def error(self, request: Request, exc: UserError) -> Response:
        """A UserError as a 400 (404 for NotFound; 403 for NotAllowed; 503 when a writer
        kept the warehouse past the lock timeout, which only ranges and ALL read): JSON under
        /api/ and /export/, else the error page in the visitor's language."""
        from ikkan.services.pdca_access import NotAllowed

        status = (
            404
            if isinstance(exc, NotFound)
            else 403
            if isinstance(exc, NotAllowed)
            else 503
            if isinstance(exc, WarehouseBusy)
            else 400
        )
        body = {"error": exc.message, "hint": exc.hint}
        if request.url.path.startswith(("/api/", "/export/")):
            return JSONResponse(body, status_code=status)
        lang = pick_lang(
            request.query_params.get("lang"),
            request.cookies.get("ikkan_lang"),
            store_of(request).source.lang,
        )
        return self.templates.TemplateResponse(
            request,
            "error.html",
            {"t": TEXT[lang], "lang": lang, "error": body, "status": status},
            status_code=status,
        )
