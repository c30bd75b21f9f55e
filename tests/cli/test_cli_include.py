"""``include:`` reads YAML only from inside the project folder; globs work, sorted."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.test_cli_plan import ikkan

HEAD = "ikkan: 1\ncompany: {name: x}\nplan: {period: FY2026}\n"
ROOT_NODE = "nodes:\n  revenue: {kind: KGI, unit: JPY, formula: a + b + c, target: 300}\n"


def _node(node_id: str) -> str:
    return f"nodes:\n  {node_id}: {{kind: KPI, unit: JPY, assumption: 100}}\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A YAML file outside the project folder, holding a node the project lacks."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.yml").write_text(_node("c"), encoding="utf-8")
    return folder


def _validate(folder: Path) -> tuple[int, str]:
    result = ikkan("validate", cwd=folder, check=False)
    assert "Internal error" not in result.stderr and "Traceback" not in result.stderr
    return result.returncode, " ".join((result.stdout + result.stderr).split())  # unwrapped


def test_globs_work_sorted_and_recursive(write_project: Callable[..., Path]) -> None:
    folder = write_project(
        HEAD + "include: ['nodes/**/*.yml', nodes/a.yml]\n" + ROOT_NODE,
        **{
            "nodes/b.yml": _node("b"),
            "nodes/a.yml": _node("a"),
            "nodes/deeper/c.yml": _node("c"),
        },
    )
    code, out = _validate(folder)
    assert code == 0, out  # a.yml matched twice is read once (no "defined twice")
    result = ikkan("plan", "--json", cwd=folder)
    assert '"id": "c"' in result.stdout


@pytest.mark.parametrize("pattern", ["{outside}/secret.yml", "{outside}/*.yml"])
def test_absolute_paths_and_globs_are_refused(
    write_project: Callable[..., Path], outside: Path, pattern: str
) -> None:
    text = pattern.format(outside=outside)
    folder = write_project(HEAD + f"include: ['{text}']\n" + ROOT_NODE, **{"a.yml": _node("a")})
    code, out = _validate(folder)
    assert code == 1
    assert "ikkan.yml:4:11" in out and "is an absolute path" in out
    assert "hint: includes are paths or globs inside the project folder" in out


@pytest.mark.parametrize("pattern", ["../elsewhere/secret.yml", "nodes/../../elsewhere/*.yml"])
def test_parent_folders_are_refused(
    write_project: Callable[..., Path], outside: Path, pattern: str
) -> None:
    folder = write_project(HEAD + f"include: ['{pattern}']\n" + ROOT_NODE)
    assert (folder / pattern.replace("*", "secret")).resolve().is_file()  # it would be read
    code, out = _validate(folder)
    assert code == 1 and "leaves the project folder ('..')" in out and "ikkan.yml:4:11" in out


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_symlinks_leading_out_are_refused(
    write_project: Callable[..., Path], outside: Path
) -> None:
    folder = write_project(HEAD + "include: [nodes/*.yml, linked/*.yml]\n" + ROOT_NODE)
    (folder / "nodes").mkdir()
    (folder / "nodes" / "a.yml").write_text(_node("a"), encoding="utf-8")
    (folder / "nodes" / "b.yml").symlink_to(outside / "secret.yml")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    code, out = _validate(folder)
    assert code == 1
    assert out.count("outside the project folder") == 2, out
    assert "ikkan.yml:4:11" in out and "ikkan.yml:4:24" in out


def test_bad_globs_and_folders_are_clear_errors(write_project: Callable[..., Path]) -> None:
    folder = write_project(
        HEAD + "include: [nodes, 'a**b/*.yml', '', missing/*.yml]\n" + ROOT_NODE,
        **{"nodes/a.yml": _node("a")},
    )
    code, out = _validate(folder)
    assert code == 1
    assert "'nodes' is a folder: write nodes/*.yml" in out
    assert "include 'missing/*.yml' matches no file" in out
    assert "an include must be a path or a glob" in out
    assert "a**b/*.yml" in out
