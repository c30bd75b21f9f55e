"""No import circles among ``ikkan.alerts`` and ``ikkan.scheduler`` (lazy imports inside
functions count: they close a circle at run time), and each module of the former
engine ↔ pipeline ↔ reports circle imports alone in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ikkan.alerts
import ikkan.scheduler

PACKAGES = {
    "ikkan.alerts": Path(ikkan.alerts.__file__).parent,
    "ikkan.scheduler": Path(ikkan.scheduler.__file__).parent,
}


def _module_name(package: str, root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((package, *parts))


MODULES = {
    _module_name(package, root, p): p
    for package, root in PACKAGES.items()
    for p in sorted(root.rglob("*.py"))
}


def _imports(path: Path) -> set[str]:
    """Every module of the two packages ``path`` imports, at any depth of the file
    (``from ikkan.scheduler import lease`` counts as ``ikkan.scheduler.lease``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        for name in names:
            if name in MODULES and name not in PACKAGES:
                found.add(name)
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[name] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_graph_sees_lazy_and_cross_package_imports() -> None:
    assert "ikkan.scheduler.runs" in GRAPH["ikkan.alerts.engine"]  # inside a function
    assert "ikkan.alerts.engine" in GRAPH["ikkan.scheduler.pipeline"]
    assert "ikkan.scheduler.lease" in GRAPH["ikkan.alerts.delivery"]


def test_no_import_circles_in_alerts_and_scheduler() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_cycle_finder_finds_a_circle() -> None:
    GRAPH["ikkan.scheduler.runs"].add("ikkan.alerts.engine")
    try:
        found = _cycle()
    finally:
        GRAPH["ikkan.scheduler.runs"].discard("ikkan.alerts.engine")
    assert found is not None and found[0] == found[-1]


@pytest.mark.parametrize(
    "module", ["ikkan.alerts.engine", "ikkan.scheduler.pipeline", "ikkan.scheduler.reports"]
)
def test_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
