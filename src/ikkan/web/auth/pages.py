"""Rendering the sign-in, account and admin pages (a plain layout without the filters)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ikkan.web.auth.config import auth_of
from ikkan.web.auth.identity import Identity, csrf_token, new_seed, set_seed_cookie
from ikkan.web.auth.text import auth_text
from ikkan.web.context import store_of
from ikkan.web.i18n import pick_lang
from ikkan.web.render import Renderer


def lang_of(request: Request) -> str:
    return pick_lang(
        request.query_params.get("lang"),
        request.cookies.get("ikkan_lang"),
        store_of(request).source.lang,
    )


def auth_page(request: Request, name: str, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    """``templates/<name>.html`` in the visitor's language, with the CSRF token of this
    visitor (a first-time visitor gets a fresh seed cookie for the sign-in form)."""
    renderer: Renderer = request.app.state.renderer
    auth = auth_of(request)
    identity: Identity = getattr(request.state, "identity", None) or Identity()
    seed = None
    if csrf_token(auth, identity) is None:
        seed = new_seed()
        identity = Identity(identity.user, identity.via, identity.session_raw, None, seed)
    lang = lang_of(request)
    user = identity.user
    try:
        company = store_of(request).current().ws.spec.company.name
    except Exception:  # the dashboard's data is not needed to sign in
        company = ""
    context = {
        "request": request,
        "t": auth_text(lang),
        "at": auth_text(lang),
        "lang": lang,
        "other_lang": "en" if lang == "ja" else "ja",
        "page": name,
        "me": user.actor if user else None,
        "me_must_change": bool(user and user.must_change_password),
        "csrf_token": csrf_token(auth, identity),
        "company": company,
        **extra,
    }
    body = renderer.env.get_template(f"{name}.html").render(context)
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    if seed is not None:
        set_seed_cookie(response, request, seed)
    return response
