"""A draft alert rule (the Alerts page's form, ``ikkan alerts test --rule-yaml FILE``): its
id and its YAML text, checked exactly as ``ikkan validate`` checks a rule in ikkan.yml
(the ``AlertRuleSpec`` model, then ``alerts.checks.alert_issues``), each problem at its
line of the draft's text with a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ikkan.alerts.rules import AlertRuleSpec
from ikkan.errors import SpecError, UserError, did_you_mean
from ikkan.project.yaml_positions import PositionedYaml, parse_yaml

if TYPE_CHECKING:
    from ikkan.workspace import Workspace

RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
DRAFT_FILE = "draft"


@dataclass
class RuleDraft:
    """``errors``: field (``rule`` for the id, ``yaml`` for the text) → messages."""

    rule_id: str
    text: str
    spec: AlertRuleSpec | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.errors


def _line(message: str, line: int | None, hint: str | None = None) -> str:
    where = f"line {line}: " if line else ""
    return where + message + (f" — {hint}" if hint else "")


def parse_rule_draft(
    ws: Workspace, rule_id: str, text: str, *, original: str | None = None
) -> RuleDraft:
    """Check a draft. ``original``: the id of the rule being edited (None: a new rule,
    whose id must not be taken)."""
    draft = RuleDraft(rule_id.strip(), text)
    if not RULE_ID.match(draft.rule_id):
        draft.add(
            "rule",
            f"'{draft.rule_id}' is not a rule id: a letter, then letters, digits, _ or -"
            " (e.g. mql_pacing)",
        )
    elif draft.rule_id != original and draft.rule_id in ws.spec.alerts:
        draft.add("rule", f"a rule '{draft.rule_id}' exists already; edit it instead")
    try:
        doc = parse_yaml(text, DRAFT_FILE)
    except SpecError as exc:
        line = exc.location.line if exc.location else None
        draft.add("yaml", _line(exc.message, line, exc.hint))
        return draft
    if not isinstance(doc.data, dict) or not doc.data:
        draft.add("yaml", _line("a rule is a mapping of keys (kind, node, margin …)", 1))
        return draft
    try:
        spec = AlertRuleSpec.model_validate(doc.data)
    except ValidationError as exc:
        for problem in exc.errors():
            loc = tuple(p for p in problem["loc"] if isinstance(p, str | int))
            line = doc.locate(loc, key=True).line if loc else 1
            msg = str(problem["msg"]).removeprefix("Value error, ")
            name = ".".join(str(p) for p in loc)
            draft.add("yaml", _line(f"{name}: {msg}" if name else msg, line))
        return draft
    for issue in _project_issues(ws, draft.rule_id or "draft", spec, doc):
        line = issue.location.line if issue.location else None
        draft.add("yaml", _line(issue.message, line, issue.hint))
    draft.spec = spec
    return draft


def _project_issues(ws: Workspace, rule_id: str, spec: AlertRuleSpec, doc: PositionedYaml) -> Any:
    """``ikkan validate``'s checks of the rule against the project (nodes, stages,
    breakdowns, sources, channels), located in the draft's text."""
    from ikkan.alerts.checks import alert_issues
    from ikkan.project.loader import SourceMap

    located = PositionedYaml(
        {"alerts": {rule_id: doc.data}},
        doc.file,
        doc.text,
        keys={("alerts", rule_id, *k): v for k, v in doc.keys.items()},
        values={("alerts", rule_id, *k): v for k, v in doc.values.items()},
    )
    project = ws.spec.model_copy(update={"alerts": {rule_id: spec}})
    from ikkan.model.issues import Severity

    return [i for i in alert_issues(project, SourceMap(located)) if i.severity is Severity.ERROR]


def rule_text(ws: Workspace, rule_id: str) -> str:
    """A rule of ikkan.yml as the draft's YAML text (the values as written: 10%, 2d)."""
    raw = ws.loaded.source_map.root.data.get("alerts") or {}
    data = raw.get(rule_id) if isinstance(raw, dict) else None
    if not isinstance(data, dict):
        raise UserError(
            f"alert rule '{rule_id}' is not written under alerts: in ikkan.yml",
            hint="rules implied by schedule: are changed there; "
            + (did_you_mean(rule_id, raw) or "see 'ikkan alerts list'"),
        )
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


NEW_RULE = "node: \nkind: target\nmargin: 10%\n"
