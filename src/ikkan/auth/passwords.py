"""Passwords: argon2id hashes and the one rule a new password must meet.

Parameters: OWASP's password-storage recommendation for argon2id (19 MiB, 2 iterations, 1
lane), about 0.1 s per sign-in on one core; a hash made with other parameters is re-hashed at
the next successful sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ikkan.errors import UserError

MIN_LENGTH = 10
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)  # argon2id
# A verify against this keeps an unknown username as slow as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``None`` (no such user) is checked against a dummy hash so
    the answer takes as long either way."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def check_new_password(password: str, *, username: str) -> None:
    """Raise a ``UserError`` when ``password`` is too weak to keep."""
    if len(password) < MIN_LENGTH:
        raise UserError(
            f"the password is {len(password)} characters long; at least {MIN_LENGTH} are needed",
            hint="a few unrelated words make a long password that is easy to remember",
        )
    if password.strip().lower() == username.strip().lower():
        raise UserError("the password must not be the username")
