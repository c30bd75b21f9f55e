"""A small demo project (template tree + generated exports) ingested once per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ikkan.clock import FixedClock
from ikkan.demo import DemoManifest, generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace

NOW = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 2026-11-20 12:00 JST


@dataclass
class DemoProject:
    root: Path
    manifest: DemoManifest
    first_ingest: list  # type: ignore[type-arg]

    def open(self) -> Workspace:
        return Workspace.open(self.root, clock=NOW)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> DemoProject:
    root = tmp_path_factory.mktemp("demo")
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    manifest = generate_exports(root / "exports", leads=2000, seed=7)
    ws = Workspace.open(root, clock=NOW)
    outcomes = ws.ingest()
    ws.refresh()
    return DemoProject(root, manifest, outcomes)
