"""Server-side sign-in sessions: the browser holds a random id (in a signed cookie), the
database its SHA-256 digest, the user and an absolute expiry. Signing in always makes a new id
(rotation) and ends the session the browser came with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth import audit
from ikkan.auth.keys import digest, random_id
from ikkan.auth.models import SignInSession, User
from ikkan.auth.timeutil import utc_now
from ikkan.auth.users import UserInfo, info_of
from ikkan.clock import Clock

LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class ActiveSession:
    id_hash: str
    user: UserInfo


def start_session(
    engine: Engine,
    user: UserInfo,
    *,
    origin: audit.Origin,
    clock: Clock,
    replaces: str | None = None,
    lifetime: timedelta = LIFETIME,
) -> str:
    """Open a session for ``user`` (just authenticated) and return its id for the cookie. The
    session the browser came with (``replaces``, a raw id) ends, as do the user's expired ones."""
    raw = random_id()
    now = utc_now(clock)
    with Session(engine) as session, session.begin():
        user_id = session.scalar(select(User.id).where(User.username == user.username))
        assert user_id is not None
        if replaces:
            session.execute(delete(SignInSession).where(SignInSession.id_hash == digest(replaces)))
        session.execute(
            delete(SignInSession).where(
                SignInSession.user_id == user_id, SignInSession.expires_at <= now
            )
        )
        session.add(
            SignInSession(
                id_hash=digest(raw),
                user_id=user_id,
                created_at=now,
                expires_at=now + lifetime,
                ip=origin.ip[:64],
                user_agent=origin.user_agent[:300],
            )
        )
        audit.record(
            session,
            actor=user.username,
            action="sign_in",
            target=user.username,
            origin=origin,
            clock=clock,
        )
    return raw


def find_session(engine: Engine, raw: str, *, clock: Clock) -> ActiveSession | None:
    """The live session with id ``raw`` and its enabled user, or ``None``."""
    with Session(engine) as session:
        row = session.execute(
            select(SignInSession, User)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.id_hash == digest(raw))
        ).first()
        if row is None:
            return None
        signed_in, user = row
        if signed_in.expires_at <= utc_now(clock) or user.disabled:
            return None
        return ActiveSession(signed_in.id_hash, info_of(user))


def end_session(engine: Engine, raw: str, *, origin: audit.Origin, clock: Clock) -> None:
    """Sign out: the session is deleted (its cookie is worthless from now on)."""
    with Session(engine) as session, session.begin():
        row = session.execute(
            select(SignInSession, User.username)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.id_hash == digest(raw))
        ).first()
        if row is None:
            return
        session.delete(row[0])
        audit.record(
            session, actor=row[1], action="sign_out", target=row[1], origin=origin, clock=clock
        )
