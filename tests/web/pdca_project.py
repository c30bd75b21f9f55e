"""A demo project with three fiscal years of data (FY2024 …), enough history for the
seasonal effect range, ingested and refreshed once per session; tests copy it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace
from tests.web.conftest import NOW, add_users


@pytest.fixture(scope="session")
def pdca_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("IKKAN_STATE_URL"):
        pytest.fail("unset IKKAN_STATE_URL: these tests keep their state in the project")
    root = tmp_path_factory.mktemp("pdca-web")
    (root / "ikkan.yml").write_text(template_text("ja"), encoding="utf-8")
    generate_exports(root / "exports", leads=2000, seed=7, start_fy=2024, fiscal_years=3)
    ws = Workspace.open(root, clock=NOW)
    ws.ingest()
    ws.refresh()
    add_users(root)  # aiko admin, mei marketing, ken sales + inside_sales, yui viewer
    return root


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
