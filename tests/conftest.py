"""Shared fixtures: project folders written from YAML text, the PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATASETS = SHARED / "datasets"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite tests/snapshots/<test>/<dialect>.sql from the current compiler",
    )


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[..., Path]:
    """Write ``ikkan.yml`` (and extra files) into a fresh folder; return the folder."""

    def write(text: str, **extra: str) -> Path:
        folder = tmp_path / "project"
        folder.mkdir(exist_ok=True)
        (folder / "ikkan.yml").write_text(text, encoding="utf-8")
        for name, body in extra.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        return folder

    return write


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
