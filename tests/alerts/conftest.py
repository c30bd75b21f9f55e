"""A small demo project (template tree with its default alert rules, generated exports),
ingested and refreshed once per session on a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ikkan.clock import FixedClock
from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace

INGESTED_AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 2026-11-20 12:00 JST


@dataclass
class AlertDemo:
    root: Path
    imported_at: datetime  # the last import's finish, zone-aware (ingest stamps wall time)

    def open(self, at: datetime = INGESTED_AT) -> Workspace:
        return Workspace.open(self.root, clock=FixedClock(at))


@pytest.fixture(scope="session")
def alert_demo(tmp_path_factory: pytest.TempPathFactory) -> AlertDemo:
    root = tmp_path_factory.mktemp("alert-demo")
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    generate_exports(root / "exports", leads=2000, seed=7)
    ws = Workspace.open(root, clock=FixedClock(INGESTED_AT))
    ws.ingest()
    ws.refresh()
    last = ws.warehouse().query("SELECT max(finished_at) AS t FROM import_log").to_pylist()[0]
    return AlertDemo(root, last["t"].replace(tzinfo=ZoneInfo("Asia/Tokyo")))
