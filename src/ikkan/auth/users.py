"""Users: add, list, disable/enable, reset, change role, sign in with a password.

Service functions over the state database. The caller has already been allowed by
``policy.decide`` (the web guard) or is the operator at the CLI, who can read the state
database anyway; ``actor`` names the caller in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth import audit
from ikkan.auth.keys import one_time_password
from ikkan.auth.models import SignInSession, User, UserDepartment
from ikkan.auth.passwords import check_new_password, hash_password, needs_rehash, verify_password
from ikkan.auth.timeutil import utc_now
from ikkan.clock import Clock
from ikkan.errors import UserError, did_you_mean, valid_values
from ikkan.state.policy import Actor, Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
FIRST_ADMIN = "admin"


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: Role
    departments: tuple[str, ...]
    disabled: bool
    must_change_password: bool
    created_at: datetime

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, frozenset(self.departments))


def info_of(user: User) -> UserInfo:
    return UserInfo(
        user.username,
        user.display_name,
        Role(user.role),
        tuple(user.department_names),
        user.disabled,
        user.must_change_password,
        user.created_at,
    )


def normal_username(username: str) -> str:
    """The stored form of a username (lower case), or a ``UserError`` naming the rule."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise UserError(
            f"'{username}' is not a valid username",
            hint="use 1–64 letters, digits and . _ @ -, starting with a letter or digit",
        )
    return name


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise UserError(
            f"unknown role '{role}'", hint=valid_values([r.value for r in Role])
        ) from None


def check_departments(
    role: Role, departments: Collection[str], known: Collection[str]
) -> tuple[str, ...]:
    """The departments, each one known to the project's spec; an editor needs at least one."""
    names = sorted({d.strip() for d in departments if d.strip()})
    for name in names:
        if name not in known:
            raise UserError(
                f"unknown department '{name}'",
                hint=did_you_mean(name, known) or valid_values(sorted(known)),
            )
    if role is Role.EDITOR and not names:
        raise UserError(
            "an editor needs at least one department (the departments whose nodes they edit)",
            hint="e.g. --department marketing; " + valid_values(sorted(known)),
        )
    return tuple(names)


def _find(session: Session, username: str) -> User:
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        known = session.scalars(select(User.username)).all()
        raise UserError(
            f"no user '{username}'",
            hint=did_you_mean(name, known) or "ikkan users list shows every user",
        )
    return user


def _enabled_admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.disabled.is_(False))
        )
        or 0
    )


def user_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def add_user(
    engine: Engine,
    *,
    username: str,
    role: str | Role,
    departments: Collection[str],
    known_departments: Collection[str],
    actor: str,
    origin: audit.Origin,
    clock: Clock,
    display_name: str = "",
    password: str | None = None,
) -> str:
    """Add a user; return their password. Without ``password`` a one-time password is made,
    which must be changed at the first sign-in."""
    name = normal_username(username)
    the_role = role if isinstance(role, Role) else parse_role(role)
    names = check_departments(the_role, departments, known_departments)
    if password is not None:
        check_new_password(password, username=name)
    secret = password if password is not None else one_time_password()
    now = utc_now(clock)
    with Session(engine) as session, session.begin():
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise UserError(f"user '{name}' already exists", hint="pick another username")
        session.add(
            User(
                username=name,
                display_name=display_name.strip() or name,
                role=the_role.value,
                password_hash=hash_password(secret),
                disabled=False,
                must_change_password=password is None,
                created_at=now,
                departments=[UserDepartment(department=d) for d in names],
            )
        )
        audit.record(
            session,
            actor=actor,
            action="user_add",
            target=name,
            origin=origin,
            clock=clock,
            detail={"role": the_role.value, "departments": list(names)},
        )
    return secret


def list_users(engine: Engine) -> list[UserInfo]:
    with Session(engine) as session:
        return [info_of(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(engine: Engine, username: str) -> UserInfo | None:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        return info_of(user) if user else None


def set_disabled(
    engine: Engine,
    username: str,
    disabled: bool,
    *,
    actor: str,
    origin: audit.Origin,
    clock: Clock,
) -> None:
    """Disable (sessions end, tokens stop working) or enable a user. The last enabled admin
    cannot be disabled: nobody could manage users any more."""
    with Session(engine) as session, session.begin():
        user = _find(session, username)
        if user.disabled == disabled:
            return
        if disabled and user.role == Role.ADMIN.value and _enabled_admins(session) <= 1:
            raise UserError(
                f"'{user.username}' is the last enabled admin and cannot be disabled",
                hint="make another user admin first",
            )
        user.disabled = disabled
        if disabled:
            session.execute(delete(SignInSession).where(SignInSession.user_id == user.id))
        audit.record(
            session,
            actor=actor,
            action="user_disable" if disabled else "user_enable",
            target=user.username,
            origin=origin,
            clock=clock,
        )


def set_role(
    engine: Engine,
    username: str,
    role: str | Role,
    departments: Collection[str] | None,
    *,
    known_departments: Collection[str],
    actor: str,
    origin: audit.Origin,
    clock: Clock,
) -> UserInfo:
    """Change a user's role and (when given) departments. The last enabled admin keeps the
    admin role."""
    the_role = role if isinstance(role, Role) else parse_role(role)
    with Session(engine) as session, session.begin():
        user = _find(session, username)
        wanted = user.department_names if departments is None else departments
        names = check_departments(the_role, wanted, known_departments)
        if (
            user.role == Role.ADMIN.value
            and the_role is not Role.ADMIN
            and not user.disabled
            and _enabled_admins(session) <= 1
        ):
            raise UserError(
                f"'{user.username}' is the last enabled admin and keeps the admin role",
                hint="make another user admin first",
            )
        before = {"role": user.role, "departments": user.department_names}
        user.role = the_role.value
        user.departments = [UserDepartment(department=d) for d in names]
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="user_role",
            target=user.username,
            origin=origin,
            clock=clock,
            detail={"before": before, "after": {"role": the_role.value, "departments": names}},
        )
        return info_of(user)


def reset_password(
    engine: Engine, username: str, *, actor: str, origin: audit.Origin, clock: Clock
) -> str:
    """A new one-time password (to be changed at the next sign-in); the user's sessions end."""
    secret = one_time_password()
    with Session(engine) as session, session.begin():
        user = _find(session, username)
        user.password_hash = hash_password(secret)
        user.must_change_password = True
        session.execute(delete(SignInSession).where(SignInSession.user_id == user.id))
        audit.record(
            session,
            actor=actor,
            action="user_reset",
            target=user.username,
            origin=origin,
            clock=clock,
        )
    return secret


def authenticate(engine: Engine, username: str, password: str) -> UserInfo | None:
    """The user when ``password`` is theirs and they are enabled, else ``None`` (the same
    answer, in about the same time, for an unknown user, a wrong password or a disabled user)."""
    name = username.strip().lower()
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.username == name))
        if not verify_password(user.password_hash if user else None, password):
            return None
        assert user is not None
        if user.disabled:
            return None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return info_of(user)


def change_password(
    engine: Engine,
    username: str,
    current: str,
    new: str,
    *,
    origin: audit.Origin,
    clock: Clock,
    keep_session: str | None = None,
) -> None:
    """Change one's own password (the current one is required); every other session of the
    user ends (``keep_session``: the digest of the session to keep)."""
    with Session(engine) as session, session.begin():
        user = _find(session, username)
        if not verify_password(user.password_hash, current):
            raise UserError("the current password is wrong")
        check_new_password(new, username=user.username)
        if verify_password(user.password_hash, new):
            raise UserError("the new password must differ from the current one")
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.password_changed_at = utc_now(clock)
        ends = delete(SignInSession).where(SignInSession.user_id == user.id)
        if keep_session is not None:
            ends = ends.where(SignInSession.id_hash != keep_session)
        session.execute(ends)
        audit.record(
            session,
            actor=user.username,
            action="password_change",
            target=user.username,
            origin=origin,
            clock=clock,
        )


def ensure_first_admin(engine: Engine, *, origin: audit.Origin, clock: Clock) -> str | None:
    """When no user exists, add ``admin`` with a one-time password and return it (print it
    once); otherwise ``None``."""
    if user_count(engine):
        return None
    try:
        return add_user(
            engine,
            username=FIRST_ADMIN,
            role=Role.ADMIN,
            departments=(),
            known_departments=(),
            actor="ikkan",
            origin=origin,
            clock=clock,
            display_name="Administrator",
        )
    except UserError:  # another process made the first admin a moment ago
        if user_count(engine):
            return None
        raise
