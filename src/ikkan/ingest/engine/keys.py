"""The stable key of an aggregate row (spend, web traffic, generic rows without an id)."""

from __future__ import annotations

import hashlib


def stable_key(*parts: object) -> str:
    """sha1 of the identifying columns of an aggregate row (None and '' differ from text)."""
    text = "\x1f".join("\x00" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
