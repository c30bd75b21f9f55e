"""Sign-in, sign-out and one's own password: /signin, /signout, /account/password."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from typing import Annotated

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ikkan.auth.sessions import end_session, start_session
from ikkan.auth.timeutil import utc_now
from ikkan.auth.users import authenticate, change_password, user_count
from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor
from ikkan.web.auth.config import auth_of
from ikkan.web.auth.identity import (
    Identity,
    clear_session_cookie,
    origin_of,
    set_session_cookie,
)
from ikkan.web.auth.pages import auth_page, lang_of
from ikkan.web.auth.rules import public, require
from ikkan.web.auth.text import auth_text


def safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//host`` or ``https://…``): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def register_signin(app: FastAPI) -> None:
    @app.get("/signin", include_in_schema=False, dependencies=[public])
    def signin_page(request: Request, next_: Annotated[str, Query(alias="next")] = "/") -> Response:
        identity: Identity = request.state.identity
        if identity.user is not None and identity.via == "session":
            return RedirectResponse(safe_next(next_), status_code=303)
        no_users = user_count(auth_of(request).engine) == 0
        return auth_page(request, "signin", next=safe_next(next_), username="", no_users=no_users)

    @app.post("/signin", include_in_schema=False, dependencies=[public])
    def signin(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        next_: Annotated[str, Form(alias="next")] = "/",
    ) -> Response:
        auth = auth_of(request)
        origin = origin_of(request)
        now = utc_now(auth.clock)
        t = auth_text(lang_of(request))
        wait = auth.throttle.wait(username, origin.ip, now)
        if wait is not None:
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            response = auth_page(
                request,
                "signin",
                status_code=429,
                next=safe_next(next_),
                username=username,
                error=t["throttled"].format(minutes=minutes),
            )
            response.headers["Retry-After"] = str(int(wait.total_seconds()) + 1)
            return response
        user = authenticate(auth.engine, username, password)
        if user is None:
            auth.throttle.failed(username, origin.ip, now)
            record_failure(request, username)
            return auth_page(
                request,
                "signin",
                status_code=401,
                next=safe_next(next_),
                username=username,
                error=t["wrong_credentials"],
            )
        auth.throttle.succeeded(username, origin.ip)
        identity: Identity = request.state.identity
        raw = start_session(
            auth.engine,
            user,
            origin=origin,
            clock=auth.clock,
            replaces=identity.session_raw,
            lifetime=auth.session_lifetime,
        )
        target = "/account/password" if user.must_change_password else safe_next(next_)
        redirect = RedirectResponse(target, status_code=303)
        set_session_cookie(redirect, request, auth, raw)
        return redirect

    @app.post("/signout", include_in_schema=False)
    def signout(request: Request, actor: Annotated[Actor, require(Action.ACCOUNT)]) -> Response:
        auth = auth_of(request)
        identity: Identity = request.state.identity
        if identity.session_raw is not None:
            end_session(
                auth.engine, identity.session_raw, origin=origin_of(request), clock=auth.clock
            )
        response = RedirectResponse("/signin", status_code=303)
        clear_session_cookie(response)
        return response

    @app.get("/account/password", include_in_schema=False)
    def password_page(request: Request) -> Response:
        return auth_page(request, "password")

    @app.post("/account/password", include_in_schema=False)
    def password_change(
        request: Request,
        actor: Annotated[Actor, require(Action.ACCOUNT)],
        current: Annotated[str, Form()] = "",
        new: Annotated[str, Form()] = "",
        confirm: Annotated[str, Form()] = "",
    ) -> Response:
        auth = auth_of(request)
        identity: Identity = request.state.identity
        t = auth_text(lang_of(request))
        if new != confirm:
            return auth_page(request, "password", status_code=400, error=t["passwords_differ"])
        try:
            change_password(
                auth.engine,
                actor.username,
                current,
                new,
                origin=origin_of(request, identity),
                clock=auth.clock,
                keep_session=identity.session_hash,
            )
        except UserError as exc:
            return auth_page(request, "password", status_code=400, error=exc.message)
        return RedirectResponse("/", status_code=303)

    @app.get("/api/me", tags=["account"])
    def me(request: Request) -> JSONResponse:
        """Who is asking: username, role, departments, and how (session or token)."""
        identity: Identity = request.state.identity
        user = identity.user
        assert user is not None
        return JSONResponse(
            {
                "username": user.username,
                "display_name": user.display_name,
                "role": user.role.value,
                "departments": list(user.departments),
                "via": identity.via,
            }
        )


def record_failure(request: Request, username: str) -> None:
    """A failed sign-in goes into the audit log (who tried, from where)."""
    from sqlalchemy.orm import Session

    from ikkan.auth import audit

    auth = auth_of(request)
    with Session(auth.engine) as session, session.begin():
        audit.record(
            session,
            actor=username.strip().lower()[:100] or "-",
            action="sign_in_failed",
            target=username[:300],
            origin=origin_of(request),
            clock=auth.clock,
        )
