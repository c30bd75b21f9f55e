"""Who is asking: the actor the sign-in guard identified (``request.state.actor``).

Writes get their actor from ``require(...)`` (web/auth/rules.py), which the guard has checked
with ``policy.decide`` for the node's department; the PDCA services ask the same policy again
before storing (one function, two callers: the web guard and the CLI/services).
"""

from __future__ import annotations

from fastapi import Request

from ikkan.state.policy import Actor


def current_actor(request: Request) -> Actor | None:
    actor: Actor | None = getattr(request.state, "actor", None)
    return actor
