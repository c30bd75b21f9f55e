"""A generic mapping checked in full before anything is read: the mapping itself, the
project's funnel stages, and (when the file exists) the file's header and side files.

Each problem is ``(path inside the mapping, message, hint)`` so ``ikkan validate`` can point
at its line in ikkan.yml. ``ingest`` runs the same mapping model, so a mapping that passes
here does not fail there with an internal error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ikkan.errors import SourceError, did_you_mean
from ikkan.ingest.engine.tabular import open_rows
from ikkan.ingest.mapping.lookups import load_lookup, lookup_path
from ikkan.ingest.mapping.scan import value_problems
from ikkan.ingest.mapping.spec import GenericMapping, Lookup, mapping_problems
from ikkan.ingest.parsing.values import normalise_header

Path_ = tuple[str | int, ...]
Found = tuple[Path_, str, str | None]

HEADER_SCAN = 50


def check_mapping(
    data: Any, stages: Sequence[str], files: Sequence[Path] = ()
) -> tuple[GenericMapping | None, list[Found]]:
    """The mapping (None when its shape is wrong) and every problem found."""
    if not isinstance(data, dict):
        return None, [
            ((), "the mapping must be a set of keys (table, source_system, columns …)", None)
        ]
    try:
        mapping = GenericMapping.model_validate(data, context={"defer_problems": True})
    except ValidationError as exc:
        return None, [_pydantic(err) for err in exc.errors()]
    found: list[Found] = [(path, message, None) for path, message in mapping_problems(mapping)]
    found += _stage_problems(mapping, stages)
    for file in files[:1]:
        found += _file_problems(mapping, file)
    return mapping, found


def _pydantic(err: Any) -> Found:
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    message = err["msg"].removeprefix("Value error, ")
    where = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        return loc, f"unknown key '{loc[-1]}' in the mapping", None
    if err["type"] == "missing":
        return loc[:-1], f"'{loc[-1]}' is required in the mapping", None
    shown = err.get("input")
    if shown is not None and not isinstance(shown, dict | list):
        message += f" (got {shown!r})"
    return loc, f"{where}: {message}" if where else message, None


def _stage_problems(mapping: GenericMapping, stages: Sequence[str]) -> list[Found]:
    out: list[Found] = []
    hint_all = "funnel.stages: " + ", ".join(stages)
    for index, rule in enumerate(mapping.stages):
        if rule.stage not in stages:
            out.append(
                (
                    ("stages", index, "stage"),
                    f"stages[{index}]: {rule.stage!r} is not a stage of the project's funnel",
                    did_you_mean(rule.stage, stages) or hint_all,
                )
            )
    for raw, value in mapping.value_maps.get("lifecycle_stage", {}).items():
        if value is not None and str(value) not in stages:
            out.append(
                (
                    ("value_maps", "lifecycle_stage", raw),
                    f"value_maps.lifecycle_stage maps {raw!r} to {value!r}, "
                    "which is not a stage of the project's funnel",
                    did_you_mean(str(value), stages) or hint_all,
                )
            )
    return out


def header_of(path: Path, wanted: Sequence[str], sheet: str | None = None) -> list[str]:
    """The row among the first ones holding the most of ``wanted`` (the header)."""
    rows = open_rows(path, sheet)
    keys = {normalise_header(w) for w in wanted}
    best: list[str] = []
    best_hits = -1
    try:
        for count, (_, cells) in enumerate(rows.rows, start=1):
            labels = ["" if c is None else str(c).strip() for c in cells]
            hits = len(keys & {normalise_header(c) for c in labels})
            if hits > best_hits:
                best, best_hits = labels, hits
            if hits == len(keys) or count >= HEADER_SCAN:
                break
    finally:
        close = getattr(rows.rows, "close", None)
        if close:
            close()
    return best


def _missing(header: Sequence[str], wanted: Sequence[tuple[Path_, str]], where: str) -> list[Found]:
    present = {normalise_header(h) for h in header}
    out: list[Found] = []
    for path, label in wanted:
        if normalise_header(label) not in present:
            out.append(
                (
                    path,
                    f"column {label!r} is not in {where}",
                    did_you_mean(label, header) or "its columns are: " + ", ".join(header[:40]),
                )
            )
    return out


def _file_labels(mapping: GenericMapping) -> list[tuple[Path_, str]]:
    wanted: list[tuple[Path_, str]] = [
        (("columns", n), label) for n, label in mapping.columns.items()
    ]
    for index, rule in enumerate(mapping.stages):
        if rule.column:
            wanted.append((("stages", index, "column"), rule.column))
        if rule.when_column:
            wanted.append((("stages", index, "when_column"), rule.when_column))
    for option in ("lead_id_column", "account_id_column"):
        label = getattr(mapping, option)
        if label:
            wanted.append(((option,), label))
    for index, column in enumerate(mapping.identity.columns if mapping.identity else []):
        wanted.append((("identity", "columns", index), column))
    for index, lookup in enumerate(mapping.lookups):
        if lookup.match_column:
            wanted.append((("lookups", index, "match_column"), lookup.match_column))
    return wanted


def _file_problems(mapping: GenericMapping, file: Path) -> list[Found]:
    wanted = _file_labels(mapping)
    try:
        header = header_of(file, [label for _, label in wanted], mapping.sheet)
    except SourceError as exc:
        return [((), f"{file.name}: {exc.message}", exc.hint)]
    out = _missing(header, wanted, file.name)
    for index, lookup in enumerate(mapping.lookups):
        out += _lookup_problems(file, index, lookup, mapping)
    if not out:
        out += value_problems(mapping, file, header)
    return out


def _lookup_problems(
    file: Path, index: int, lookup: Lookup, mapping: GenericMapping
) -> list[Found]:
    side = lookup_path(file, lookup)
    if not side.is_file():
        return [
            (
                ("lookups", index, "file"),
                f"lookup file not found: {side}",
                "a relative lookup path is taken from the data file's folder",
            )
        ]
    wanted: list[tuple[Path_, str]] = [(("lookups", index, "key"), lookup.key)]
    wanted += [(("lookups", index, "columns", n), c) for n, c in lookup.columns.items()]
    try:
        header = header_of(side, [label for _, label in wanted], lookup.sheet)
    except SourceError as exc:
        return [(("lookups", index, "file"), f"{side.name}: {exc.message}", exc.hint)]
    missing = _missing(header, wanted, side.name)
    if missing:
        return missing
    try:  # a side file is small: read it as ingest will (duplicate keys, typed cells)
        load_lookup(file, lookup, mapping.table, mapping.date_formats, "UTC")
    except SourceError as exc:
        line = f", row {exc.location.line}" if exc.location and exc.location.line else ""
        return [(("lookups", index, "file"), f"{side.name}{line}: {exc.message}", exc.hint)]
    return []
