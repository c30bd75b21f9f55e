"""Who is asking: the actor every PDCA write is checked for (``policy.decide`` through
``services.pdca_access.authorize``).

PLACEHOLDER until the sign-in work (users, sessions, ``require(...)``) is on main: every
request acts as one admin, named by ``IKKAN_USER`` (default ``local``), unless a test set
``app.state.placeholder_actor``. The lead wires this to the signed-in user: replace the body
of ``current_actor`` and nothing else changes (every write already asks the policy).
"""

from __future__ import annotations

import os

from fastapi import Request

from ikkan.state.policy import Actor, Role


def current_actor(request: Request) -> Actor | None:
    override = getattr(request.app.state, "placeholder_actor", None)
    if override is not None:
        return override  # type: ignore[no-any-return]
    return Actor(os.environ.get("IKKAN_USER") or "local", Role.ADMIN)
