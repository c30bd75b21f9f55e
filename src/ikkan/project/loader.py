"""Project folder → ``ProjectSpec`` with file:line for every node and field.

``ikkan.yml`` is the root; ``include:`` adds more YAML files (paths or globs inside the
project folder, matched files read in sorted order) holding ``nodes:`` (and ``channels:``,
``sources:``, ``departments:``). Every schema problem in every file is reported at once,
each at its line and column, with a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from ikkan.errors import Location, SpecError, did_you_mean
from ikkan.model.issues import Issue, error
from ikkan.model.metrics import METRIC_TYPES
from ikkan.model.spec import NodeSpec, ProjectSpec, with_funnel_mode
from ikkan.project.yaml_positions import PathKey, PositionedYaml, load_yaml

PROJECT_FILE = "ikkan.yml"
MERGEABLE = ("nodes", "channels", "sources", "departments")


@dataclass
class SourceMap:
    """Where each part of the spec was written."""

    root: PositionedYaml
    node_files: dict[str, PositionedYaml] = field(default_factory=dict)
    source_files: dict[str, PositionedYaml] = field(default_factory=dict)

    def top(self, *path: str | int, key: bool = False) -> Location:
        return self.root.locate(path, key=key)

    def node(self, node_id: str, *path: str | int, key: bool = False) -> Location:
        doc = self.node_files.get(node_id, self.root)
        return doc.locate(("nodes", node_id, *path), key=key)

    def source(self, source_id: str, *path: str | int, key: bool = False) -> Location:
        doc = self.source_files.get(source_id, self.root)
        return doc.locate(("sources", source_id, *path), key=key)

    def node_in_value(self, node_id: str, path: tuple[str, ...], column: int) -> Location:
        doc = self.node_files.get(node_id, self.root)
        return doc.locate_in_value(("nodes", node_id, *path), column)


@dataclass
class LoadedProject:
    root: Path
    spec: ProjectSpec | None
    source_map: SourceMap
    issues: list[Issue]
    invalid_nodes: set[str] = field(default_factory=set)  # ids whose own spec is invalid


def find_project(start: Path) -> Path:
    """The folder holding ikkan.yml: ``start`` itself (a folder or the file) or a parent."""
    start = start.resolve()
    if start.is_file():
        return start.parent
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise SpecError(
        f"no {PROJECT_FILE} in {start} or its parents",
        hint="run 'ikkan init my-kpis' to create a project, or pass --project DIR",
    )


def load_project(path: Path) -> LoadedProject:
    root_dir = find_project(path)
    root_file = root_dir / PROJECT_FILE if root_dir.is_dir() else path
    root_doc = load_yaml(root_file, display=_display(root_file, root_dir))
    issues: list[Issue] = []
    source_map = SourceMap(root_doc)
    if not isinstance(root_doc.data, dict):
        raise SpecError(
            f"{PROJECT_FILE} must be a mapping of keys (ikkan, company, nodes …)",
            location=Location(root_doc.file, 1, 1),
            hint="see 'ikkan init' for an example",
        )
    data: dict[str, Any] = dict(root_doc.data)
    for key in MERGEABLE:
        data[key] = (
            dict(data.get(key) or {}) if isinstance(data.get(key) or {}, dict) else data[key]
        )
    for node_id in data["nodes"] if isinstance(data["nodes"], dict) else {}:
        source_map.node_files[node_id] = root_doc
    _merge_includes(root_dir, data, source_map, issues)

    nodes_raw = data.pop("nodes")
    spec: ProjectSpec | None = None
    try:
        spec = ProjectSpec.model_validate({**data, "nodes": {}})
    except ValidationError as exc:
        issues += _issues_from(exc, root_doc, ())
    nodes: dict[str, NodeSpec] = {}
    invalid: set[str] = set()
    if not isinstance(nodes_raw, dict):
        issues.append(
            error("schema", "'nodes' must be a mapping of node id → node", source_map.top("nodes"))
        )
        nodes_raw = {}
    for node_id, raw in nodes_raw.items():
        doc = source_map.node_files.get(node_id, root_doc)
        try:
            nodes[node_id] = NodeSpec.model_validate(raw)
        except ValidationError as exc:
            issues += _issues_from(exc, doc, ("nodes", node_id), node=node_id)
            repaired = _without_bad_keys(raw, exc)
            if repaired is None:
                invalid.add(node_id)
            else:  # keep checking the rest of the node (formula, units …) to report all at once
                nodes[node_id] = repaired
    if spec is not None:
        nodes = with_funnel_mode(nodes, spec.funnel.mode)  # model_copy does not validate
        spec = spec.model_copy(update={"nodes": nodes})
    return LoadedProject(root_dir, spec, source_map, issues, invalid)


def _without_bad_keys(raw: object, exc: ValidationError) -> NodeSpec | None:
    """The node without the keys that failed, if that is valid; else None."""
    if not isinstance(raw, dict):
        return None
    bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
    if "kind" in bad or not bad:
        return None
    try:
        return NodeSpec.model_validate({k: v for k, v in raw.items() if k not in bad})
    except ValidationError:
        return None


def _display(file: Path, root: Path) -> str:
    """The path as the user will recognise it: relative to the working folder when inside."""
    try:
        return str(file.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(file)


def _included_files(
    root_dir: Path, pattern: object, where: Location, issues: list[Issue]
) -> list[Path]:
    """The files one ``include:`` entry names, sorted, all inside the project folder.

    A path or glob (``*``, ``?``, ``[…]``, ``**``) relative to the project folder; absolute
    paths, ``..`` and anything that resolves outside the folder (a symlink) are refused.
    """
    inside = f"includes are paths or globs inside the project folder {root_dir}"
    if not isinstance(pattern, str):
        return []  # the schema check reports it
    if not pattern.strip():
        issues.append(error("include", "an include must be a path or a glob", where, inside))
        return []
    text = pattern.replace("\\", "/")
    parts = PurePosixPath(text).parts
    if text.startswith(("/", "~")) or PureWindowsPath(pattern).drive:
        issues.append(
            error(
                "include-outside",
                f"include '{pattern}' is an absolute path",
                where,
                f"{inside}; write it relative to the folder, e.g. nodes/*.yml",
            )
        )
        return []
    if ".." in parts:
        issues.append(
            error(
                "include-outside",
                f"include '{pattern}' leaves the project folder ('..')",
                where,
                f"{inside}; move the file into the project folder",
            )
        )
        return []
    try:
        matches = sorted(root_dir.glob(text))
    except ValueError as exc:  # e.g. '**' inside a name
        issues.append(
            error("include", f"include '{pattern}' is not a valid glob: {exc}", where, inside)
        )
        return []
    root = root_dir.resolve()
    files: list[Path] = []
    refused = False
    for match in matches:
        if not match.is_file() or match.resolve() == (root / PROJECT_FILE):
            continue  # folders a glob matched, and ikkan.yml itself
        if not match.resolve().is_relative_to(root):
            issues.append(
                error(
                    "include-outside",
                    f"include '{pattern}' reaches {match.resolve()}, outside the project folder",
                    where,
                    f"{inside}; a symbolic link may not lead out of it — copy the file in",
                )
            )
            refused = True
            continue
        files.append(match)
    if not files and not refused:
        folders = [m for m in matches if m.is_dir()]
        issues.append(
            error(
                "include-missing",
                f"include '{pattern}' matches no file",
                where,
                f"'{pattern}' is a folder: write {pattern.rstrip('/')}/*.yml"
                if folders and len(matches) == 1
                else f"paths and globs are relative to {root_dir}",
            )
        )
    return files


def _merge_includes(
    root_dir: Path, data: dict[str, Any], source_map: SourceMap, issues: list[Issue]
) -> None:
    patterns = data.get("include") or []
    if not isinstance(patterns, list):
        return  # the schema check reports it
    seen: set[Path] = set()
    for index, pattern in enumerate(patterns):
        where = source_map.top("include", index)
        for file in _included_files(root_dir, pattern, where, issues):
            if file.resolve() in seen:
                continue  # two globs naming one file read it once
            seen.add(file.resolve())
            doc = load_yaml(file, display=_display(file, root_dir))
            if not isinstance(doc.data, dict):
                issues.append(error("schema", "an included file must be a mapping", doc.locate(())))
                continue
            for key, value in doc.data.items():
                if key not in MERGEABLE:
                    issues.append(
                        error(
                            "schema",
                            f"unknown key '{key}' in an included file",
                            doc.locate((key,), key=True),
                            hint=did_you_mean(key, MERGEABLE)
                            or "included files hold " + ", ".join(MERGEABLE),
                        )
                    )
                    continue
                for item_id, item in (value or {}).items():
                    if item_id in data[key]:
                        first = (
                            source_map.node(item_id, key=True)
                            if key == "nodes"
                            else source_map.top(key, item_id, key=True)
                        )
                        issues.append(
                            error(
                                "duplicate-id",
                                f"{key[:-1]} '{item_id}' is defined twice",
                                doc.locate((key, item_id), key=True),
                                hint=f"first defined at {first}",
                                node=item_id if key == "nodes" else None,
                            )
                        )
                        continue
                    data[key][item_id] = item
                    if key == "nodes":
                        source_map.node_files[item_id] = doc
                    elif key == "sources":
                        source_map.source_files[item_id] = doc


def _issues_from(
    exc: ValidationError, doc: PositionedYaml, prefix: PathKey, node: str | None = None
) -> list[Issue]:
    out: list[Issue] = []
    for err in exc.errors():
        loc = tuple(
            p
            for i, p in enumerate(err["loc"])
            if not _is_union_tag(p)
            and not (i and err["loc"][i - 1] == "metric" and p in METRIC_TYPES)  # the type tag
        )
        path = (*prefix, *loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(prefix, loc[:-1])
            fields = model.model_fields.items() if model else ()
            allowed = sorted(f.alias or name for name, f in fields)
            hint = did_you_mean(key, allowed) or (
                "valid keys are: " + ", ".join(allowed) if allowed else None
            )
            out.append(
                error("unknown-key", f"unknown key '{key}'", doc.locate(path, key=True), hint, node)
            )
            continue
        message = err["msg"].removeprefix("Value error, ")
        where = ".".join(str(p) for p in (*prefix, *loc))
        hint = None
        if kind == "missing":
            message = f"'{loc[-1]}' is required"
            location = doc.locate(path[:-1])
        else:
            location = doc.locate(path)
            if "input" in err and not isinstance(err["input"], dict | list):
                message = f"{where}: {message} (got {err['input']!r})"
            else:
                message = f"{where}: {message}"
        if kind in ("enum", "literal_error"):
            expected = err.get("ctx", {}).get("expected")
            hint = f"expected {expected}" if expected else None
        out.append(error("schema", message, location, hint, node))
    return out


def _is_union_tag(part: object) -> bool:
    text = str(part)
    return text.startswith(("function-", "tagged-union", "json-or-python")) or "[" in text


def _model_at(prefix: PathKey, loc: tuple[object, ...]) -> type[BaseModel] | None:
    """The pydantic model standing at a path, to list its valid keys in hints."""
    model: type[BaseModel] = NodeSpec if prefix and prefix[0] == "nodes" else ProjectSpec
    for part in loc:
        field_info = model.model_fields.get(str(part))
        if field_info is None:
            if isinstance(part, int) or model is None:
                continue
            # dict values (e.g. channels.<id>)
            continue
        found = _first_model(field_info.annotation)
        if found is None:
            return None
        model = found
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    metadata = getattr(annotation, "__origin__", None)
    if metadata is not None and isinstance(metadata, type) and issubclass(metadata, BaseModel):
        return metadata
    return None
