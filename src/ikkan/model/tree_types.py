"""Small shared pieces of the tree: where things were written (Locator), constants."""

from __future__ import annotations

from typing import Protocol

from ikkan.errors import Location

SHARE_TOLERANCE = 1e-9
PERIOD_GRAINS = ("month", "quarter", "half", "fiscal_year")


class Locator(Protocol):
    def node(self, node_id: str, *path: str | int, key: bool = False) -> Location: ...

    def node_in_value(self, node_id: str, path: tuple[str, ...], column: int) -> Location: ...

    def top(self, *path: str | int, key: bool = False) -> Location: ...


class NoLocator:
    def node(self, node_id: str, *path: str | int, key: bool = False) -> Location:
        return Location(f"nodes.{node_id}")

    def node_in_value(self, node_id: str, path: tuple[str, ...], column: int) -> Location:
        return Location(f"nodes.{node_id}", None)

    def top(self, *path: str | int, key: bool = False) -> Location:
        return Location(".".join(str(p) for p in path) or "ikkan.yml")
