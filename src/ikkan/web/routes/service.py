"""Service endpoints (not pages)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

from ikkan.web.auth.rules import public
from ikkan.web.context import store_of


def register_service(app: FastAPI) -> None:
    @app.get("/api/health/ready", tags=["service"], dependencies=[public])
    def ready(request: Request) -> dict[str, Any]:
        """Liveness: the snapshot's data version and whether a writer holds the warehouse
        (open without sign-in, for health checks)."""
        store = store_of(request)
        snap = store.current()
        return {"ok": True, "busy": store.busy, "snapshot": snap.taken_at.isoformat()}
