"""API tokens for scripts: named, acting for their user with the user's role, shown once,
stored as a SHA-256 digest, revocable, optionally expiring, with the time of last use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth import audit
from ikkan.auth.keys import TOKEN_PREFIX, digest, new_api_token
from ikkan.auth.models import ApiToken, User
from ikkan.auth.timeutil import utc_now
from ikkan.auth.users import UserInfo, _find, info_of
from ikkan.clock import Clock
from ikkan.errors import UserError

LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        token.id,
        token.user.username,
        token.name,
        token.prefix,
        token.created_at,
        token.expires_at,
        token.last_used_at,
        token.revoked_at,
    )


def create_token(
    engine: Engine,
    username: str,
    name: str,
    *,
    actor: str,
    origin: audit.Origin,
    clock: Clock,
    expires_in_days: int | None = None,
) -> tuple[TokenInfo, str]:
    """A new token for ``username``; the second value is the token itself, shown only now."""
    label = name.strip()
    if not label or len(label) > 100:
        raise UserError("a token needs a name of 1–100 characters", hint="e.g. nightly-import")
    if expires_in_days is not None and expires_in_days <= 0:
        raise UserError("a token's lifetime must be a positive number of days")
    raw = new_api_token()
    now = utc_now(clock)
    with Session(engine) as session, session.begin():
        user = _find(session, username)
        if user.disabled:
            raise UserError(f"'{user.username}' is disabled", hint="enable the user first")
        token = ApiToken(
            user_id=user.id,
            name=label,
            token_hash=digest(raw),
            prefix=raw[: len(TOKEN_PREFIX) + 4],
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        session.add(token)
        session.flush()
        token.user = user
        audit.record(
            session,
            actor=actor,
            action="token_create",
            target=f"{user.username}/{label}",
            origin=origin,
            clock=clock,
            detail={"token_id": token.id, "expires_at": token.expires_at},
        )
        return _info(token), raw


def list_tokens(engine: Engine, username: str | None = None) -> list[TokenInfo]:
    """Every token (or one user's), revoked ones included, newest first."""
    query = select(ApiToken).join(User).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if username is not None:
        query = query.where(User.username == username.strip().lower())
    with Session(engine) as session:
        return [_info(t) for t in session.scalars(query)]


def revoke_token(
    engine: Engine,
    token_id: int,
    *,
    actor: str,
    origin: audit.Origin,
    clock: Clock,
    owner: str | None = None,
) -> TokenInfo:
    """Revoke a token (it stops working at once). ``owner``: only a token of this user."""
    with Session(engine) as session, session.begin():
        token = session.get(ApiToken, token_id)
        if token is None or (owner is not None and token.user.username != owner):
            raise UserError(f"no token {token_id}", hint="ikkan tokens list shows the ids")
        if token.revoked_at is None:
            token.revoked_at = utc_now(clock)
            audit.record(
                session,
                actor=actor,
                action="token_revoke",
                target=f"{token.user.username}/{token.name}",
                origin=origin,
                clock=clock,
                detail={"token_id": token.id},
            )
        return _info(token)


def token_user(engine: Engine, raw: str, *, clock: Clock) -> UserInfo | None:
    """The enabled user a live token acts for, or ``None``; notes the time of use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = utc_now(clock)
    with Session(engine) as session, session.begin():
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
        if token is None or token.revoked_at is not None or token.user.disabled:
            return None
        if token.expires_at is not None and token.expires_at <= now:
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            token.last_used_at = now
        return info_of(token.user)
