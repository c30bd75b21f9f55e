"""Read a changed scoring rule from a YAML file (``ikkan scoring whatif --rules new.yml``):
a whole ikkan.yml with a ``scoring:`` key, or the bare section. Problems name the line."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ikkan.errors import ProjectInvalid, SpecError
from ikkan.model.issues import error
from ikkan.model.scoring import ScoringSpec
from ikkan.project.yaml_positions import load_yaml


def load_scoring_file(path: Path) -> ScoringSpec:
    if not path.is_file():
        raise SpecError(f"no rules file {path}", hint="write the changed scoring: section there")
    doc = load_yaml(path, display=str(path))
    data = doc.data
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and "scoring" in data:
        data, prefix = data["scoring"], ("scoring",)
    if not isinstance(data, dict):
        raise SpecError(
            f"{path} holds no scoring rules",
            hint="write a scoring: section (fit:, engagement:, grades:, mql:)",
        )
    try:
        return ScoringSpec.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            where = ".".join(str(p) for p in (*prefix, *loc)) or "scoring"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key '{loc[-1]}'"
            issues.append(
                error(
                    "schema",
                    f"{where}: {message}",
                    doc.locate((*prefix, *loc), key=err["type"] == "extra_forbidden"),
                )
            )
        raise ProjectInvalid(issues) from None
