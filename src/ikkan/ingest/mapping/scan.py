"""``ikkan validate`` reads the values of a mapped file's coded columns: a yes/no (or other
typed) column whose cells a value map does not cover would reject those rows at import,
and the rows' deals or leads would be missing from every count. Finding it here puts the
message at the value map's line in ikkan.yml instead."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ikkan.errors import SourceError
from ikkan.ingest.engine.fields import Kind
from ikkan.ingest.engine.tabular import open_rows
from ikkan.ingest.mapping.spec import GenericMapping, writable_columns
from ikkan.ingest.mapping.values import ValueMap, kind_of, typed_parser
from ikkan.ingest.parsing.values import ParseError, is_null, normalise_header

SCAN_ROWS = 200_000
"""Rows read at most (a coded column shows its values long before that)."""

KIND_WORDS = {
    Kind.BOOL: "yes/no",
    Kind.INT: "whole numbers",
    Kind.FLOAT: "numbers",
    Kind.AMOUNT: "amounts",
    Kind.DATE: "dates",
    Kind.DATETIME: "dates",
}

Found = tuple[tuple[str | int, ...], str, str | None]


def _checked(mapping: GenericMapping) -> dict[str, str]:
    """canonical column -> file label, for typed columns with a value map and yes/no ones."""
    out = {}
    writable = set(writable_columns(mapping.table))
    for name, label in mapping.columns.items():
        if name not in writable:
            continue  # mapping_problems names it
        kind = kind_of(mapping.table, name)
        if kind in KIND_WORDS and (name in mapping.value_maps or kind is Kind.BOOL):
            out[name] = label
    return out


def value_problems(mapping: GenericMapping, file: Path, header: list[str]) -> list[Found]:
    checked = _checked(mapping)
    if not checked:
        return []
    positions = {normalise_header(h): i for i, h in enumerate(header)}
    wanted = {name: positions.get(normalise_header(label)) for name, label in checked.items()}
    values: dict[str, Counter[str]] = {name: Counter() for name in checked}
    try:
        rows = open_rows(file, mapping.sheet)
    except SourceError:
        return []  # the header check already said why
    keys = [normalise_header(h) for h in header]
    seen_header = False
    try:
        for count, (_, cells) in enumerate(rows.rows, start=1):
            texts = ["" if c is None else str(c) for c in cells]
            if not seen_header:
                seen_header = [normalise_header(t.strip()) for t in texts] == keys
                continue
            for name, at in wanted.items():
                if at is not None and at < len(cells) and not is_null(cells[at]):
                    values[name][texts[at].strip()] += 1
            if count >= SCAN_ROWS:
                break
    finally:
        close = getattr(rows.rows, "close", None)
        if close:
            close()
    out: list[Found] = []
    for name, counter in values.items():
        bad = _unreadable(mapping, name, counter)
        if bad:
            out.append(_message(mapping, name, file, bad))
    return out


def _unreadable(mapping: GenericMapping, name: str, counter: Counter[str]) -> Counter[str]:
    kind = kind_of(mapping.table, name)
    parse = typed_parser(kind, None, mapping.date_formats)
    value_map = ValueMap(mapping.value_maps.get(name, {}))
    bad: Counter[str] = Counter()
    for raw, n in counter.items():
        value: Any = value_map(raw)
        if value is None or not isinstance(value, str):
            continue  # mapped to empty, or to a typed value validate checked already
        try:
            parse(value)
        except ParseError:
            bad[raw] = n
    return bad


def _message(mapping: GenericMapping, name: str, file: Path, bad: Counter[str]) -> Found:
    kind = kind_of(mapping.table, name)
    shown = ", ".join(repr(v) for v, _ in bad.most_common(8))
    more = f" and {len(bad) - 8} more" if len(bad) > 8 else ""
    rows = sum(bad.values())
    what = f"{shown}{more} ({rows} row(s) of {file.name}), which are not {KIND_WORDS[kind]}"
    if name in mapping.value_maps:
        return (
            ("value_maps", name),
            f"value_maps.{name} does not list {what}; those rows would be rejected at import",
            "list each value, or give '*': <value> for every other value (or null: empty)",
        )
    example = bad.most_common(1)[0][0]
    return (
        ("columns", name),
        f"{name} reads {mapping.columns[name]!r}, whose values {what}",
        f"give value_maps.{name}: each value that means yes → true, '*': false "
        f"(e.g. {{{example}: true, '*': false}})",
    )
