"""Revision 0002 (identity) upward from empty on SQLite and PostgreSQL, and the migrations
match the declared tables exactly (Alembic's autogenerate finds nothing to add)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from ikkan.state import Base
from ikkan.state.db import downgrade, upgrade


def test_identity_tables_exist_after_upgrade(state_engine: Engine) -> None:
    tables = set(inspect(state_engine).get_table_names())
    assert {"users", "user_departments", "sessions", "api_tokens", "audit_log"} <= tables


def test_migrations_match_the_models(state_engine: Engine) -> None:
    with state_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_identity_downgrades_to_0001_and_up(state_engine: Engine) -> None:
    downgrade(state_engine, "0001")
    assert "users" not in inspect(state_engine).get_table_names()
    upgrade(state_engine, "0002")
    assert "users" in inspect(state_engine).get_table_names()
