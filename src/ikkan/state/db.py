"""The state database: its URL, its declarative base, and migrating it to the newest revision.

- default: ``sqlite:///<project>/.ikkan/state.db`` (created with owner-only permissions);
- ``IKKAN_STATE_URL`` overrides it, e.g. ``postgresql+psycopg://user@host/db``; a PostgreSQL
  URL may name a schema with ``?schema=name`` (created when missing), so several projects or
  test runs share one database without seeing each other's rows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from ikkan.errors import ConfigError
from ikkan.warehouse.url import DEFAULT_DIR

STATE_URL_ENV = "IKKAN_STATE_URL"
STATE_FILE = "state.db"
MIGRATIONS = Path(__file__).with_name("migrations")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every state table (models live beside the feature that owns them)."""

    metadata = MetaData(naming_convention=NAMING)


def state_url(project_dir: Path) -> str:
    """``IKKAN_STATE_URL`` when set, else the SQLite file in the project's ``.ikkan/``."""
    configured = os.environ.get(STATE_URL_ENV, "").strip()
    if configured:
        return configured
    return "sqlite:///" + str((project_dir / DEFAULT_DIR / STATE_FILE).resolve())


def open_state(url: str) -> Engine:
    """An engine on the state database at ``url``, migrated to the newest revision."""
    engine = _create_engine(url)
    upgrade(engine)
    return engine


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Run the Alembic migrations up to ``revision`` on ``engine``."""
    with engine.begin() as connection:
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Run the Alembic migrations down to ``revision`` (tests and recovery only)."""
    with engine.begin() as connection:
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_engine(url: str) -> Engine:
    scheme = url.partition("://")[0]
    if scheme.startswith("sqlite"):
        return _sqlite_engine(url)
    if scheme.startswith("postgresql") or scheme.startswith("postgres"):
        return _postgres_engine(url)
    raise ConfigError(
        f"unsupported state database URL {url!r}",
        hint=f"leave {STATE_URL_ENV} unset for SQLite in .ikkan/, or use "
        "postgresql+psycopg://user@host:port/db?schema=name",
    )


def _sqlite_engine(url: str) -> Engine:
    path = url.partition(":///")[2]
    if path and path != ":memory:":
        folder = Path(path).parent
        folder.mkdir(parents=True, exist_ok=True)
        Path(path).touch(exist_ok=True)
        os.chmod(path, 0o600)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()

    return engine


def _postgres_engine(url: str) -> Engine:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("schema", None)
    scheme = "postgresql+psycopg" if parts.scheme in ("postgresql", "postgres") else parts.scheme
    plain = urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    if schema is None:
        return create_engine(plain)
    if not schema.replace("_", "").isalnum():
        raise ConfigError(
            f"state database schema {schema!r} is not a plain name",
            hint="use letters, digits and underscores",
        )
    engine = create_engine(plain)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    engine.dispose()
    return engine
