"""The rule editor of the Alerts page (``/alerts/rule``): a rule's id and YAML text as a
draft, its problems (the checks of ``ikkan validate``) at their lines, and the draft's
12-month backtest (the function and figures of ``ikkan alerts test --json``) before saving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ikkan.alerts.draft import NEW_RULE, RuleDraft, parse_rule_draft, rule_text
from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor, Decision, decide

if TYPE_CHECKING:
    from ikkan.workspace import Workspace


def node_department(ws: Workspace, node: str | None) -> str | None:
    tree = ws.tree
    if node is None or tree is None or node not in tree.nodes:
        return None
    department: str | None = tree.nodes[node].department
    return department


def written_rules(ws: Workspace) -> set[str]:
    """The ids written under ``alerts:`` in ikkan.yml (not those implied by schedule:)."""
    raw = ws.loaded.source_map.root.data.get("alerts")
    return set(raw) if isinstance(raw, dict) else set()


def may_edit(ws: Workspace, actor: Actor | None, *nodes: str | None) -> Decision:
    """``edit_alert_rule`` on the department of every node named (the rule's node before
    and after an edit); the first refusal, else the last permission."""
    decision = Decision(False, "no rule")
    for node in dict.fromkeys(nodes):
        decision = decide(actor, Action.EDIT_ALERT_RULE, node_department(ws, node))
        if not decision:
            return decision
    return decision


def draft_backtest(ws: Workspace, draft: RuleDraft) -> dict[str, Any]:
    """``ikkan alerts test RULE --json`` of the draft (as if it were saved)."""
    from ikkan.alerts.backtest import backtest_rule
    from ikkan.alerts.backtest_summary import backtest_json

    assert draft.spec is not None
    result = backtest_rule(ws, draft.rule_id, draft.spec)
    return backtest_json(result, ws.spec.company.fiscal_year_start)


def alert_rule_view(
    ws: Workspace, query: dict[str, str], actor: Actor | None, draft: RuleDraft | None = None
) -> dict[str, Any]:
    """``query``: ``rule`` (edit it), ``new=1``, or ``draft=1`` with ``rule``, ``original``
    and ``yaml`` (check and backtest the draft); ``draft``: a save that came back."""
    written = written_rules(ws)
    original = query.get("original", query.get("rule", "") if not query.get("new") else "")
    if draft is None and query.get("draft"):
        draft = parse_rule_draft(
            ws, query.get("rule", ""), query.get("yaml", ""), original=original or None
        )
    view: dict[str, Any] = {"original": original, "error": None, "backtest": None}
    view["existing"] = original in written
    if draft is not None:
        view["rule"], view["yaml"], view["errors"] = draft.rule_id, draft.text, draft.errors
    elif original:
        try:
            view["rule"], view["yaml"] = original, rule_text(ws, original)
        except UserError as exc:
            view["error"], view["hint"] = exc.message, exc.hint
            view["rule"], view["yaml"] = original, ""
        view["errors"] = {}
    else:
        view["rule"], view["yaml"], view["errors"] = "", NEW_RULE, {}
    old_node = ws.spec.alerts[original].node if view["existing"] else None
    if draft is not None and draft.ok:
        assert draft.spec is not None
        try:
            view["backtest"] = draft_backtest(ws, draft)
        except UserError as exc:
            view["backtest_error"] = exc.message
        decision = may_edit(ws, actor, draft.spec.node, *([old_node] if original else []))
        view["may_save"], view["save_reason"] = bool(decision), decision.reason
    if view["existing"]:
        decision = may_edit(ws, actor, old_node)
        view["may_change"], view["change_reason"] = bool(decision), decision.reason
        view["enabled"] = ws.spec.alerts[original].enabled
    return view
