"""The state database migrates upward from empty, down to nothing and up again."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect

from ikkan.errors import ConfigError
from ikkan.state import Base, open_state, state_url
from ikkan.state.db import downgrade, upgrade


def test_upgrade_from_empty_creates_every_declared_table(state_db_url: str) -> None:
    engine = open_state(state_db_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(state_db_url: str) -> None:
    engine = open_state(state_db_url)
    try:
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_opening_twice_is_a_no_op(state_db_url: str) -> None:
    open_state(state_db_url).dispose()
    engine = open_state(state_db_url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_default_url_is_sqlite_in_the_project_and_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IKKAN_STATE_URL", raising=False)
    url = state_url(tmp_path)
    assert url == "sqlite:///" + str((tmp_path / ".ikkan" / "state.db").resolve())
    open_state(url).dispose()
    mode = stat.S_IMODE((tmp_path / ".ikkan" / "state.db").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides_the_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKKAN_STATE_URL", "postgresql+psycopg://u@h/db?schema=p1")
    assert state_url(tmp_path) == "postgresql+psycopg://u@h/db?schema=p1"


def test_unsupported_url_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        open_state("mysql://x@y/z")
    assert "IKKAN_STATE_URL" in (info.value.hint or "")


def test_schema_must_be_a_plain_name() -> None:
    with pytest.raises(ConfigError):
        open_state("postgresql://postgres@127.0.0.1:5432/test?schema=a;drop")
