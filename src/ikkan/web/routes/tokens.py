"""One's own API tokens in the browser (``/account/tokens``): list, create (the token is
shown once, on the answer to the form) and revoke. Every route declares
``Action.ACCOUNT`` and acts only on the signed-in user's tokens: a token id of another
user is answered as unknown. A Bearer token cannot reach these pages (tokens sign in on
``/api/`` and ``/export/`` only), so a token never makes or revokes tokens."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from datetime import datetime
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import Response

from ikkan.auth.timeutil import local, utc_now
from ikkan.auth.tokens import TokenInfo, create_token, list_tokens, revoke_token
from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor
from ikkan.web.auth.config import auth_of
from ikkan.web.auth.identity import origin_of
from ikkan.web.auth.pages import auth_page, lang_of
from ikkan.web.auth.rules import require
from ikkan.web.auth.text import auth_text

OwnAccount = Annotated[Actor, require(Action.ACCOUNT)]
MAX_DAYS = 3650


def _row(token: TokenInfo, now: datetime) -> dict[str, object]:
    if token.revoked_at is not None:
        state = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created": local(token.created_at),
        "expires": local(token.expires_at),
        "last_used": local(token.last_used_at),
        "state": state,
    }


def tokens_page(
    request: Request,
    actor: Actor,
    *,
    made: tuple[TokenInfo, str] | None = None,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    auth = auth_of(request)
    now = utc_now(auth.clock)
    return auth_page(
        request,
        "tokens",
        status_code=status_code,
        tokens=[_row(t, now) for t in list_tokens(auth.engine, actor.username)],
        made={"name": made[0].name, "token": made[1]} if made else None,
        message=message,
        error=error,
    )


def register_tokens(app: FastAPI) -> None:
    @app.get("/account/tokens", include_in_schema=False)
    def tokens_list(request: Request, actor: OwnAccount) -> Response:
        return tokens_page(request, actor)

    @app.post("/account/tokens", include_in_schema=False)
    def tokens_create(
        request: Request,
        actor: OwnAccount,
        name: Annotated[str, Form()] = "",
        expires_days: Annotated[str, Form()] = "",
    ) -> Response:
        auth = auth_of(request)
        t = auth_text(lang_of(request))
        days: int | None = None
        if expires_days.strip():
            try:
                days = int(expires_days.strip())
            except ValueError:
                days = 0
            if not 1 <= days <= MAX_DAYS:
                error = t["token_days"].format(days=MAX_DAYS)
                return tokens_page(request, actor, error=error, status_code=400)
        try:
            made = create_token(
                auth.engine,
                actor.username,
                name,
                actor=actor.username,
                origin=origin_of(request, request.state.identity),
                clock=auth.clock,
                expires_in_days=days,
            )
        except UserError as exc:
            return tokens_page(request, actor, error=exc.render(), status_code=400)
        return tokens_page(request, actor, made=made)

    @app.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
    def tokens_revoke(request: Request, token_id: int, actor: OwnAccount) -> Response:
        auth = auth_of(request)
        t = auth_text(lang_of(request))
        try:
            info = revoke_token(
                auth.engine,
                token_id,
                actor=actor.username,
                origin=origin_of(request, request.state.identity),
                clock=auth.clock,
                owner=actor.username,  # only one's own: another's id is "no token"
            )
        except UserError:
            error = t["token_unknown"].format(id=token_id)
            return tokens_page(request, actor, error=error, status_code=404)
        return tokens_page(request, actor, message=t["token_revoked_msg"].format(name=info.name))
