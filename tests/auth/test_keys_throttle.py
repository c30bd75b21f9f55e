"""The signing key (environment or a 0600 file in .ikkan/), one-time passwords, throttling."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ikkan.auth.keys import PASSWORD_ALPHABET, one_time_password, secret_key
from ikkan.auth.throttle import SignInThrottle
from ikkan.errors import ConfigError

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def test_secret_key_is_generated_once_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IKKAN_SECRET_KEY", raising=False)
    key = secret_key(tmp_path / ".ikkan")
    path = tmp_path / ".ikkan" / "secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64 and secret_key(tmp_path / ".ikkan") == key
    path.chmod(0o644)
    assert secret_key(tmp_path / ".ikkan") == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_secret_key_from_the_environment_must_be_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IKKAN_SECRET_KEY", "x" * 40)
    assert secret_key(tmp_path) == "x" * 40
    assert not (tmp_path / "secret").exists()
    monkeypatch.setenv("IKKAN_SECRET_KEY", "short")
    with pytest.raises(ConfigError) as info:
        secret_key(tmp_path)
    assert "IKKAN_SECRET_KEY" in info.value.message and "secrets.token_hex" in (
        info.value.hint or ""
    )


def test_one_time_passwords_are_random_and_unambiguous() -> None:
    made = {one_time_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 16 and set(p) <= set(PASSWORD_ALPHABET) for p in made)
    assert not set("0O1lI") & set(PASSWORD_ALPHABET)


def test_throttle_locks_a_username_and_address_pair_after_five_failures() -> None:
    throttle = SignInThrottle()
    for i in range(4):
        throttle.failed("mei", "10.0.0.1", T0 + timedelta(seconds=i))
        assert throttle.wait("mei", "10.0.0.1", T0 + timedelta(seconds=i)) is None
    throttle.failed("MEI", "10.0.0.1", T0 + timedelta(seconds=5))
    wait = throttle.wait("mei", "10.0.0.1", T0 + timedelta(seconds=5))
    assert wait == timedelta(minutes=15)
    assert throttle.wait("mei", "10.0.0.2", T0) is None  # another address
    assert throttle.wait("ken", "10.0.0.1", T0) is None  # another user
    assert throttle.wait("mei", "10.0.0.1", T0 + timedelta(minutes=15, seconds=5)) is None


def test_failures_outside_the_window_do_not_add_up_and_success_clears() -> None:
    throttle = SignInThrottle()
    for i in range(4):
        throttle.failed("mei", "ip", T0 + timedelta(minutes=10 * i))
    assert throttle.wait("mei", "ip", T0 + timedelta(minutes=31)) is None
    for _ in range(4):
        throttle.failed("ken", "ip", T0)
    throttle.succeeded("ken", "ip")
    throttle.failed("ken", "ip", T0)
    assert throttle.wait("ken", "ip", T0) is None
