"""Users in the state database (SQLite and PostgreSQL): add, sign in, disable, reset, roles,
the last-admin rule, departments checked against the project, everything audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth.audit import Origin, read_audit
from ikkan.auth.models import User
from ikkan.auth.users import (
    add_user,
    authenticate,
    change_password,
    ensure_first_admin,
    list_users,
    reset_password,
    set_disabled,
    set_role,
)
from ikkan.errors import UserError
from ikkan.state.policy import Role
from tests.auth.conftest import NOW

DEPARTMENTS = {"marketing", "sales", "inside_sales", "cs", "exec", "partner_sales"}
CLI = {"actor": "cli:test", "origin": Origin.cli(), "clock": NOW}


def add(engine: Engine, name: str, role: str = "editor", *departments: str, **kw: object) -> str:
    return add_user(
        engine,
        username=name,
        role=role,
        departments=departments,
        known_departments=DEPARTMENTS,
        **CLI,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_first_admin_once_with_a_one_time_password(state_engine: Engine) -> None:
    password = ensure_first_admin(state_engine, origin=Origin.cli(), clock=NOW)
    assert password is not None and len(password) >= 16
    assert ensure_first_admin(state_engine, origin=Origin.cli(), clock=NOW) is None
    (admin,) = list_users(state_engine)
    assert (admin.username, admin.role, admin.must_change_password) == ("admin", Role.ADMIN, True)
    assert authenticate(state_engine, "admin", password) == admin


def test_password_is_stored_as_argon2id_only(state_engine: Engine) -> None:
    password = add(state_engine, "mei", "editor", "marketing")
    with Session(state_engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "mei"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert password not in stored


def test_sign_in_answers_none_for_wrong_unknown_and_disabled(state_engine: Engine) -> None:
    ensure_first_admin(state_engine, origin=Origin.cli(), clock=NOW)
    password = add(state_engine, "Mei", "editor", "marketing", "partner_sales")
    user = authenticate(state_engine, "MEI ", password)  # names are case-insensitive
    assert user is not None
    assert user.actor.departments == frozenset({"marketing", "partner_sales"})
    assert authenticate(state_engine, "mei", password + "x") is None
    assert authenticate(state_engine, "nobody", password) is None
    set_disabled(state_engine, "mei", True, **CLI)  # type: ignore[arg-type]
    assert authenticate(state_engine, "mei", password) is None
    set_disabled(state_engine, "mei", False, **CLI)  # type: ignore[arg-type]
    assert authenticate(state_engine, "mei", password) is not None


def test_departments_must_be_known_and_an_editor_needs_one(state_engine: Engine) -> None:
    with pytest.raises(UserError) as info:
        add(state_engine, "ken", "editor", "salse")
    assert "salse" in info.value.message and "sales" in (info.value.hint or "")
    with pytest.raises(UserError, match="at least one department"):
        add(state_engine, "ken", "editor")
    with pytest.raises(UserError, match="unknown role"):
        add(state_engine, "ken", "owner", "sales")
    with pytest.raises(UserError, match="not a valid username"):
        add(state_engine, "ken smith", "viewer")
    add(state_engine, "ken", "viewer")
    with pytest.raises(UserError, match="already exists"):
        add(state_engine, "KEN", "viewer")
    assert [u.username for u in list_users(state_engine)] == ["ken"]


def test_last_enabled_admin_cannot_be_disabled_or_demoted(state_engine: Engine) -> None:
    ensure_first_admin(state_engine, origin=Origin.cli(), clock=NOW)
    with pytest.raises(UserError, match="last enabled admin"):
        set_disabled(state_engine, "admin", True, **CLI)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="last enabled admin"):
        set_role(state_engine, "admin", "viewer", None, known_departments=DEPARTMENTS, **CLI)  # type: ignore[arg-type]
    add(state_engine, "aiko", "admin")
    set_role(state_engine, "admin", "viewer", None, known_departments=DEPARTMENTS, **CLI)  # type: ignore[arg-type]
    assert {u.username: u.role for u in list_users(state_engine)} == {
        "admin": Role.VIEWER,
        "aiko": Role.ADMIN,
    }


def test_role_change_keeps_or_replaces_departments(state_engine: Engine) -> None:
    add(state_engine, "mei", "editor", "marketing")
    user = set_role(state_engine, "mei", "viewer", None, known_departments=DEPARTMENTS, **CLI)  # type: ignore[arg-type]
    assert (user.role, user.departments) == (Role.VIEWER, ("marketing",))
    user = set_role(
        state_engine,
        "mei",
        "editor",
        ["sales", "cs"],
        known_departments=DEPARTMENTS,
        **CLI,  # type: ignore[arg-type]
    )
    assert (user.role, user.departments) == (Role.EDITOR, ("cs", "sales"))


def test_reset_and_change_password(state_engine: Engine) -> None:
    first = add(state_engine, "mei", "editor", "marketing")
    second = reset_password(state_engine, "mei", **CLI)  # type: ignore[arg-type]
    assert second != first
    assert authenticate(state_engine, "mei", first) is None
    user = authenticate(state_engine, "mei", second)
    assert user is not None and user.must_change_password
    with pytest.raises(UserError, match="current password is wrong"):
        change_password(
            state_engine, "mei", "wrong", "a long new secret", origin=Origin.cli(), clock=NOW
        )
    with pytest.raises(UserError, match="at least 10"):
        change_password(state_engine, "mei", second, "short", origin=Origin.cli(), clock=NOW)
    with pytest.raises(UserError, match="must differ"):
        change_password(state_engine, "mei", second, second, origin=Origin.cli(), clock=NOW)
    change_password(
        state_engine, "mei", second, "a long new secret", origin=Origin.cli(), clock=NOW
    )
    user = authenticate(state_engine, "mei", "a long new secret")
    assert user is not None and not user.must_change_password


def test_every_change_is_audited_with_who_what_and_where(state_engine: Engine) -> None:
    add(state_engine, "mei", "editor", "marketing")
    set_role(state_engine, "mei", "editor", ["sales"], known_departments=DEPARTMENTS, **CLI)  # type: ignore[arg-type]
    reset_password(state_engine, "mei", **CLI)  # type: ignore[arg-type]
    set_disabled(state_engine, "mei", True, **CLI)  # type: ignore[arg-type]
    entries = read_audit(state_engine)
    assert [e.action for e in entries] == ["user_disable", "user_reset", "user_role", "user_add"]
    assert {(e.actor, e.target, e.via) for e in entries} == {("cli:test", "mei", "cli")}
    role = entries[2]
    assert role.detail == {
        "before": {"role": "editor", "departments": ["marketing"]},
        "after": {"role": "editor", "departments": ["sales"]},
    }
    assert all(e.at == NOW.now().replace(tzinfo=None) for e in entries)
    assert read_audit(state_engine, action="user_add")[0].detail["role"] == "editor"
