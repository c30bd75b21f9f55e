"""Write a published scoring rule set back into ``ikkan.yml`` (the /scoring page publishes
from the browser; ikkan.yml stays the one source of truth, so git shows the change).

Only the top-level ``scoring:`` block is replaced (comments inside it are not kept); the
rest of the file is left byte for byte (``project.yaml_blocks``). Without a ``scoring:``
block one is appended.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ikkan.model.scoring import ScoringSpec
from ikkan.project.yaml_blocks import read_text, replace_top_block, write_text


def scoring_block(spec: ScoringSpec) -> str:
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    body = yaml.safe_dump(
        {"scoring": data}, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    return body


def replace_scoring(text: str, spec: ScoringSpec) -> str:
    """``text`` (an ikkan.yml) with its ``scoring:`` block replaced by ``spec``."""
    return replace_top_block(text, "scoring", scoring_block(spec))


def write_scoring(path: Path, spec: ScoringSpec) -> str:
    """Replace the block in the file; returns the file's previous text (to restore)."""
    return write_text(path, replace_scoring(read_text(path), spec))
