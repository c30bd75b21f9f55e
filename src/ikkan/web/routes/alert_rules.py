"""``/alerts/rule``: write a new alert rule or edit one, see the draft's problems and its
12-month backtest before saving, then save, delete, disable or enable it.

The draft lives in the form: "backtest this draft" is a GET of the same page with the rule
id and its YAML in the query (nothing stored, the link can be shared), and
``/api/alerts/draft`` answers the JSON ``ikkan alerts test RULE --json`` prints for the
draft. Saving is a POST that needs the session's CSRF token and ``edit_alert_rule`` on the
department of the rule's node (and of its previous node when an edit moves it): an editor
of that department or an admin; a rule without a node, admins only. It rewrites only the
rule's lines under ``alerts:`` in ikkan.yml (restored when anything fails) and writes the
audit log (who, when, the rule).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

import json
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor
from ikkan.web.auth.rules import require
from ikkan.web.context import CtxDep, store_of
from ikkan.web.render import Renderer
from ikkan.web.routes.alerts import _audit, _workspace
from ikkan.web.views.alert_rules import alert_rule_view, may_edit, node_department


async def draft_department(request: Request) -> str | None:
    """The department of the node the posted draft watches (None: no node, unknown node or
    a draft that does not read as YAML; then only admins may save it)."""
    import yaml

    text = (await request.form()).get("yaml")
    try:
        data = yaml.safe_load(text) if isinstance(text, str) else None
    except yaml.YAMLError:
        return None
    node = data.get("node") if isinstance(data, dict) else None
    return node_department(store_of(request).current().ws, node if isinstance(node, str) else None)


async def posted_rule_department(request: Request) -> str | None:
    """The department of the node of the rule named by the form's ``rule``."""
    value = (await request.form()).get("rule")
    ws = store_of(request).current().ws
    rule = ws.spec.alerts.get(value) if isinstance(value, str) else None
    return node_department(ws, rule.node if rule is not None else None)


SaveRule = Annotated[Actor, require(Action.EDIT_ALERT_RULE, department_of=draft_department)]
ChangeRule = Annotated[Actor, require(Action.EDIT_ALERT_RULE, department_of=posted_rule_department)]


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def register_alert_rules(app: FastAPI, renderer: Renderer) -> None:
    def page(request: Request, c: Any, view: dict[str, Any], status: int = 200) -> Response:
        from ikkan.web.views.common import header, status_of

        view["header"] = header(c.snap, status_of(c.snap, c.filters), c.filters, c.fmt)
        response = renderer.live_page(request, c, "alert_rule", view)
        response.status_code = status
        return response

    @app.get("/alerts/rule", response_class=HTMLResponse, include_in_schema=False)
    def alert_rule_page(request: Request, c: CtxDep) -> Response:
        ws = _workspace(request)
        view = alert_rule_view(ws, dict(request.query_params), request.state.actor)
        return page(request, c, view)

    @app.get("/api/alerts/draft", tags=["pages"])
    def alert_rule_draft(request: Request, rule: str, yaml: str, original: str = "") -> Response:
        """The backtest of a draft rule (id ``rule``, its keys as YAML in ``yaml``): the JSON
        ``ikkan alerts test RULE --json`` prints once it is saved; 400 with the problems."""
        from ikkan.alerts.draft import parse_rule_draft
        from ikkan.web.views.alert_rules import draft_backtest

        ws = _workspace(request)
        draft = parse_rule_draft(ws, rule, yaml, original=original or None)
        if not draft.ok:
            body: Any = {"ok": False, "error": "the draft has problems", "errors": draft.errors}
            status = 400
        else:
            body, status = draft_backtest(ws, draft), 200
        text = json.dumps(body, ensure_ascii=False, default=str)
        return Response(text, status, media_type="application/json")

    @app.post("/alerts/rule/save", include_in_schema=False)
    async def alert_rule_save(request: Request, c: CtxDep, actor: SaveRule) -> Response:
        from starlette.concurrency import run_in_threadpool

        from ikkan.alerts.draft import parse_rule_draft
        from ikkan.alerts.rules_write import save_rule
        from ikkan.web.auth.guard import Forbidden

        form = await _form(request)
        ws = _workspace(request)
        original = form.get("original", "").strip() or None
        draft = parse_rule_draft(ws, form.get("rule", ""), form.get("yaml", ""), original=original)
        if not draft.ok:
            return page(request, c, _again(ws, form, actor, draft), 400)
        if original is not None and original in ws.spec.alerts:
            decision = may_edit(ws, actor, ws.spec.alerts[original].node)
            if not decision:
                raise Forbidden(decision.reason)
        root = store_of(request).root
        try:
            await run_in_threadpool(save_rule, root, draft.rule_id, draft.text, original=original)
        except UserError as exc:
            draft.add("yaml", exc.message)
            return page(request, c, _again(ws, form, actor, draft), 400)
        assert draft.spec is not None
        detail = {"node": draft.spec.node, "kind": str(draft.spec.kind), "original": original}
        _audit(request, actor, "alert_rule_save", draft.rule_id, detail)
        await run_in_threadpool(store_of(request).check)
        return RedirectResponse(f"/alerts?saved={draft.rule_id}", status_code=303)

    @app.post("/alerts/rule/delete", include_in_schema=False)
    async def alert_rule_delete(request: Request, actor: ChangeRule) -> Response:
        from starlette.concurrency import run_in_threadpool

        from ikkan.alerts.rules_write import delete_rule

        rule = (await _form(request)).get("rule", "")
        await run_in_threadpool(delete_rule, store_of(request).root, rule)
        _audit(request, actor, "alert_rule_delete", rule, {})
        await run_in_threadpool(store_of(request).check)
        return RedirectResponse(f"/alerts?deleted={rule}", status_code=303)

    @app.post("/alerts/rule/enable", include_in_schema=False)
    async def alert_rule_enable(request: Request, actor: ChangeRule) -> Response:
        from starlette.concurrency import run_in_threadpool

        from ikkan.alerts.rules_write import set_enabled

        form = await _form(request)
        rule, enabled = form.get("rule", ""), form.get("enabled") == "1"
        await run_in_threadpool(set_enabled, store_of(request).root, rule, enabled)
        _audit(request, actor, "alert_rule_enable", rule, {"enabled": enabled})
        await run_in_threadpool(store_of(request).check)
        return RedirectResponse(f"/alerts/rule?rule={rule}", status_code=303)


def _again(ws: Any, form: dict[str, str], actor: Actor, draft: Any) -> dict[str, Any]:
    """The editor again with the save's problems next to the fields."""
    query = {"original": form.get("original", "")}
    return alert_rule_view(ws, query, actor, draft)
