"""Read YAML and keep the file:line:column of every key and value.

Like MetricFlow's ``SafeLineLoaderWithAddedContext``: we compose the YAML node graph with
PyYAML's safe loader and build plain Python values while recording, for every path
(``("nodes", "revenue", "formula")``), where its key and its value stand.
Duplicate keys are an error (PyYAML silently keeps the last one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ikkan.errors import Location, SpecError

PathKey = tuple[str | int, ...]


@dataclass
class PositionedYaml:
    data: Any
    file: str
    text: str = ""
    keys: dict[PathKey, Location] = field(default_factory=dict)
    values: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: Iterable[str | int], *, key: bool = False) -> Location:
        """Where ``path`` stands; falls back to its nearest known ancestor."""
        parts = tuple(path)
        table = self.keys if key else self.values
        while parts:
            if parts in table:
                return table[parts]
            other = self.values if key else self.keys
            if parts in other:
                return other[parts]
            parts = parts[:-1]
        return Location(self.file, 1, 1)

    def locate_in_value(self, path: Iterable[str | int], column: int) -> Location:
        """Where the ``column``-th character (1-based) of a scalar value stands."""
        start = self.locate(path)
        if start.line is None or start.column is None:
            return start
        lines = self.text.splitlines()
        line = lines[start.line - 1] if start.line <= len(lines) else ""
        quoted = line[start.column - 1 : start.column] in ("'", '"')
        return Location(self.file, start.line, start.column + column - 1 + int(quoted))


def _loc(file: str, mark: yaml.Mark) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def load_yaml(path: Path, display: str | None = None) -> PositionedYaml:
    """Load one YAML file. A syntax error is a SpecError at its line and column."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(
            f"file not found: {file}", hint="check the path or run 'ikkan init'"
        ) from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"{file} is not UTF-8 (byte {exc.start})",
            hint="save the YAML as UTF-8 (Excel/Notepad: 'UTF-8')",
        ) from None
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str) -> PositionedYaml:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        location = _loc(file, mark) if mark else Location(file)
        problem = exc.problem or "invalid YAML"
        raise SpecError(
            f"YAML syntax error: {problem}",
            location=location,
            hint="check indentation and quoting; text with ':' or '#' needs quotes",
        ) from None
    result = PositionedYaml(None, file, text)
    result.data = {} if node is None else _build(node, (), result)
    return result


def _build(node: yaml.Node, path: PathKey, out: PositionedYaml) -> Any:
    out.values[path] = _loc(out.file, node.start_mark)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SpecError(
                    "YAML merge keys ('<<') are not supported",
                    location=_loc(out.file, key_node.start_mark),
                    hint="write the keys out",
                )
            key = yaml.SafeLoader(  # a scalar key: construct it the usual way
                ""
            ).construct_object(key_node, deep=True)
            if isinstance(key, int | float | bool) or key is None:
                key = str(key) if key is not None else "null"
            if not isinstance(key, str):
                raise SpecError(
                    "mapping keys must be plain text",
                    location=_loc(out.file, key_node.start_mark),
                )
            if key in mapping:
                first = out.keys.get((*path, key))
                raise SpecError(
                    f"duplicate key '{key}'",
                    location=_loc(out.file, key_node.start_mark),
                    hint=f"it is already defined at line {first.line}" if first else None,
                )
            out.keys[(*path, key)] = _loc(out.file, key_node.start_mark)
            mapping[key] = _build(value_node, (*path, key), out)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), out) for i, item in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)
