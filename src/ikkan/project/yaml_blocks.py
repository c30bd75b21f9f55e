"""Rewrite one block of ``ikkan.yml`` and leave the rest of the file byte for byte.

The web pages that edit the spec (/scoring publishes ``scoring:``, /alerts saves one rule
under ``alerts:``) write ikkan.yml, the one source of truth, so that git shows the change.
Only the lines of the block are replaced (comments inside it are not kept); blank lines and
comments just before the next key belong to that key and stay. Callers keep the text
``write_text`` returns and write it back when anything after the write fails.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from ikkan.errors import UserError

TOP_KEY = re.compile(r"^[^\s#]")


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def block_span(lines: list[str], key: str, lo: int, hi: int, indent: int) -> tuple[int, int] | None:
    """Lines ``[start, end)`` of ``key:`` written at ``indent`` within ``lines[lo:hi]``:
    its line and the deeper lines after it (trailing blanks and comments excluded)."""
    pattern = re.compile(r"^" + " " * indent + re.escape(key) + r"\s*:(\s|$)")
    start = next((i for i in range(lo, hi) if pattern.match(lines[i])), None)
    if start is None:
        return None
    ends = (i for i in range(start + 1, hi) if not _is_filler(lines[i]))
    end = next((i for i in ends if _indent(lines[i]) <= indent), hi)
    while end > start + 1 and _is_filler(lines[end - 1]):
        end -= 1  # blank lines and comments before the next key belong to it
    return start, end


def replace_top_block(text: str, key: str, block: str) -> str:
    """``text`` with its top-level ``key:`` block replaced by ``block`` (YAML text starting
    with ``key:``), or ``block`` appended when there is none."""
    lines = text.splitlines(keepends=True)
    span = block_span(lines, key, 0, len(lines), 0)
    if span is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + block
    start, end = span
    return "".join(lines[:start]) + block + "".join(lines[end:])


def set_entry(text: str, parent: str, key: str, body: str | None) -> str:
    """``text`` with ``parent.key`` (an entry of a top-level block mapping such as
    ``alerts:``) replaced by ``body`` (the entry's YAML, without its key), added at the end
    of the block when it is new, or removed when ``body`` is None. Every other line stays."""
    lines = text.splitlines(keepends=True)
    span = block_span(lines, parent, 0, len(lines), 0)
    if span is None:
        if body is None:
            return text
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + f"{parent}:\n" + _entry(key, body, 2)
    start, end = span
    inline = lines[start].split(":", 1)[1].split(" #", 1)[0].strip()
    if inline not in ("", "{}", "null", "~"):
        raise UserError(
            f"ikkan.yml writes '{parent}:' in flow style on one line; cannot edit one entry",
            hint=f"write '{parent}:' as a block (one entry per line) and try again",
        )
    if inline:  # `alerts: {}` becomes a block
        lines[start] = f"{parent}:\n"
    first = next((i for i in range(start + 1, end) if not _is_filler(lines[i])), None)
    indent = _indent(lines[first]) if first is not None else 2
    entry = block_span(lines, key, start + 1, end, indent)
    if entry is None:
        if body is None:
            return "".join(lines)
        insert = end
        if insert > 0 and not lines[insert - 1].endswith("\n"):
            lines[insert - 1] += "\n"
        return "".join(lines[:insert]) + _entry(key, body, indent) + "".join(lines[insert:])
    lo, hi = entry
    new = "" if body is None else _entry(key, body, indent)
    return "".join(lines[:lo]) + new + "".join(lines[hi:])


def _entry(key: str, body: str, indent: int) -> str:
    pad = " " * indent
    inner = " " * (indent + 2)
    rows = [inner + row if row.strip() else "" for row in body.rstrip().splitlines()]
    return f"{pad}{key}:\n" + "\n".join(rows) + "\n"


def write_text(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` atomically; returns the file's previous text (to restore).

    The text goes to a temporary file beside ``path`` (same permissions), flushed to disk,
    then ``os.replace`` swaps it in: a reader (``ikkan serve``, a refresh) sees the old file
    or the new one, never half of it, and a crash mid-write leaves the old file whole."""
    before = path.read_bytes().decode("utf-8")  # bytes: CRLF files keep their line ends
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return before


def read_text(path: Path) -> str:
    """The file as written (line ends kept), for ``set_entry`` / ``replace_top_block``."""
    return path.read_bytes().decode("utf-8")
