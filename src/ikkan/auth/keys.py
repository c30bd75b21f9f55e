"""Random secrets and their digests, the one-time password, and the server's signing key.

Session ids and API tokens have 256 bits of randomness, so a SHA-256 digest is enough to store
them (a database leak reveals no usable secret); passwords, chosen by people, get argon2id
(``passwords.py``). The signing key of cookies comes from ``IKKAN_SECRET_KEY`` or is generated
once into the project's ``.ikkan/secret`` with owner-only permissions.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from ikkan.errors import ConfigError

SECRET_KEY_ENV = "IKKAN_SECRET_KEY"  # noqa: S105 - a variable name
SECRET_FILE = "secret"  # noqa: S105 - a file name
TOKEN_PREFIX = "ikk_"  # noqa: S105 - a prefix
MIN_SECRET_LENGTH = 32
# No 0/O, 1/l/I: a one-time password is read off a terminal and typed by hand.
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def random_id() -> str:
    """A fresh 256-bit URL-safe secret (a session id)."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A fresh API token: ``ikk_`` and 256 bits, so it is recognisable in a leaked file."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def one_time_password(length: int = 16) -> str:
    """A random password for a new or reset account (about 94 bits at 16 characters)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a session id or API token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def sign(key: str, message: str) -> str:
    """HMAC-SHA256 of ``message`` (a CSRF token is the HMAC of its session's id)."""
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def secret_key(state_dir: Path) -> str:
    """``IKKAN_SECRET_KEY`` when set (at least 32 characters), else the key in
    ``<state_dir>/secret``, generated with mode 0600 on first use."""
    configured = os.environ.get(SECRET_KEY_ENV, "").strip()
    if configured:
        if len(configured) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"{SECRET_KEY_ENV} is {len(configured)} characters long; at least "
                f"{MIN_SECRET_LENGTH} are needed",
                hint='generate one with: python -c "import secrets; print(secrets.token_hex(32))"',
            )
        return configured
    path = state_dir / SECRET_FILE
    if path.exists():
        mode = path.stat().st_mode & 0o077
        if mode:
            os.chmod(path, 0o600)  # tighten a copy that lost its permissions
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            return key
        raise ConfigError(
            f"{path} holds a key shorter than {MIN_SECRET_LENGTH} characters",
            hint="delete the file (everyone signs in again) or set " + SECRET_KEY_ENV,
        )
    state_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key
