"""``ikkan validate`` for ``sources:``: every generic mapping checked in full, each problem
at its line in ikkan.yml (see ``ikkan.ingest.mapping.checks``)."""

from __future__ import annotations

from pathlib import Path

from ikkan.model.issues import Issue, error
from ikkan.model.spec import ProjectSpec
from ikkan.project.loader import SourceMap

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def source_issues(spec: ProjectSpec, root: Path, source_map: SourceMap) -> list[Issue]:
    from ikkan.ingest.mapping.checks import check_mapping

    stages = [s.id for s in spec.funnel.stages]
    issues: list[Issue] = []
    for name, source in spec.sources.items():
        if source.reader != "generic":
            continue
        base: tuple[str | int, ...] = ("sources", name, "options")
        if "mapping" not in source.options and "table" not in source.options:
            issues.append(
                error(
                    "mapping",
                    f"source '{name}': a generic source needs options.mapping",
                    source_map.source(name, "reader"),
                    hint="see docs/data.md, 'The generic reader'",
                )
            )
            continue
        data = source.options.get("mapping", source.options)
        if "mapping" in source.options:
            base = (*base, "mapping")
        files = _data_files(root / source.path)
        _, found = check_mapping(data, stages, files)
        for path, message, hint in found:
            issues.append(
                error(
                    "mapping",
                    f"source '{name}': {message}",
                    source_map.source(name, *base[2:], *path, key=True),
                    hint=hint,
                )
            )
    return issues


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
        )[:1]
    return []
