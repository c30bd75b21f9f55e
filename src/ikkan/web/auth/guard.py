"""The one place every request's permission is checked (an app-wide FastAPI dependency).

For the matched route it finds the declared rule (``rules.require`` / ``rules.public``),
identifies the requester, checks the CSRF token of an unsafe request that came with cookies,
and asks ``policy.decide``: ``Action.READ`` for a GET without a rule, the declared action (on
the department the rule's resolver finds) otherwise. An unsafe route without a rule is refused.
Refusals raise ``SignInRequired`` (401 / redirect to /signin) or ``Forbidden`` (403).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ikkan.state.policy import Action, decide
from ikkan.web.auth.config import auth_of
from ikkan.web.auth.identity import Identity, csrf_ok, identify
from ikkan.web.auth.rules import PUBLIC, rule_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# where a user who must change a one-time password may still go
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/signout"})


class SignInRequired(Exception):
    """Nobody is signed in (or the token is not valid)."""


class PasswordChangeRequired(Exception):
    """Signed in with a one-time password: it must be changed first."""


class Forbidden(Exception):
    """Signed in, but not allowed (or no valid CSRF token)."""

    def __init__(self, reason: str, *, csrf: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.csrf = csrf


async def guard(request: Request) -> None:
    """App-wide dependency: authenticate, check CSRF, decide. Sets ``request.state.actor``,
    ``request.state.identity`` and ``request.state.allowed_rule``."""
    auth = auth_of(request)
    route = request.scope.get("route")
    rule = rule_of(route)
    identity: Identity = await run_in_threadpool(identify, request, auth)
    request.state.identity = identity
    request.state.actor = identity.actor
    unsafe = request.method not in SAFE_METHODS
    cookie_bound = identity.via != "token"

    if rule is PUBLIC:
        if unsafe and not await csrf_ok(request, auth, identity):
            raise Forbidden(CSRF_REASON, csrf=True)
        request.state.allowed_rule = rule
        return
    actor = identity.actor
    if actor is None:
        raise SignInRequired()
    user = identity.user
    if (
        identity.via == "session"
        and user is not None
        and user.must_change_password
        and request.url.path not in PASSWORD_CHANGE_PATHS
    ):
        raise PasswordChangeRequired()
    if unsafe and cookie_bound and not await csrf_ok(request, auth, identity):
        raise Forbidden(CSRF_REASON, csrf=True)
    if rule is None:
        if unsafe:
            raise Forbidden(
                f"{request.method} {request.url.path} declares no permission; "
                "a write route must use require(...)"
            )
        decision = decide(actor, Action.READ)
    else:
        assert rule.action is not None
        decision = decide(actor, rule.action, None)
        # find the department only when one of the actor's could allow the action: a
        # viewer is refused before a body is parsed or an id looked up
        if (
            rule.department_of is not None
            and not decision
            and any(decide(actor, rule.action, d) for d in actor.departments)
        ):
            decision = decide(actor, rule.action, await rule.department_of(request))
    if not decision:
        raise Forbidden(decision.reason)
    request.state.allowed_rule = rule


CSRF_REASON = "the form's CSRF token is missing or does not match; reload the page and try again"


def signin_url(request: Request) -> str:
    """/signin with ``next`` pointing back at the requested page."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/signin?next=" + quote(target, safe="")
