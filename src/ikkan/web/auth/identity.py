"""Who is asking: a Bearer API token (``/api/`` and ``/export/`` only) or the signed session
cookie; and the CSRF token that proves a form came from our own page.

Cookies: ``ikkan_session`` holds the session id signed with the app's key (itsdangerous);
``ikkan_csrf`` holds a random seed for visitors not signed in yet (the sign-in form). Both are
HttpOnly and SameSite=Lax; Secure when the request came over https. The CSRF token is the
HMAC of the session id (or the seed), so it needs no storage and changes with every sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ikkan.auth.audit import Origin
from ikkan.auth.keys import random_id, same, sign
from ikkan.auth.sessions import find_session
from ikkan.auth.tokens import token_user
from ikkan.auth.users import UserInfo
from ikkan.state.policy import Actor
from ikkan.web.auth.config import AuthConfig

SESSION_COOKIE = "ikkan_session"
SEED_COOKIE = "ikkan_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PATHS = ("/api/", "/export/")


@dataclass(frozen=True)
class Identity:
    user: UserInfo | None = None
    via: str = ""  # "session", "token" or "" (nobody)
    session_raw: str | None = None  # the session id, when signed in by cookie
    session_hash: str | None = None
    seed: str | None = None  # the anonymous CSRF seed

    @property
    def actor(self) -> Actor | None:
        return self.user.actor if self.user else None


def _serializer(auth: AuthConfig) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(auth.key, salt="ikkan-session")


def session_cookie_value(auth: AuthConfig, raw: str) -> str:
    return _serializer(auth).dumps(raw)


def session_id_of(request: Request, auth: AuthConfig) -> str | None:
    """The session id in the request's cookie, when its signature holds."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        raw = _serializer(auth).loads(value, max_age=int(auth.session_lifetime.total_seconds()))
    except BadSignature:
        return None
    return raw if isinstance(raw, str) else None


def bearer_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def identify(request: Request, auth: AuthConfig) -> Identity:
    """The requester: a Bearer token on the API, else the session cookie, else nobody."""
    token = bearer_of(request)
    if token is not None:
        if not request.url.path.startswith(TOKEN_PATHS):
            return Identity(seed=request.cookies.get(SEED_COOKIE))
        return Identity(token_user(auth.engine, token, clock=auth.clock), "token")
    raw = session_id_of(request, auth)
    if raw is not None:
        found = find_session(auth.engine, raw, clock=auth.clock)
        if found is not None:
            return Identity(found.user, "session", raw, found.id_hash)
    return Identity(seed=request.cookies.get(SEED_COOKIE))


def csrf_token(auth: AuthConfig, identity: Identity) -> str | None:
    """The CSRF token this requester's forms carry (``None``: they need a seed first)."""
    if identity.session_raw is not None:
        return sign(auth.key, "session:" + identity.session_raw)
    if identity.seed:
        return sign(auth.key, "anonymous:" + identity.seed)
    return None


async def csrf_ok(request: Request, auth: AuthConfig, identity: Identity) -> bool:
    """Whether an unsafe request carries this requester's CSRF token (header or form)."""
    expected = csrf_token(auth, identity)
    if expected is None:
        return False
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent is not None and same(sent, expected)


def origin_of(request: Request, identity: Identity | None = None) -> Origin:
    via = "api" if identity is not None and identity.via == "token" else "web"
    ip = request.client.host if request.client else ""
    return Origin(via, ip, request.headers.get("user-agent", ""))


def new_seed() -> str:
    return random_id()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, auth: AuthConfig, raw: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(auth, raw),
        max_age=int(auth.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def set_seed_cookie(response: Response, request: Request, seed: str) -> None:
    response.set_cookie(
        SEED_COOKIE, seed, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
