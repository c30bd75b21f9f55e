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


# Bounds on what a YAML file may expand to. Aliases (``*name``) repeat their anchor's (``&name``)
# whole content, so nine nested aliases of nine make 9^9 values from 100 lines ("billion
# laughs"); nesting too deep exhausts Python's stack. A real project is far below both.
MAX_VALUES = 200_000  # keys, values and items, counted after every alias is expanded
MAX_DEPTH = 100  # levels of nested mappings and lists, aliases expanded
ALIAS_HINT = (
    "an alias (*name) repeats everything under its anchor (&name); write the values out, "
    "or use fewer and smaller aliases"
)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe composer that refuses alias bombs, alias cycles and deep nesting.

    While composing it counts the values the document expands to (an alias counts as its
    anchor's whole expanded size) and the expanded depth, and stops at the first event that
    crosses a bound, with that event's line and column.
    """

    def __init__(self, text: str, file: str) -> None:
        super().__init__(text)
        self.file = file
        self.total = 0  # values so far, aliases expanded
        self.below: list[int] = []  # per open node: the deepest level under it
        self.open_anchors: list[str] = []
        self.anchor_shape: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth)

    def _refuse(self, message: str, mark: Any, hint: str) -> SpecError:
        return SpecError(message, location=_loc(self.file, mark), hint=hint)

    def _count(self, values: int, mark: Any) -> None:
        self.total += values
        if self.total > MAX_VALUES:
            raise self._refuse(
                f"the YAML expands to more than {MAX_VALUES:,} values (aliases expanded)",
                mark,
                ALIAS_HINT,
            )

    def _too_deep(self, mark: Any) -> SpecError:
        return self._refuse(
            f"the YAML nests more than {MAX_DEPTH} levels deep (aliases expanded)",
            mark,
            "a project needs only a few levels; look for unclosed brackets [ { or an alias "
            "repeated inside itself",
        )

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            if anchor in self.open_anchors:
                raise self._refuse(
                    f"the alias *{anchor} stands inside its own anchor &{anchor}: it would "
                    "repeat itself forever",
                    event.start_mark,
                    "an alias may only repeat an anchor that ends before it",
                )
            values, depth = self.anchor_shape.get(anchor, (1, 1))
            if len(self.below) + depth > MAX_DEPTH:
                raise self._too_deep(event.start_mark)
            self._count(values, event.start_mark)
            if self.below:
                self.below[-1] = max(self.below[-1], depth)
            return super().compose_node(parent, index)
        if len(self.below) >= MAX_DEPTH:
            raise self._too_deep(event.start_mark)
        start = self.total
        self._count(1, event.start_mark)
        own_anchor = getattr(event, "anchor", None)
        if own_anchor is not None:
            self.open_anchors.append(str(own_anchor))
        self.below.append(0)
        node = super().compose_node(parent, index)
        depth = self.below.pop() + 1
        if self.below:
            self.below[-1] = max(self.below[-1], depth)
        if own_anchor is not None:
            self.open_anchors.pop()
            self.anchor_shape[str(own_anchor)] = (self.total - start, depth)
        return node


def _compose(text: str, file: str) -> yaml.Node | None:
    loader = _BoundedLoader(text, file)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> PositionedYaml:
    try:
        node = _compose(text, file)
    except RecursionError:  # a safety net: the depth bound stops well before this
        raise SpecError(
            "the YAML nests too deeply to read",
            location=Location(file, 1, 1),
            hint="a project needs only a few levels; look for unclosed brackets [ {",
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character: before any mark exists
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise SpecError(
            f"YAML cannot hold the control character U+{exc.character:04X}",
            location=Location(file, line, column),
            hint="delete it (often pasted from another program), or write it as \\u escape "
            "inside double quotes",
        ) from None
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
    scalars = yaml.constructor.SafeConstructor()  # one per file: it caches by node
    result.data = {} if node is None else _build(node, (), result, scalars)
    return result


def _build(
    node: yaml.Node, path: PathKey, out: PositionedYaml, scalars: yaml.constructor.SafeConstructor
) -> Any:
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
            key = scalars.construct_object(key_node, deep=True)  # constructed the usual way
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
            mapping[key] = _build(value_node, (*path, key), out, scalars)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), out, scalars) for i, item in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)
