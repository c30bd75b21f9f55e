"""Admin pages: the users (add, role and departments, disable / enable, new one-time
password) and the audit log. Every route declares ``MANAGE_USERS`` or ``READ_AUDIT``."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

import json
from typing import Annotated, Any

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ikkan.auth.audit import read_audit
from ikkan.auth.project import Credentials
from ikkan.auth.timeutil import local
from ikkan.auth.users import add_user, list_users, reset_password, set_disabled, set_role
from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor, Role
from ikkan.web.auth.config import auth_of
from ikkan.web.auth.identity import origin_of
from ikkan.web.auth.pages import auth_page
from ikkan.web.auth.rules import require

ManageUsers = Annotated[Actor, require(Action.MANAGE_USERS)]
ReadAudit = Annotated[Actor, require(Action.READ_AUDIT)]


def _departments(text: str) -> list[str]:
    return [d.strip() for d in text.replace("、", ",").split(",") if d.strip()]


def users_page(
    request: Request,
    *,
    made: Credentials | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    auth = auth_of(request)
    return auth_page(
        request,
        "admin_users",
        status_code=status_code,
        users=list_users(auth.engine),
        roles=[r.value for r in Role],
        departments=sorted(auth.departments),
        made=made,
        error=error,
    )


def register_admin(app: FastAPI) -> None:
    def context(request: Request, actor: Actor) -> dict[str, Any]:
        auth = auth_of(request)
        return {"actor": actor.username, "origin": origin_of(request), "clock": auth.clock}

    @app.get("/admin/users", include_in_schema=False)
    def admin_users(request: Request, actor: ManageUsers) -> Response:
        return users_page(request)

    @app.post("/admin/users", include_in_schema=False)
    def admin_add_user(
        request: Request,
        actor: ManageUsers,
        username: Annotated[str, Form()] = "",
        role: Annotated[str, Form()] = "viewer",
        departments: Annotated[str, Form()] = "",
        display_name: Annotated[str, Form()] = "",
    ) -> Response:
        auth = auth_of(request)
        try:
            password = add_user(
                auth.engine,
                username=username,
                role=role,
                departments=_departments(departments),
                known_departments=auth.departments,
                display_name=display_name,
                **context(request, actor),
            )
        except UserError as exc:
            return users_page(request, error=exc.render(), status_code=400)
        return users_page(request, made=Credentials(username.strip().lower(), password))

    @app.post("/admin/users/{username}/role", include_in_schema=False)
    def admin_role(
        request: Request,
        username: str,
        actor: ManageUsers,
        role: Annotated[str, Form()] = "",
        departments: Annotated[str, Form()] = "",
    ) -> Response:
        auth = auth_of(request)
        try:
            set_role(
                auth.engine,
                username,
                role,
                _departments(departments),
                known_departments=auth.departments,
                **context(request, actor),
            )
        except UserError as exc:
            return users_page(request, error=exc.render(), status_code=400)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{username}/disable", include_in_schema=False)
    def admin_disable(request: Request, username: str, actor: ManageUsers) -> Response:
        return _switch(request, username, actor, disabled=True)

    @app.post("/admin/users/{username}/enable", include_in_schema=False)
    def admin_enable(request: Request, username: str, actor: ManageUsers) -> Response:
        return _switch(request, username, actor, disabled=False)

    def _switch(request: Request, username: str, actor: Actor, *, disabled: bool) -> Response:
        try:
            set_disabled(auth_of(request).engine, username, disabled, **context(request, actor))
        except UserError as exc:
            return users_page(request, error=exc.render(), status_code=400)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{username}/reset", include_in_schema=False)
    def admin_reset(request: Request, username: str, actor: ManageUsers) -> Response:
        try:
            password = reset_password(auth_of(request).engine, username, **context(request, actor))
        except UserError as exc:
            return users_page(request, error=exc.render(), status_code=400)
        return users_page(request, made=Credentials(username.strip().lower(), password))

    @app.get("/admin/audit", include_in_schema=False)
    def admin_audit(
        request: Request,
        actor: ReadAudit,
        who: Annotated[str | None, Query(alias="actor")] = None,
        what: Annotated[str | None, Query(alias="action")] = None,
    ) -> Response:
        wanted_actor = who or None
        wanted_action = what or None
        entries = [
            {
                "when": local(e.at),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "detail": json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
                "via": e.via,
                "ip": e.ip,
                "user_agent": e.user_agent,
            }
            for e in read_audit(
                auth_of(request).engine, limit=200, actor=wanted_actor, action=wanted_action
            )
        ]
        return auth_page(
            request, "admin_audit", entries=entries, actor=wanted_actor, action=wanted_action
        )
