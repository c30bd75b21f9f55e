"""A docs test: every CLI command and every spec key is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main
from pydantic import BaseModel

from ikkan.cli.main import app
from ikkan.model.spec import (
    CalendarSpec,
    CompanySpec,
    FunnelSpec,
    MeasureSpec,
    NodeSpec,
    PlanSpec,
    ProjectSpec,
)

REPO = Path(__file__).resolve().parents[2]


def _docs_text() -> str:
    parts = [(REPO / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md"))]
    return "\n".join(parts)


def test_every_command_is_documented() -> None:
    text = _docs_text()
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    missing = [name for name in commands if f"ikkan {name}" not in text]
    assert commands and not missing, f"undocumented commands: {missing}"


def test_every_spec_key_is_documented() -> None:
    spec_doc = (REPO / "docs" / "spec.md").read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [
        ProjectSpec,
        NodeSpec,
        CompanySpec,
        FunnelSpec,
        PlanSpec,
        CalendarSpec,
        MeasureSpec,
    ]
    missing = [
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if f"`{name}`" not in spec_doc
    ]
    assert not missing, f"keys missing from docs/spec.md: {missing}"
