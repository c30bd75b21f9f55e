"""The shape of ``ikkan.services`` and the façade: no import circle among the services and
``ikkan.workspace`` (lazy and ``TYPE_CHECKING`` imports count), and the refresh use case is
one package whose modules import on their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ikkan.services
import ikkan.workspace
from tests.import_graph import find_cycle, module_graph

ROOT = Path(ikkan.services.__file__).parent
WORKSPACE = Path(ikkan.workspace.__file__)
PACKAGE = "ikkan.services"


def _graph() -> dict[str, set[str]]:
    """The services' graph plus ``ikkan.workspace`` (its edges into services and theirs
    back to it)."""
    graph = module_graph(ROOT, PACKAGE)
    # the façade sits one level up: graph it with the services as its package's modules
    whole = module_graph(WORKSPACE.parent, "ikkan")
    graph["ikkan.workspace"] = {t for t in whole["ikkan.workspace"] if t in graph}
    for name in graph:
        if "ikkan.workspace" in whole.get(name, set()):
            graph[name].add("ikkan.workspace")
    return graph


GRAPH = _graph()


def test_graph_sees_the_refresh_package_and_the_facade() -> None:
    assert "ikkan.services.refresh.run" in GRAPH
    assert "ikkan.services.refresh.changes" in GRAPH["ikkan.services.refresh.run"]
    assert "ikkan.services.refresh.run" in GRAPH["ikkan.workspace"]
    assert "ikkan.services.facts" in GRAPH["ikkan.workspace"]


def test_no_import_circles_in_services_and_workspace() -> None:
    found = find_cycle(GRAPH)
    assert found is None, " -> ".join(found or [])


def test_cycle_finder_sees_a_circle_through_the_facade() -> None:
    GRAPH["ikkan.services.facts"].add("ikkan.workspace")  # the former circle
    try:
        found = find_cycle(GRAPH)
    finally:
        GRAPH["ikkan.services.facts"].discard("ikkan.workspace")
    assert found is not None and "ikkan.workspace" in found and found[0] == found[-1]


def test_no_refresh_modules_left_beside_the_package() -> None:
    loose = sorted(p.name for p in ROOT.glob("refresh_*.py"))
    assert loose == [], f"refresh modules outside services/refresh/: {loose}"


@pytest.mark.parametrize(
    "module", ["ikkan.services.refresh.run", "ikkan.services.facts", "ikkan.services.reading"]
)
def test_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
