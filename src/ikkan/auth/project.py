"""The identity store of one project: its state database, its departments, its first admin,
and the demo's printed credentials."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from ikkan.auth import audit
from ikkan.auth.users import authenticate, ensure_first_admin, get_user
from ikkan.clock import Clock
from ikkan.model.spec import BUILTIN_DEPARTMENTS
from ikkan.warehouse.url import DEFAULT_DIR

DEMO_FILE = "demo-credentials"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


def state_dir(root: Path) -> Path:
    """The project's private folder (``.ikkan/``, git-ignored)."""
    return root / DEFAULT_DIR


def open_identity(root: Path) -> Engine:
    """The project's state database, migrated (``IKKAN_STATE_URL`` or ``.ikkan/state.db``)."""
    from ikkan.state import open_state, state_url

    return open_state(state_url(root))


def known_departments(spec: Any | None) -> set[str]:
    """The built-in departments and those the project's ``departments:`` adds."""
    names = set(BUILTIN_DEPARTMENTS)
    if spec is not None:
        names |= set(spec.departments)
    return names


def first_admin(
    engine: Engine, root: Path, *, clock: Clock, origin: audit.Origin, demo: bool = False
) -> Credentials | None:
    """When the project has no user yet, make ``admin`` with a one-time password and return it
    (to be printed once). For the demo the password is also kept in ``.ikkan/demo-credentials``
    (mode 0600) so ``serve`` can show it until it is used."""
    password = ensure_first_admin(engine, origin=origin, clock=clock)
    if password is None:
        return None
    made = Credentials("admin", password)
    if demo:
        folder = state_dir(root)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / DEMO_FILE
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"username": made.username, "password": made.password}, handle)
    return made


def demo_credentials(engine: Engine, root: Path) -> Credentials | None:
    """The demo's one-time credentials while they are still unused (the password not yet
    changed); the file is deleted once they are spent."""
    path = state_dir(root) / DEMO_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        kept = Credentials(str(data["username"]), str(data["password"]))
    except (ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return None
    user = get_user(engine, kept.username)
    if (
        user is None
        or not user.must_change_password
        or authenticate(engine, kept.username, kept.password) is None
    ):
        path.unlink(missing_ok=True)
        return None
    return kept
