"""Identity-store fixtures: the state database on SQLite and PostgreSQL (tests/state)."""

from __future__ import annotations

from datetime import UTC, datetime

from ikkan.clock import FixedClock
from tests.state.conftest import state_db_url, state_engine

__all__ = ["NOW", "state_db_url", "state_engine"]

NOW = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 2026-11-20 12:00 JST
