"""The app's sign-in settings and stores, kept on ``app.state.auth``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Engine

from ikkan.auth.sessions import LIFETIME
from ikkan.auth.throttle import SignInThrottle
from ikkan.clock import Clock


@dataclass
class AuthConfig:
    engine: Engine
    key: str  # signs cookies and CSRF tokens
    clock: Clock
    departments: frozenset[str]
    throttle: SignInThrottle = field(default_factory=SignInThrottle)
    session_lifetime: timedelta = LIFETIME


def make_auth(root: Path, spec: Any, clock: Clock) -> AuthConfig:
    """Open the project's state database and signing key (``IKKAN_SECRET_KEY`` or
    ``.ikkan/secret``)."""
    from ikkan.auth.keys import secret_key
    from ikkan.auth.project import known_departments, open_identity, state_dir

    return AuthConfig(
        engine=open_identity(root),
        key=secret_key(state_dir(root)),
        clock=clock,
        departments=frozenset(known_departments(spec)),
    )


def auth_of(request: Request) -> AuthConfig:
    auth: AuthConfig = request.app.state.auth
    return auth
