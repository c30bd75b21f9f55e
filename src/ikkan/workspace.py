"""The façade the CLI, the web app and the scheduler call: one project, one object.

``Workspace.open(path)`` finds ``ikkan.yml`` and loads the spec; ``validate()`` returns every
issue; ``lint()`` adds the design advice; ``plan()`` raises ``ProjectInvalid`` when the spec
has errors and otherwise works out the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ikkan.errors import ProjectInvalid
from ikkan.model.issues import Issue, Severity
from ikkan.model.lint import lint_tree
from ikkan.model.planning import Plan, achievability_issues, make_plan
from ikkan.model.spec import ProjectSpec
from ikkan.model.tree import KpiTree, resolve_tree
from ikkan.project.loader import LoadedProject, load_project


@dataclass
class Workspace:
    root: Path
    loaded: LoadedProject
    tree: KpiTree | None
    issues: list[Issue] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path | str | None = None) -> Workspace:
        loaded = load_project(Path(path or "."))
        issues = list(loaded.issues)
        tree = None
        if loaded.spec is not None:
            tree, tree_issues = resolve_tree(loaded.spec, loaded.source_map, loaded.invalid_nodes)
            issues += tree_issues
        return cls(loaded.root, loaded, tree, _sorted(issues))

    @property
    def spec(self) -> ProjectSpec:
        self._require_valid()
        assert self.loaded.spec is not None
        return self.loaded.spec

    @property
    def lang(self) -> str:
        return self.loaded.spec.company.locale if self.loaded.spec else "ja"

    def validate(self) -> list[Issue]:
        return list(self.issues)

    def lint(self) -> list[Issue]:
        issues = list(self.issues)
        if self.tree is not None and not self.has_errors:
            issues += lint_tree(self.tree, self.loaded.source_map)
            plan = make_plan(self.tree)
            issues += [i for i in plan.issues if i.severity is Severity.ERROR]
            issues += achievability_issues(self.tree, plan)
        return _sorted(issues)

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def _require_valid(self) -> KpiTree:
        if self.has_errors or self.tree is None:
            raise ProjectInvalid([i for i in self.issues if i.severity is Severity.ERROR])
        return self.tree

    def plan(self) -> Plan:
        tree = self._require_valid()
        plan = make_plan(tree)
        errors = [i for i in plan.issues if i.severity is Severity.ERROR]
        if errors:
            raise ProjectInvalid(errors)
        return plan


def _sorted(issues: list[Issue]) -> list[Issue]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

    def key(issue: Issue) -> tuple[int, str, int, int]:
        loc = issue.location
        return (
            order[issue.severity],
            loc.path if loc else "",
            loc.line or 0 if loc else 0,
            loc.column or 0 if loc else 0,
        )

    return sorted(issues, key=key)
