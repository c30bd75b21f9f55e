"""Spreadsheet formula injection guard (OWASP CSV injection) for every text we export."""

from __future__ import annotations

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show, never run: a leading ' defuses formulas."""
    if value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def safe_cell(value: object) -> object:
    return safe_text(value) if isinstance(value, str) else value
