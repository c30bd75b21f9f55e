"""Save, delete, disable or enable one rule under ``alerts:`` in ikkan.yml (the Alerts page
writes the one source of truth, so git shows the change).

Only the rule's own lines change (``project.yaml_blocks.set_entry``); every other byte of
the file stays. Before the file is written the new text is read back: the rule must read as
the draft and everything else as before. After it is written the project is validated
again; a new error restores the previous text and is raised (nothing half-saved).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ikkan.errors import UserError
from ikkan.project.loader import PROJECT_FILE
from ikkan.project.yaml_blocks import read_text, set_entry, write_text
from ikkan.project.yaml_positions import parse_yaml


def _data(text: str) -> dict[str, Any]:
    data = parse_yaml(text, PROJECT_FILE).data
    return data if isinstance(data, dict) else {}


def _errors(root: Path) -> set[str]:
    from ikkan.model.issues import Severity
    from ikkan.workspace import Workspace

    return {str(i) for i in Workspace.open(root).issues if i.severity is Severity.ERROR}


def save_rule(root: Path, rule_id: str, text: str, *, original: str | None = None) -> str:
    """Write the rule (``text``: its YAML without the id); ``original``: its previous id
    when it is renamed. Returns the file's previous text."""
    path = root / PROJECT_FILE
    before = read_text(path)
    after = before
    if original and original != rule_id:
        after = set_entry(after, "alerts", original, None)
    after = set_entry(after, "alerts", rule_id, text)
    body = parse_yaml(text, "draft").data
    if original and original != rule_id:
        middle = set_entry(before, "alerts", original, None)
        _check_only(before, middle, original, None)
        _check_only(middle, after, rule_id, body)
    else:
        _check_only(before, after, rule_id, body)
    _write_checked(root, before, after)
    return before


def _check_only(before: str, after: str, rule_id: str, body: Any) -> None:
    """``after`` differs from ``before`` in ``alerts.rule_id`` only (now ``body``; None:
    removed), as YAML reads them."""
    old, new = _data(before), _data(after)
    old_rules = dict(old.pop("alerts", None) or {})
    new_rules = dict(new.pop("alerts", None) or {})
    written = new_rules.pop(rule_id, None)
    old_rules.pop(rule_id, None)
    if old != new or old_rules != new_rules or written != body:
        raise UserError(
            f"rewriting alert rule '{rule_id}' would change more of {PROJECT_FILE} than the rule",
            hint="nothing was written; edit the rule in ikkan.yml by hand",
        )


def _write_checked(root: Path, before: str, after: str) -> None:
    errors_before = _errors(root)
    path = root / PROJECT_FILE
    write_text(path, after)
    try:
        new_errors = sorted(_errors(root) - errors_before)
    except BaseException:
        write_text(path, before)
        raise
    if new_errors:
        write_text(path, before)
        raise UserError(
            f"the change makes {PROJECT_FILE} invalid: " + "; ".join(new_errors),
            hint="nothing was written; fix the rule and save again",
        )


def delete_rule(root: Path, rule_id: str) -> str:
    path = root / PROJECT_FILE
    before = read_text(path)
    if rule_id not in (_data(before).get("alerts") or {}):
        raise UserError(f"alert rule '{rule_id}' is not written under alerts: in {PROJECT_FILE}")
    after = set_entry(before, "alerts", rule_id, None)
    _check_only(before, after, rule_id, None)
    _write_checked(root, before, after)
    return before


def set_enabled(root: Path, rule_id: str, enabled: bool) -> str:
    """Disable (``enabled: false``) or enable a rule; its other keys as written."""
    raw = (_data(read_text(root / PROJECT_FILE)).get("alerts") or {}).get(rule_id)
    if not isinstance(raw, dict):
        raise UserError(f"alert rule '{rule_id}' is not written under alerts: in {PROJECT_FILE}")
    data = {k: v for k, v in raw.items() if k != "enabled"}
    if not enabled:
        data["enabled"] = False
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return save_rule(root, rule_id, text, original=rule_id)
