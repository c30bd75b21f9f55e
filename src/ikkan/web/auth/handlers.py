"""How a refusal reaches the requester: the API and exports get JSON (401 with
``WWW-Authenticate: Bearer``, 403 with the reason), pages a redirect to /signin (htmx:
``HX-Redirect``) or the error page with the reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ikkan.web.auth.guard import Forbidden, PasswordChangeRequired, SignInRequired, signin_url
from ikkan.web.auth.identity import TOKEN_PATHS
from ikkan.web.auth.pages import auth_page, lang_of
from ikkan.web.auth.text import auth_text

SIGN_IN_HINT = "sign in at /signin, or send 'Authorization: Bearer <token>' (ikkan tokens create)"


def _api(request: Request) -> bool:
    return request.url.path.startswith(TOKEN_PATHS)


def _redirect(request: Request, target: str) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def install_auth_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _: SignInRequired) -> Response:
        if _api(request):
            return JSONResponse(
                {"error": "sign in first", "hint": SIGN_IN_HINT},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return _redirect(request, signin_url(request))

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, _: PasswordChangeRequired) -> Response:
        if _api(request):
            return JSONResponse(
                {
                    "error": "change your one-time password first",
                    "hint": "open /account/password in the browser",
                },
                status_code=403,
            )
        return _redirect(request, "/account/password")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _api(request) or request.headers.get("hx-request"):
            return JSONResponse({"error": exc.reason, "hint": None}, status_code=403)
        t = auth_text(lang_of(request))
        return auth_page(
            request, "forbidden", status_code=403, error=exc.reason, title=t["forbidden"]
        )
