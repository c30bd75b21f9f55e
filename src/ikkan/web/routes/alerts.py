"""The Alerts page (firing alerts, history, acknowledge and mute buttons) and its JSON twin.

Read live from the project's warehouse, not the snapshot: an acknowledgement must show at
once, without a refresh. The two POSTs go through the dashboard's sign-in guard: they need
the session's CSRF token (``csrf_token`` field) and the ``ack_alert`` permission on the
department of the rule's node (pipeline and SLA rules have no node: ``ack_alert`` on any
department is not enough, the decision is taken without one).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ikkan.alerts.observe import wall_clock
from ikkan.alerts.overview import rule_overview
from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor
from ikkan.web.auth.rules import require
from ikkan.web.context import Ctx, CtxDep, store_of
from ikkan.web.render import Renderer
from ikkan.web.views.alerts import BacktestOf, alerts_view
from ikkan.web.views.common import header, status_of


def _kept(c: Ctx, ws: Any) -> BacktestOf:
    """Each rule's backtest kept per snapshot (the data it replays), project day (its
    12-month window ends today) and the rule as written (the editor may change it between
    snapshots): computed once, not on every visit."""
    day = wall_clock(ws).date()

    def backtest_of(rule_id: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        rule = ws.spec.alerts[rule_id].model_dump_json()
        key = ("alert_backtest", rule_id, rule, day)
        value: dict[str, Any] = c.snap.cached(key, compute)
        return value

    return backtest_of


def _workspace(request: Request) -> Any:
    from ikkan.workspace import Workspace

    store = store_of(request)
    return Workspace.open(store.root, clock=store.clock)


async def rule_department(request: Request) -> str | None:
    """The department of the node the posted rule watches (None for a rule without one)."""
    value = (await request.form()).get("rule")
    ws = store_of(request).current().ws
    rule = ws.spec.alerts.get(value) if isinstance(value, str) else None
    tree = ws.tree
    if rule is None or rule.node is None or tree is None or rule.node not in tree.nodes:
        return None
    department: str | None = tree.nodes[rule.node].department
    return department


def _audit(request: Request, actor: Actor, action: str, rule: str, detail: dict[str, Any]) -> None:
    """The acknowledgement or mute in the dashboard's audit log (the state database)."""
    from sqlalchemy.orm import Session

    from ikkan.auth.audit import record
    from ikkan.web.auth.config import auth_of
    from ikkan.web.auth.identity import origin_of

    auth = auth_of(request)
    with Session(auth.engine) as session, session.begin():
        record(
            session,
            actor=actor.username,
            action=action,
            target=f"alert:{rule}",
            origin=origin_of(request),
            clock=auth.clock,
            detail=detail,
        )


SlaRuleQ = Annotated[str | None, Query(description="one SLA rule id (default: every one)")]
OwnerQ = Annotated[str | None, Query(description="one lead owner (default: every one)")]
DaysQ = Annotated[int, Query(ge=1, le=3660, description="span of the historical attainment")]


def sla_view(ws: Any, lang: str, rule: str | None, owner: str | None, days: int) -> dict[str, Any]:
    from ikkan.alerts.sla_live import boards_json, sla_boards

    boards = sla_boards(
        ws, wall_clock(ws), rule_id=rule, owner=owner or None, history_days=days, lang=lang
    )
    return {**boards_json(boards), "owner": owner or None, "days": days}


AckAlert = Annotated[Actor, require(Action.ACK_ALERT, department_of=rule_department)]


def register_alerts(app: FastAPI, renderer: Renderer) -> None:
    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False, name="alerts_page")
    def alerts_page(request: Request, c: CtxDep) -> Response:
        ws = _workspace(request)
        view = alerts_view(ws, c.fmt, c.lang, with_rules=False)  # loaded apart: /alerts/rules
        view["header"] = header(c.snap, status_of(c.snap, c.filters), c.filters, c.fmt)
        return renderer.live_page(request, c, "alerts", view)

    @app.get("/api/alerts", tags=["pages"], name="alerts_api", response_class=JSONResponse)
    def alerts_api(request: Request, c: CtxDep) -> dict[str, Any]:
        """Alert instances that are not ok (firing first), the rules and the latest
        history rows (transitions, notifications, acknowledgements, mutes)."""
        ws = _workspace(request)
        return alerts_view(ws, c.fmt, c.lang, backtest_of=_kept(c, ws))

    @app.get("/alerts/rules", response_class=HTMLResponse, include_in_schema=False)
    def alerts_rules(request: Request, c: CtxDep) -> Response:
        """The rules table with each rule's backtest (the page loads it after itself)."""
        ws = _workspace(request)
        view = {"rules": rule_overview(ws, c.lang, wall_clock(ws), _kept(c, ws))}
        html = renderer.env.get_template("_alert_rules.html").render(
            t=c.t, view=view, f=c.filters, lang=c.lang
        )
        return HTMLResponse(html)

    @app.get("/alerts/sla", response_class=HTMLResponse, include_in_schema=False)
    def alerts_sla_page(
        request: Request, c: CtxDep, rule: SlaRuleQ = None, owner: OwnerQ = None, days: DaysQ = 90
    ) -> Response:
        """The handoff SLA live: leads breaching or at risk, per owner (``sla_live``)."""
        ws = _workspace(request)
        view = sla_view(ws, c.lang, rule, owner, days)
        view["header"] = header(c.snap, status_of(c.snap, c.filters), c.filters, c.fmt)
        return renderer.live_page(request, c, "alerts_sla", view, fmt=c.fmt)

    @app.get("/api/alerts/sla", tags=["pages"], name="alerts_sla_api")
    def alerts_sla_api(
        request: Request, c: CtxDep, rule: SlaRuleQ = None, owner: OwnerQ = None, days: DaysQ = 90
    ) -> dict[str, Any]:
        """Every SLA rule's leads breaching or at risk now (owner, entry, business hours
        elapsed / allowed, deadline) and per owner the counts and the attainment over the
        rule's window and the last ``days`` days: ``ikkan alerts sla --json``."""
        return sla_view(_workspace(request), c.lang, rule, owner, days)

    @app.post("/alerts/ack", include_in_schema=False)
    def ack(
        request: Request,
        actor: AckAlert,
        rule: Annotated[str, Form()],
        instance: Annotated[str, Form()] = "",
    ) -> Response:
        from ikkan.alerts.actions import act

        act(_workspace(request), rule, instance, "acknowledge", who=actor.username)
        _audit(request, actor, "alert_acknowledge", rule, {"instance": instance})
        return RedirectResponse("/alerts", status_code=303)

    @app.post("/alerts/mute", include_in_schema=False)
    def mute(
        request: Request,
        actor: AckAlert,
        rule: Annotated[str, Form()],
        until: Annotated[str, Form()],
        instance: Annotated[str, Form()] = "",
    ) -> Response:
        from ikkan.alerts.actions import act

        try:
            end = datetime.fromisoformat(until)
        except ValueError:
            raise UserError(
                f"'{until}' is not a date and time", hint="e.g. 2027-01-04T09:00"
            ) from None
        act(_workspace(request), rule, instance, "mute", until=end, who=actor.username)
        _audit(request, actor, "alert_mute", rule, {"instance": instance, "until": until})
        return RedirectResponse("/alerts", status_code=303)
