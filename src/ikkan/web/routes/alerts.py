"""The Alerts page (firing alerts, history, acknowledge and mute buttons) and its JSON twin.

Read live from the project's warehouse, not the snapshot: an acknowledgement must show at
once, without a refresh. The two POSTs change state, so they need a CSRF token: main has
no sign-in / CSRF mechanism yet, so this module uses a double-submit token (a random
``ikkan_csrf`` cookie, SameSite=Strict, repeated in the form; compared in constant time)
plus a same-origin check of ``Origin`` when the browser sends it. Replace it with the
shared mechanism when sign-in lands.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ikkan.errors import UserError
from ikkan.web.context import CtxDep, store_of
from ikkan.web.render import Renderer
from ikkan.web.views.alerts import alerts_view
from ikkan.web.views.common import header, status_of

CSRF_COOKIE = "ikkan_csrf"
CSRF_FIELD = "csrf"


class CsrfError(UserError):
    """A state-changing request without the page's token (403)."""

    status_code = 403


def _workspace(request: Request) -> Any:
    from ikkan.workspace import Workspace

    store = store_of(request)
    return Workspace.open(store.root, clock=store.clock)


def check_csrf(request: Request, token: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not token or not hmac.compare_digest(cookie, token):
        raise CsrfError(
            "this form has expired or did not come from this dashboard",
            hint="reload the Alerts page and try again",
        )
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfError(f"a form posted from another site ({origin}) was refused")


def register_alerts(app: FastAPI, renderer: Renderer) -> None:
    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False, name="alerts_page")
    def alerts_page(request: Request, c: CtxDep) -> Response:
        ws = _workspace(request)
        view = alerts_view(ws, c.fmt, c.lang)
        view["header"] = header(c.snap, status_of(c.snap, c.filters), c.filters, c.fmt)
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = renderer.live_page(request, c, "alerts", view, csrf=token)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/api/alerts", tags=["pages"], name="alerts_api", response_class=JSONResponse)
    def alerts_api(request: Request, c: CtxDep) -> dict[str, Any]:
        """Alert instances that are not ok (firing first), the rules and the latest
        history rows (transitions, notifications, acknowledgements, mutes)."""
        return alerts_view(_workspace(request), c.fmt, c.lang)

    @app.post("/alerts/ack", include_in_schema=False)
    def ack(
        request: Request,
        rule: Annotated[str, Form()],
        csrf: Annotated[str, Form()],
        instance: Annotated[str, Form()] = "",
    ) -> Response:
        from ikkan.alerts.actions import act

        check_csrf(request, csrf)
        act(_workspace(request), rule, instance, "acknowledge", who="dashboard")
        return RedirectResponse("/alerts", status_code=303)

    @app.post("/alerts/mute", include_in_schema=False)
    def mute(
        request: Request,
        rule: Annotated[str, Form()],
        until: Annotated[str, Form()],
        csrf: Annotated[str, Form()],
        instance: Annotated[str, Form()] = "",
    ) -> Response:
        from ikkan.alerts.actions import act

        check_csrf(request, csrf)
        try:
            end = datetime.fromisoformat(until)
        except ValueError:
            raise UserError(
                f"'{until}' is not a date and time", hint="e.g. 2027-01-04T09:00"
            ) from None
        act(_workspace(request), rule, instance, "mute", until=end, who="dashboard")
        return RedirectResponse("/alerts", status_code=303)
