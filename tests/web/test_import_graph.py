"""The shape of ``ikkan.web``: no import circles among its modules (lazy imports inside
functions count), and the route modules of the former pages ↔ pdca_pages ↔ tree circle
import on their own in a fresh interpreter (the way a circle shows up at run time)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ikkan.web
from tests.import_graph import find_cycle, module_graph, resolve

ROOT = Path(ikkan.web.__file__).parent
PACKAGE = "ikkan.web"
GRAPH = module_graph(ROOT, PACKAGE)


def test_graph_sees_the_modules_and_their_imports() -> None:
    assert "ikkan.web.routes.page_route" in GRAPH["ikkan.web.routes.pages"]
    assert "ikkan.web.routes.tree" in GRAPH["ikkan.web.routes.pages"]
    assert "ikkan.web.views.common" in GRAPH["ikkan.web.views.overview"]
    assert "ikkan.web.auth.guard" in GRAPH  # subpackages are read too


def test_no_import_circles_in_web() -> None:
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH) or [])


def test_cycle_finder_finds_the_former_circle() -> None:
    """tree importing pages again (as its SVG route once did, inside a function)."""
    graph = {name: set(targets) for name, targets in GRAPH.items()}
    graph["ikkan.web.routes.tree"].add("ikkan.web.routes.pages")
    found = find_cycle(graph)
    assert found is not None and found[0] == found[-1]
    assert "ikkan.web.routes.tree" in found and "ikkan.web.routes.pages" in found


def test_lazy_and_relative_imports_count() -> None:
    source = "def f():\n    from ikkan.web.routes.pages import view_of\nfrom .pages import x\n"
    probe = ROOT / "routes" / "tree.py"
    found = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)]
    resolved = sorted(r for n in found if (r := resolve(ROOT, PACKAGE, probe, n)))
    assert resolved == ["ikkan.web.routes.pages", "ikkan.web.routes.pages"]


@pytest.mark.parametrize(
    "module",
    ["ikkan.web.routes.tree", "ikkan.web.routes.pdca_pages", "ikkan.web.routes.pages"],
)
def test_route_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
