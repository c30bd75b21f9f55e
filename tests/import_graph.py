"""Support for the import-graph tests (no tests here): the graph of a package's modules
(lazy imports inside functions count) and the first import circle in it."""

from __future__ import annotations

import ast
from pathlib import Path


def module_name(root: Path, package: str, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((package, *parts))


def resolve(root: Path, package: str, path: Path, node: ast.ImportFrom) -> str | None:
    """The absolute module of a ``from … import`` (relative ones too)."""
    if node.level == 0:
        return node.module
    parts = module_name(root, package, path).split(".")
    if path.name != "__init__.py":
        parts = parts[:-1]
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def module_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module → the modules of ``package`` it imports, at any depth of its file. A package
    counts only when named itself (its modules importing their siblings is no circle
    through its ``__init__``)."""
    modules = {module_name(root, package, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and (
                module := resolve(root, package, path, node)
            ):
                subs = [f"{module}.{a.name}" for a in node.names]
                # `from pkg import mod` imports pkg/__init__ only for names that are no module
                whole = any(sub not in modules for sub in subs)
                names = [*([module] if whole else []), *subs]
            found.update(n for n in names if n in modules and n != package)
        graph[name] = found - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """The first circle found (its first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None
