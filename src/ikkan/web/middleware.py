"""The app's ASGI middleware, added in one place (``install_middleware``)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ikkan.web.display import COOKIE, TYPE_SIZES
from ikkan.web.i18n import LANGS

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def install_middleware(app: FastAPI) -> None:
    """Every middleware of the dashboard, in one place. The layer added last is the
    outermost (it meets the request first), so add sign-in, CSRF … below this line in
    that order. Prefer plain ASGI classes: BaseHTTPMiddleware costs ms per request."""
    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """CSP and friends on every response, and the ``?lang=`` and ``?type=`` (large type)
    choices kept in cookies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = (query.get("lang") or [None])[0]
        kind = (query.get("type") or [None])[0]  # large type on or off, kept per browser

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
                if kind in TYPE_SIZES:
                    headers.append(
                        "set-cookie",
                        f"{COOKIE}={kind}; Max-Age={365 * 86400}; Path=/; SameSite=Lax",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
