"""A draft of the scoring rules as the /scoring page edits it: the form's fields from a
rule set, and a rule set from the form's fields with every problem named at its field.

Fields: ``fit`` and ``engagement`` (the YAML of those sections: rules, caps, cap, decay),
``grades`` (YAML, e.g. ``{A: 50, B: 25, "1": 30, "2": 10}``), ``mql_cells`` (``A1-B2, C1``),
``mql_min_score``, ``mql_match`` (any / all) and ``bands`` (``20, 40, 60, 80``). What the
page does not edit (``department``, ``capacity``) is kept from the rules in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from ikkan.model.scoring import ScoringSpec

FIELDS = ("fit", "engagement", "grades", "mql_cells", "mql_min_score", "mql_match", "bands")
YAML_FIELDS = ("fit", "engagement", "grades")


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).strip()


def _number(value: float) -> str:
    return f"{value:g}"


def fields_of(spec: ScoringSpec) -> dict[str, str]:
    """The form's fields for a rule set (they parse back to the same rules)."""
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {
        "fit": _dump(data["fit"]),
        "engagement": _dump(data["engagement"]),
        "grades": _dump(data["grades"]),
        "mql_cells": ", ".join(spec.mql.cells),
        "mql_min_score": "" if spec.mql.min_score is None else _number(spec.mql.min_score),
        "mql_match": spec.mql.match,
        "bands": ", ".join(_number(b) for b in spec.bands),
    }


@dataclass
class Draft:
    fields: dict[str, str]
    spec: ScoringSpec | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _field_of(loc: tuple[Any, ...], message: str) -> str:
    """The form field a pydantic error location belongs to."""
    if not loc:
        return "bands" if "bands" in message else "fit"
    head = str(loc[0])
    if head == "mql":
        sub = str(loc[1]) if len(loc) > 1 else "cells"
        return {"min_score": "mql_min_score", "match": "mql_match"}.get(sub, "mql_cells")
    return head if head in FIELDS else "fit"


def parse_draft(values: dict[str, str], current: ScoringSpec) -> Draft:
    """Rules from the form's fields; ``spec`` is None when any field has a problem."""
    fields = {name: values.get(name, "") for name in FIELDS}
    draft = Draft(fields)
    data: dict[str, Any] = {
        "department": current.department,
        "capacity": current.capacity,
    }
    for name in YAML_FIELDS:
        try:
            parsed = yaml.safe_load(fields[name]) if fields[name].strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            draft.add(name, f"{where}{getattr(exc, 'problem', None) or exc}")
            continue
        if not isinstance(parsed, dict):
            draft.add(name, "write a mapping, e.g. rules: {...}")
            continue
        data[name] = parsed
    mql: dict[str, Any] = {"match": fields["mql_match"] or "any"}
    cells = [c.strip() for c in fields["mql_cells"].split(",") if c.strip()]
    if cells:
        mql["cells"] = cells
    if fields["mql_min_score"].strip():
        mql["min_score"] = fields["mql_min_score"].strip()
    data["mql"] = mql
    bands = [b.strip() for b in fields["bands"].split(",") if b.strip()]
    if bands:
        data["bands"] = bands
    if draft.errors:
        return draft
    try:
        draft.spec = ScoringSpec.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key '{loc[-1]}'"
            name = _field_of(loc, message)
            inner = loc[1:] if name in YAML_FIELDS or name == "bands" else ()
            path = ".".join(str(p) for p in inner)
            draft.add(name, f"{path}: {message}" if path else message)
    return draft
