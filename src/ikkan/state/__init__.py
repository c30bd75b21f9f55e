"""Application state: users, sessions, tokens, target revisions, the PDCA log, the audit log.

Kept apart from the analytical warehouse (DESIGN.md): SQLite in the project's ``.ikkan/`` by
default, PostgreSQL for teams (``IKKAN_STATE_URL``), through SQLAlchemy with Alembic
migrations. ``open_state`` is the one way in; it brings the database up to the newest revision.
"""

from ikkan.state.db import STATE_URL_ENV, Base, open_state, state_url, upgrade

__all__ = ["STATE_URL_ENV", "Base", "open_state", "state_url", "upgrade"]
