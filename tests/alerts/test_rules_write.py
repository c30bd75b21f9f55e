"""Rewriting one alert rule of ikkan.yml: only its lines change (CRLF files keep their line
ends, a missing or empty ``alerts:`` block is made), a flow-style block is refused, and a
save that would make the project invalid restores the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from ikkan.alerts.rules_write import delete_rule, save_rule, set_enabled
from ikkan.errors import UserError
from ikkan.project.scaffold import template_text
from ikkan.project.yaml_blocks import replace_top_block, set_entry

BASE = (
    "company: {name: x}\n# the rules\nalerts:\n  # first\n  a: {node: n, kind: target}  # a\n"
    "\n  b:\n    node: n\n    kind: target\n\n# next\nnotify: {}\n"
)


def test_set_entry_changes_only_the_rule() -> None:
    edited = set_entry(BASE, "alerts", "a", "node: m\nkind: pacing\n")
    assert edited == BASE.replace(
        "  a: {node: n, kind: target}  # a\n", "  a:\n    node: m\n    kind: pacing\n"
    )
    added = set_entry(BASE, "alerts", "c", "kind: stale\n")
    assert added == BASE.replace(
        "    kind: target\n\n# next", "    kind: target\n  c:\n    kind: stale\n\n# next"
    )
    assert set_entry(added, "alerts", "c", None) == BASE
    removed = set_entry(BASE, "alerts", "b", None)
    assert yaml.safe_load(removed) == {
        **yaml.safe_load(BASE),
        "alerts": {"a": {"node": "n", "kind": "target"}},
    }
    assert removed.endswith("\n\n# next\nnotify: {}\n")


def test_missing_empty_and_flow_blocks() -> None:
    assert (
        set_entry("company: {}\n", "alerts", "a", "kind: stale")
        == "company: {}\nalerts:\n  a:\n    kind: stale\n"
    )
    assert (
        set_entry("company: {}", "alerts", "a", "kind: stale")
        == "company: {}\nalerts:\n  a:\n    kind: stale\n"
    )
    assert (
        set_entry("alerts: {}\nx: 1\n", "alerts", "a", "kind: stale")
        == "alerts:\n  a:\n    kind: stale\nx: 1\n"
    )
    with pytest.raises(UserError, match="flow style"):
        set_entry("alerts: {a: {kind: stale}}\n", "alerts", "b", "kind: stale")


def test_crlf_is_kept() -> None:
    crlf = BASE.replace("\n", "\r\n")
    added = set_entry(crlf, "alerts", "c", "kind: stale\r\n")
    assert set_entry(added, "alerts", "c", None) == crlf
    assert replace_top_block(crlf, "notify", "notify: {x: 1}\r\n").startswith(
        crlf.split("notify:")[0]
    )


def test_save_disable_delete_and_restore(tmp_path: Path) -> None:
    text = template_text("en")
    path = tmp_path / "ikkan.yml"
    path.write_bytes(text.encode("utf-8"))
    before = save_rule(tmp_path, "mql_target", "node: mql\nkind: target\nmargin: 5%\n")
    assert before == text
    after = path.read_bytes().decode()
    assert set_entry(after, "alerts", "mql_target", None) == text
    set_enabled(tmp_path, "mql_target", False)
    assert yaml.safe_load(path.read_text())["alerts"]["mql_target"]["enabled"] is False
    delete_rule(tmp_path, "mql_target")
    assert path.read_bytes().decode() == text
    # valid alone, invalid in the project: an unknown channel; the file is restored
    with pytest.raises(UserError, match="invalid"):
        save_rule(tmp_path, "bad", "node: mql\nkind: target\nnotify: [nowhere]\n")
    assert path.read_bytes().decode() == text
    with pytest.raises(UserError, match="not written"):
        delete_rule(tmp_path, "nope")


def test_write_text_swaps_the_file_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new text replaces the file in one rename: the mode is kept, no temporary file
    is left, and a write that fails leaves the old file whole."""
    from ikkan.project import yaml_blocks

    path = tmp_path / "ikkan.yml"
    path.write_bytes(b"company:\r\n  name: A\r\n")
    path.chmod(0o640)
    inode = path.stat().st_ino
    before = yaml_blocks.write_text(path, "company:\n  name: B\n")
    assert before == "company:\r\n  name: A\r\n"
    assert path.read_bytes() == b"company:\n  name: B\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.stat().st_ino != inode  # replaced, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ikkan.yml"]

    def refuse(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)  # a failed rename (a full disk)
    with pytest.raises(OSError, match="disk full"):
        yaml_blocks.write_text(path, "company:\n  name: C\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"company:\n  name: B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ikkan.yml"]
