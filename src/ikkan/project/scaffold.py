"""``ikkan init``: write a new project folder from the bundled template."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal

from ikkan.errors import UserError

DEMO_LEADS = 9_200  # FY2026 leads on the template plan (6,000 a year), FY2025 a little below
GITIGNORE = "# ikkan's local warehouse and state\n.ikkan/\n"


def template_text(lang: Literal["ja", "en"]) -> str:
    return (resources.files("ikkan.project") / "templates" / f"ikkan.{lang}.yml").read_text(
        encoding="utf-8"
    )


def create_project(
    directory: Path,
    lang: Literal["ja", "en"],
    *,
    force: bool = False,
    demo: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    target = directory / "ikkan.yml"
    if target.exists() and not force:
        raise UserError(
            f"{target} already exists",
            hint="choose another folder, or pass --force to overwrite it",
        )
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(template_text(lang), encoding="utf-8")
    written = [target]
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
        written.append(ignore)
    if demo:
        from ikkan.demo import generate_exports

        generate_exports(directory / "exports", leads=DEMO_LEADS, progress=progress)
        written.append(directory / "exports")
    written += source_folders(directory)
    return written


def source_folders(directory: Path) -> list[Path]:
    """Create the folders the new project's sources read (``exports/``, ``calls/``), so that
    ``ikkan ingest`` finds them, empty, until exports are put there."""
    from ikkan.project.loader import load_project

    spec = load_project(directory).spec
    made = []
    for source in spec.sources.values() if spec is not None else ():
        folder = directory / source.path
        if not folder.suffix and not folder.exists():
            folder.mkdir(parents=True)
            made.append(folder)
    return made
