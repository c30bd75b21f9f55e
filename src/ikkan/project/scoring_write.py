"""Write a published scoring rule set back into ``ikkan.yml`` (the /scoring page publishes
from the browser; ikkan.yml stays the one source of truth, so git shows the change).

Only the top-level ``scoring:`` block is replaced (comments inside it are not kept); the
rest of the file is left byte for byte. Without a ``scoring:`` block one is appended.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ikkan.model.scoring import ScoringSpec

TOP_KEY = re.compile(r"^[^\s#]")
SCORING_KEY = re.compile(r"^scoring\s*:")


def scoring_block(spec: ScoringSpec) -> str:
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    body = yaml.safe_dump(
        {"scoring": data}, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    return body


def replace_scoring(text: str, spec: ScoringSpec) -> str:
    """``text`` (an ikkan.yml) with its ``scoring:`` block replaced by ``spec``."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if SCORING_KEY.match(line)), None)
    block = scoring_block(spec)
    if start is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + block
    end = next((i for i in range(start + 1, len(lines)) if TOP_KEY.match(lines[i])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"):
        end -= 1  # blank lines and comments before the next key belong to it
    return "".join(lines[:start]) + block + "".join(lines[end:])


def write_scoring(path: Path, spec: ScoringSpec) -> str:
    """Replace the block in the file; returns the file's previous text (to restore)."""
    before = path.read_text(encoding="utf-8")
    path.write_text(replace_scoring(before, spec), encoding="utf-8")
    return before
