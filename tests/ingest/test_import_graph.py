"""The shape of ``ikkan.ingest``: no import circles (lazy imports inside functions count),
the engine never imports a vendor reader, and every module imports on its own in a fresh
interpreter (the way a circle shows up at run time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.import_graph import find_cycle, module_graph

import ikkan.ingest

ROOT = Path(ikkan.ingest.__file__).parent
PACKAGE = "ikkan.ingest"


GRAPH = module_graph(ROOT, PACKAGE)


def _cycle() -> list[str] | None:
    return find_cycle(GRAPH)


def test_graph_sees_the_modules_and_their_imports() -> None:
    assert "ikkan.ingest.engine.vectorised" in GRAPH
    assert "ikkan.ingest.sources.hubspot_fields" in GRAPH["ikkan.ingest.sources.hubspot_fast"]
    assert "ikkan.ingest.engine.arrow_convert" in GRAPH["ikkan.ingest.engine.vectorised"]


def test_no_import_circles_in_ingest() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_cycle_finder_finds_a_circle() -> None:
    GRAPH["ikkan.ingest.engine.log"].add("ikkan.ingest.engine.builder")
    try:
        found = _cycle()
    finally:
        GRAPH["ikkan.ingest.engine.log"].discard("ikkan.ingest.engine.builder")
    assert found is not None and found[0] == found[-1]


def test_engine_does_not_import_vendor_readers() -> None:
    for name, targets in GRAPH.items():
        if name.startswith("ikkan.ingest.engine"):
            vendors = sorted(t for t in targets if t.startswith("ikkan.ingest.sources"))
            assert vendors == [], f"{name} imports {vendors}"


# A fresh interpreter costs ~2 s: the modules of the former hubspot <-> hubspot_fast circle
# and the engine's entry; the graph test above covers every module.
@pytest.mark.parametrize(
    "module",
    [
        "ikkan.ingest.sources.hubspot_fast",
        "ikkan.ingest.sources.hubspot",
        "ikkan.ingest.engine.vectorised",
    ],
)
def test_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
