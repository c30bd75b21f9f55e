"""One engine per state database URL in this process, migrated once (opening runs Alembic,
which is too slow to repeat for every page)."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            from ikkan.state import open_state

            engine = _ENGINES[url] = open_state(url)
        return engine


def forget(url: str | None = None) -> None:
    """Dispose of the cached engines (tests that drop a database)."""
    with _LOCK:
        for key in [url] if url else list(_ENGINES):
            engine = _ENGINES.pop(key, None)
            if engine is not None:
                engine.dispose()
