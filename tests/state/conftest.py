"""State database fixtures: a fresh SQLite file, or a fresh schema on the PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_schema_url() -> Iterator[str]:
    try:
        admin = create_engine(PG_URL)
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is not reachable in CI (tests never skip there): {exc}")
        pytest.skip(f"PostgreSQL is not reachable (outside CI only): {exc}")
    schema = f"ikkan_state_{uuid.uuid4().hex[:12]}"
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty state database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / ".ikkan" / "state.db")
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def state_engine(state_db_url: str) -> Iterator[Engine]:
    """A state database migrated to the newest revision."""
    from ikkan.state import open_state

    engine = open_state(state_db_url)
    yield engine
    engine.dispose()
