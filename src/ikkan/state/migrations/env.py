"""Alembic environment: migrations run on the connection ``ikkan.state.db.upgrade`` passes in."""

from alembic import context

import ikkan.state.models  # noqa: F401  (every table registers on Base.metadata)
from ikkan.state.db import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
