"""Sessions (rotation, expiry, ending) and API tokens (shown once, stored hashed, revocable,
expiring, last use), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth.audit import Origin, read_audit
from ikkan.auth.keys import digest
from ikkan.auth.models import ApiToken, SignInSession
from ikkan.auth.sessions import end_session, find_session, start_session
from ikkan.auth.tokens import create_token, list_tokens, revoke_token, token_user
from ikkan.auth.users import add_user, authenticate, change_password, reset_password, set_disabled
from ikkan.clock import FixedClock
from ikkan.errors import UserError
from tests.auth.conftest import NOW

WEB = Origin("web", "127.0.0.1", "pytest")
CLI = {"actor": "cli:test", "origin": Origin.cli(), "clock": NOW}


def later(clock: FixedClock, **delta: float) -> FixedClock:
    return replace(clock, at=clock.at + timedelta(**delta))


@pytest.fixture
def mei(state_engine: Engine) -> str:
    return add_user(
        state_engine,
        username="mei",
        role="editor",
        departments=["marketing"],
        known_departments={"marketing"},
        password="correct horse battery",
        **CLI,  # type: ignore[arg-type]
    )


def sign_in(engine: Engine, password: str, replaces: str | None = None) -> str:
    user = authenticate(engine, "mei", password)
    assert user is not None
    return start_session(engine, user, origin=WEB, clock=NOW, replaces=replaces)


def test_session_ids_are_stored_hashed_and_rotate_at_sign_in(
    state_engine: Engine, mei: str
) -> None:
    first = sign_in(state_engine, mei)
    found = find_session(state_engine, first, clock=NOW)
    assert found is not None and found.user.username == "mei"
    with Session(state_engine) as session:
        stored = session.scalars(select(SignInSession.id_hash)).all()
    assert stored == [digest(first)] and first not in stored
    second = sign_in(state_engine, mei, replaces=first)
    assert second != first
    assert find_session(state_engine, first, clock=NOW) is None  # the old id is worthless
    assert find_session(state_engine, second, clock=NOW) is not None
    assert read_audit(state_engine, action="sign_in")[0].ip == "127.0.0.1"


def test_sessions_expire_and_end(state_engine: Engine, mei: str) -> None:
    raw = sign_in(state_engine, mei)
    assert find_session(state_engine, raw, clock=later(NOW, hours=11, minutes=59)) is not None
    assert find_session(state_engine, raw, clock=later(NOW, hours=12)) is None
    end_session(state_engine, raw, origin=WEB, clock=NOW)
    assert find_session(state_engine, raw, clock=NOW) is None
    assert read_audit(state_engine)[0].action == "sign_out"


def test_disable_reset_and_password_change_end_sessions(state_engine: Engine, mei: str) -> None:
    raw = sign_in(state_engine, mei)
    set_disabled(state_engine, "mei", True, **CLI)  # type: ignore[arg-type]
    assert find_session(state_engine, raw, clock=NOW) is None
    set_disabled(state_engine, "mei", False, **CLI)  # type: ignore[arg-type]
    assert find_session(state_engine, raw, clock=NOW) is None  # deleted, not just hidden

    one = sign_in(state_engine, mei)
    two = sign_in(state_engine, mei)
    kept = find_session(state_engine, two, clock=NOW)
    assert kept is not None
    change_password(
        state_engine,
        "mei",
        mei,
        "another long secret",
        origin=WEB,
        clock=NOW,
        keep_session=kept.id_hash,
    )
    assert find_session(state_engine, one, clock=NOW) is None
    assert find_session(state_engine, two, clock=NOW) is not None
    password = reset_password(state_engine, "mei", **CLI)  # type: ignore[arg-type]
    assert find_session(state_engine, two, clock=NOW) is None
    assert password


def test_token_is_shown_once_stored_hashed_and_acts_for_its_user(
    state_engine: Engine, mei: str
) -> None:
    info, raw = create_token(state_engine, "mei", "nightly import", **CLI)  # type: ignore[arg-type]
    assert raw.startswith("ikk_") and len(raw) > 40
    with Session(state_engine) as session:
        (row,) = session.scalars(select(ApiToken)).all()
        assert row.token_hash == digest(raw) and raw not in (row.token_hash, row.prefix)
    assert info.prefix == raw[:8] and info.last_used_at is None
    user = token_user(state_engine, raw, clock=NOW)
    assert user is not None and user.actor.departments == frozenset({"marketing"})
    (listed,) = list_tokens(state_engine, "mei")
    assert listed.last_used_at == NOW.now().replace(tzinfo=None)
    assert token_user(state_engine, raw + "x", clock=NOW) is None
    assert token_user(state_engine, "not-a-token", clock=NOW) is None


def test_revoked_expired_and_disabled_tokens_stop_working(state_engine: Engine, mei: str) -> None:
    _, revoked = create_token(state_engine, "mei", "a", **CLI)  # type: ignore[arg-type]
    info, _ = create_token(state_engine, "mei", "b", expires_in_days=30, **CLI)  # type: ignore[arg-type]
    _, expiring = create_token(state_engine, "mei", "c", expires_in_days=1, **CLI)  # type: ignore[arg-type]
    first = list_tokens(state_engine)[-1]
    revoke_token(state_engine, first.id, **CLI)  # type: ignore[arg-type]
    assert token_user(state_engine, revoked, clock=NOW) is None
    assert token_user(state_engine, expiring, clock=NOW) is not None
    assert token_user(state_engine, expiring, clock=later(NOW, days=1)) is None
    set_disabled(state_engine, "mei", True, **CLI)  # type: ignore[arg-type]
    assert token_user(state_engine, expiring, clock=NOW) is None  # its user is disabled
    assert info.expires_at is not None
    with pytest.raises(UserError, match="disabled"):
        create_token(state_engine, "mei", "d", **CLI)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="no token 999"):
        revoke_token(state_engine, 999, **CLI)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="no token"):
        revoke_token(state_engine, info.id, owner="someone-else", **CLI)  # type: ignore[arg-type]
    assert [e.action for e in read_audit(state_engine, action="token_revoke")] == ["token_revoke"]
