"""The whole package has no import circles (lazy and type-only imports count): each layer
imports only downwards, so any module imports on its own."""

from __future__ import annotations

from pathlib import Path

import ikkan
from tests.import_graph import find_cycle, module_graph

ROOT = Path(ikkan.__file__).parent
GRAPH = module_graph(ROOT, "ikkan")


def test_graph_reads_every_layer() -> None:
    assert "ikkan.warehouse.protocols" in GRAPH["ikkan.warehouse.upsert"]
    assert "ikkan.warehouse.upsert" in GRAPH["ikkan.warehouse.base"]
    assert "ikkan.services.pdca" in GRAPH["ikkan.workspace"]


def test_no_import_circles_in_ikkan() -> None:
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH) or [])


def test_the_former_warehouse_circle_would_be_found() -> None:
    graph = {name: set(targets) for name, targets in GRAPH.items()}
    graph["ikkan.warehouse.upsert"].add("ikkan.warehouse.base")
    found = find_cycle(graph)
    assert found is not None and "ikkan.warehouse.base" in found
