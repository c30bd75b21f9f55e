"""YAML that would expand without bound is refused with its file:line:column and a hint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.test_cli_plan import ikkan

from ikkan.project.yaml_positions import MAX_DEPTH, MAX_VALUES

HEAD = "ikkan: 1\ncompany: {name: x}\n"
NODE = "nodes:\n  revenue: {kind: KGI, unit: JPY, target: 100}\n"


def _laughs(levels: int) -> str:
    """Nine nested aliases of nine: 9**levels values from a few lines."""
    lines = ['x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _refused(folder: Path) -> str:
    result = ikkan("validate", cwd=folder, check=False)
    assert result.returncode == 1, result.stdout
    assert "Internal error" not in result.stderr and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("levels", [6, 9])
def test_alias_bomb_is_refused_at_the_alias(
    write_project: Callable[..., Path], levels: int
) -> None:
    folder = write_project(HEAD + NODE + "extra:\n" + _laughs(levels).replace("x", "  x"))
    err = _refused(folder)
    # x5 (line 11) is where the running total first crosses the bound: 9**5 < MAX < 9**6
    assert 9**5 < MAX_VALUES < 9**6
    assert "ikkan.yml:11:17:" in err and f"more than {MAX_VALUES:,} values" in err
    assert "hint: an alias (*name) repeats everything under its anchor" in err


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("loop: &a [1, *a]\n", "ikkan.yml:3:14"),
        ("loop: &a {inner: {again: *a}}\n", "ikkan.yml:3:26"),
    ],
)
def test_self_referencing_alias_is_refused(
    write_project: Callable[..., Path], body: str, where: str
) -> None:
    err = _refused(write_project(HEAD + NODE.replace("nodes:", body + "nodes:", 1)))
    assert where in err and "stands inside its own anchor &a" in err


def test_deep_nesting_is_refused(write_project: Callable[..., Path]) -> None:
    err = _refused(write_project(HEAD + "deep: " + "[" * 20_000 + "]" * 20_000 + "\n" + NODE))
    assert f"ikkan.yml:3:{7 + MAX_DEPTH - 1}" in err  # the first bracket past the bound
    assert f"more than {MAX_DEPTH} levels" in err and "hint:" in err


def test_deep_alias_chain_is_refused(write_project: Callable[..., Path]) -> None:
    chain = ["c0: &c0 [1]"] + [f"c{i}: &c{i} [*c{i - 1}]" for i in range(1, 150)]
    err = _refused(write_project(HEAD + NODE + "\n".join(chain) + "\n"))
    assert f"more than {MAX_DEPTH} levels" in err and "ikkan.yml:" in err


def test_bomb_in_an_included_file_names_that_file(write_project: Callable[..., Path]) -> None:
    folder = write_project(
        HEAD + "include: [more.yml]\n" + NODE,
        **{"more.yml": "nodes: {}\nchannels: {}\nsources: {}\ndepartments: {}\n" + _laughs(9)},
    )
    err = _refused(folder)
    assert "more.yml:10:" in err and f"more than {MAX_VALUES:,} values" in err


def test_ordinary_aliases_still_work(write_project: Callable[..., Path]) -> None:
    folder = write_project(
        HEAD
        + "nodes:\n"
        + "  revenue: {kind: KGI, unit: JPY, target: &t {commit: 100, stretch: 120},"
        + " formula: deals * size}\n"
        + "  deals: {kind: KPI, unit: count, target: *t}\n"
        + "  size: {kind: KPI, unit: JPY, assumption: 1}\n"
    )
    result = ikkan("validate", cwd=folder, check=False)
    assert "alias" not in result.stderr and "Internal error" not in result.stderr


def test_a_control_character_is_refused_at_its_place(
    write_project: Callable[..., Path],
) -> None:
    """YAML forbids C0 controls (a pasted \\x1f): a located error, never a crash; the same
    parser reads the web's drafts (the alert rule editor's YAML box)."""
    err = _refused(write_project(HEAD + NODE.replace("unit: JPY", "unit: J\x1fPY")))
    assert "ikkan.yml:4:31:" in err and "control character U+001F" in err and "hint:" in err
