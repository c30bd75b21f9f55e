"""PDCA writes (forms and JSON) and reads: target revisions, actions, notes, check-ins.

Every write declares its permission with ``require(action, department_of=...)`` (the sign-in
guard asks ``policy.decide`` for the node's department before the route runs), takes the
signed-in actor from it and goes through ``Workspace.pdca()``, which asks the same policy
again and writes the audit entry in the same transaction.
A form answers with a 303 back to the node's page (htmx's boost follows it and swaps the
page); the JSON twin answers with the stored record.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ikkan.auth.audit import Origin
from ikkan.errors import UserError
from ikkan.services.pdca import PdcaLog
from ikkan.state.policy import Action, Actor
from ikkan.web.actor import current_actor
from ikkan.web.auth.identity import origin_of
from ikkan.web.auth.rules import node_in_path, require
from ikkan.web.context import Ctx, CtxDep, require_node, store_of
from ikkan.web.views.pdca import action_dict, entry_dict, node_pdca


class RevisionIn(BaseModel):
    scenario: str = Field("commit", description="commit or stretch")
    value: float = Field(description="the new target, in the node's unit")
    reason: str = Field(description="why it changes (required)")
    period: str = Field("", description="'' (the target as written) or a month YYYY-MM")


class ActionIn(BaseModel):
    title: str
    start: date
    end: date
    hypothesis: str = ""
    owner: str = ""
    status: str = "planned"
    expected_low: float | None = Field(None, description="fraction, e.g. 0.1 for +10%")
    expected_high: float | None = None


class StatusIn(BaseModel):
    status: str = Field(description="planned, doing, done or dropped")
    end: date | None = None


class NoteIn(BaseModel):
    body: str
    kind: str = "other"


class CheckInIn(BaseModel):
    status: str = Field(description="on_track, at_risk or off_track")
    value: float | None = None
    comment: str = ""


async def _node_of_action(request: Request) -> str | None:
    """The department of the node an action (``action_id`` in the path) is on."""
    from ikkan.state.pdca import PdcaAction
    from ikkan.web.context import NotFound

    raw = request.path_params.get("action_id", "")
    store = store_of(request)
    ws = store.source
    row = None
    if str(raw).isdigit() and ws.state_exists():
        from sqlalchemy.orm import Session

        with Session(ws.state_engine()) as session:
            row = session.get(PdcaAction, int(raw))
    if row is None:
        raise NotFound(f"no action #{raw}", hint="see /api/nodes/<node>/pdca")
    tree = store.current().ws.tree
    node = tree.nodes.get(row.node_id) if tree else None
    return node.department if node else None


Revise = Annotated[Actor, require(Action.REVISE_TARGET, department_of=node_in_path())]
LogAction = Annotated[Actor, require(Action.LOG_ACTION, department_of=node_in_path())]
ChangeAction = Annotated[Actor, require(Action.LOG_ACTION, department_of=_node_of_action)]
WriteNote = Annotated[Actor, require(Action.WRITE_NOTE, department_of=node_in_path())]


def _origin(request: Request) -> Origin:
    return origin_of(request, getattr(request.state, "identity", None))


def _log(c: Ctx) -> PdcaLog:
    return c.store.source.pdca()


def _done(request: Request, node_id: str, c: Ctx, anchor: str) -> Response:
    store_of(request).state_changed()
    return RedirectResponse(f"/node/{node_id}?lang={c.lang}#{anchor}", status_code=303)


def _number(text: str, what: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise UserError(f"{what} '{text}' is not a number", hint="e.g. 1200 or 12%") from None


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} '{text}' is not a date", hint="use YYYY-MM-DD") from None


def register_pdca(app: FastAPI) -> None:
    # -- forms ------------------------------------------------------------------------------
    @app.post("/node/{node_id}/targets", include_in_schema=False)
    def revise_form(
        request: Request,
        node_id: str,
        c: CtxDep,
        actor: Revise,
        value: str = Form(...),
        reason: str = Form(""),
        scenario: str = Form("commit"),
        period: str = Form(""),
    ) -> Response:
        require_node(c, node_id)
        number = _number(value, "target")
        if number is None:
            raise UserError("the new target is empty", hint="give a number")
        _log(c).revise_target(actor, node_id, scenario, number, reason, period, _origin(request))
        return _done(request, node_id, c, "revisions")

    @app.post("/node/{node_id}/actions", include_in_schema=False)
    def action_form(
        request: Request,
        node_id: str,
        c: CtxDep,
        actor: LogAction,
        title: str = Form(""),
        start: str = Form(...),
        end: str = Form(...),
        hypothesis: str = Form(""),
        owner: str = Form(""),
        status: str = Form("planned"),
        expected_low: str = Form(""),
        expected_high: str = Form(""),
    ) -> Response:
        require_node(c, node_id)
        low = _number(expected_low, "expected effect")
        high = _number(expected_high, "expected effect")
        _log(c).add_action(
            actor,
            node_id,
            title,
            _day(start, "start"),
            _day(end, "end"),
            hypothesis=hypothesis,
            owner=owner,
            status=status,
            expected_low=low,
            expected_high=high if high is not None else low,
            origin=_origin(request),
        )
        return _done(request, node_id, c, "actions")

    @app.post("/actions/{action_id}/status", include_in_schema=False)
    def action_status_form(
        request: Request,
        action_id: int,
        c: CtxDep,
        actor: ChangeAction,
        status: str = Form("done"),
    ) -> Response:
        view = _log(c).set_action_status(actor, action_id, status, origin=_origin(request))
        return _done(request, view.node_id, c, "actions")

    @app.post("/node/{node_id}/notes", include_in_schema=False)
    def note_form(
        request: Request,
        node_id: str,
        c: CtxDep,
        actor: WriteNote,
        body: str = Form(""),
        kind: str = Form("other"),
    ) -> Response:
        require_node(c, node_id)
        _log(c).add_note(actor, node_id, body, kind, _origin(request))
        return _done(request, node_id, c, "notes")

    @app.post("/node/{node_id}/checkins", include_in_schema=False)
    def checkin_form(
        request: Request,
        node_id: str,
        c: CtxDep,
        actor: WriteNote,
        status: str = Form(...),
        value: str = Form(""),
        comment: str = Form(""),
    ) -> Response:
        require_node(c, node_id)
        _log(c).add_checkin(
            actor, node_id, status, _number(value, "value"), comment, _origin(request)
        )
        return _done(request, node_id, c, "checkins")

    # -- JSON -------------------------------------------------------------------------------
    @app.get("/api/nodes/{node_id}/pdca", tags=["pdca"])
    def pdca_api(request: Request, node_id: str, c: CtxDep) -> dict[str, Any]:
        """The node's target revisions, actions (with measured effects), notes, check-ins."""
        require_node(c, node_id)
        return node_pdca(c.snap, c.filters, c.fmt, node_id, current_actor(request))

    @app.post("/api/nodes/{node_id}/targets", tags=["pdca"], status_code=201)
    def revise_api(
        request: Request, node_id: str, body: RevisionIn, c: CtxDep, actor: Revise
    ) -> JSONResponse:
        """Revise a node's commit or stretch target (a reason is required)."""
        require_node(c, node_id)
        revision = _log(c).revise_target(
            actor, node_id, body.scenario, body.value, body.reason, body.period, _origin(request)
        )
        store_of(request).state_changed()
        return JSONResponse(
            {
                "id": revision.id,
                "node": revision.node_id,
                "scenario": revision.scenario,
                "period": revision.period,
                "old": revision.old_value,
                "new": revision.new_value,
                "reason": revision.reason,
                "actor": revision.actor,
                "created_at": revision.created_at.isoformat(),
                "moved": [m.to_dict() for m in revision.moved],
            },
            status_code=201,
        )

    @app.post("/api/nodes/{node_id}/actions", tags=["pdca"], status_code=201)
    def action_api(
        request: Request, node_id: str, body: ActionIn, c: CtxDep, actor: LogAction
    ) -> JSONResponse:
        """Log an action on a node."""
        require_node(c, node_id)
        view = _log(c).add_action(
            actor,
            node_id,
            body.title,
            body.start,
            body.end,
            hypothesis=body.hypothesis,
            owner=body.owner,
            status=body.status,
            expected_low=body.expected_low,
            expected_high=body.expected_high,
            origin=_origin(request),
        )
        store_of(request).state_changed()
        return JSONResponse(action_dict(view, c.snap, c.fmt, c.lang), status_code=201)

    @app.post("/api/actions/{action_id}/status", tags=["pdca"])
    def action_status_api(
        request: Request, action_id: int, body: StatusIn, c: CtxDep, actor: ChangeAction
    ) -> dict[str, Any]:
        """Change an action's status; a done action carries its measured effect."""
        view = _log(c).set_action_status(
            actor, action_id, body.status, end=body.end, origin=_origin(request)
        )
        store_of(request).state_changed()
        return action_dict(view, c.snap, c.fmt, c.lang)

    @app.post("/api/nodes/{node_id}/notes", tags=["pdca"], status_code=201)
    def note_api(
        request: Request, node_id: str, body: NoteIn, c: CtxDep, actor: WriteNote
    ) -> JSONResponse:
        """Add a qualitative note (customer_voice, minutes, other)."""
        require_node(c, node_id)
        entry = _log(c).add_note(actor, node_id, body.body, body.kind, _origin(request))
        store_of(request).state_changed()
        unit = c.snap.ws.tree.nodes[node_id].unit if c.snap.ws.tree else None
        return JSONResponse(entry_dict(entry, c.fmt, c.lang, unit), status_code=201)

    @app.post("/api/nodes/{node_id}/checkins", tags=["pdca"], status_code=201)
    def checkin_api(
        request: Request, node_id: str, body: CheckInIn, c: CtxDep, actor: WriteNote
    ) -> JSONResponse:
        """Record a check-in (value, status, comment)."""
        require_node(c, node_id)
        entry = _log(c).add_checkin(
            actor, node_id, body.status, body.value, body.comment, _origin(request)
        )
        store_of(request).state_changed()
        unit = c.snap.ws.tree.nodes[node_id].unit if c.snap.ws.tree else None
        return JSONResponse(entry_dict(entry, c.fmt, c.lang, unit), status_code=201)
