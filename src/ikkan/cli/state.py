"""Options given before the command (``ikkan --project DIR --debug plan``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliState:
    project: Path = Path(".")
    debug: bool = False


STATE = CliState()
