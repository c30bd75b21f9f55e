"""``/scoring``: edit a draft of the lead scoring rules, see its what-if against the rules in
force, the MQL advice for inside sales' capacity, and publish it with a reason.

The draft lives in the form: "what-if" is a GET of the same page with the fields in the
query (nothing stored, the link can be shared), publishing a POST that needs the session's
CSRF token and ``edit_scoring`` on ``scoring.department`` (an editor of that department, or
an admin). Publishing writes the ``scoring:`` block of ikkan.yml (the one source of truth),
records the version with who / why and the what-if against the previous version (the same
``Scoring.publish`` as ``ikkan scoring publish``), rescores every lead, and writes the audit
log. When anything fails, ikkan.yml is restored.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

import dataclasses
import json
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ikkan.errors import UserError
from ikkan.state.policy import Action, Actor
from ikkan.web.auth.rules import require
from ikkan.web.context import CtxDep, store_of
from ikkan.web.render import Renderer
from ikkan.web.views.scoring import scoring_view


async def scoring_department(request: Request) -> str | None:
    """The department that owns the scoring rules (``scoring.department``)."""
    spec = store_of(request).source.spec.scoring
    return spec.department if spec is not None else None


EditScoring = Annotated[Actor, require(Action.EDIT_SCORING, department_of=scoring_department)]


def _audit(request: Request, actor: Actor, version: int, why: str, rules_hash: str) -> None:
    from sqlalchemy.orm import Session

    from ikkan.auth.audit import record
    from ikkan.web.auth.config import auth_of
    from ikkan.web.auth.identity import origin_of

    auth = auth_of(request)
    with Session(auth.engine) as session, session.begin():
        record(
            session,
            actor=actor.username,
            action="scoring_publish",
            target=f"scoring:v{version}",
            origin=origin_of(request),
            clock=auth.clock,
            detail={"why": why, "rules_hash": rules_hash},
        )


def _refused(renderer: Renderer, request: Request, c: Any, view: dict[str, Any]) -> Response:
    """The form again with its problems next to the fields (400)."""
    response = renderer.live_page(request, c, "scoring", view)
    response.status_code = 400
    return response


def register_scoring(app: FastAPI, renderer: Renderer) -> None:
    @app.get("/scoring", response_class=HTMLResponse, include_in_schema=False)
    def scoring_page(request: Request, c: CtxDep) -> Response:
        view = scoring_view(c, dict(request.query_params), request.state.actor)
        return renderer.live_page(request, c, "scoring", view)

    @app.get("/api/scoring/whatif", tags=["pages"])
    def scoring_what_if(request: Request, c: CtxDep) -> Response:
        """The what-if of a draft (the /scoring form's fields) against the rules in force:
        the JSON ``ikkan scoring whatif --json`` prints; 400 with the problems by field."""
        from ikkan.services.scoring.draft import parse_draft

        scoring = c.store.source.scoring()
        draft = parse_draft(dict(request.query_params), scoring.spec)
        if draft.spec is None:
            body: Any = {"ok": False, "error": "the draft has problems", "errors": draft.errors}
            return Response(
                json.dumps(body, ensure_ascii=False), 400, media_type="application/json"
            )
        result = scoring.what_if(draft.spec, scoring.window()).to_dict()
        text = json.dumps(result, ensure_ascii=False, default=str)
        return Response(text, media_type="application/json")

    @app.post("/scoring/publish", include_in_schema=False)
    async def scoring_publish(request: Request, c: CtxDep, actor: EditScoring) -> Response:
        from starlette.concurrency import run_in_threadpool

        from ikkan.project.scoring_write import write_scoring
        from ikkan.project.yaml_blocks import write_text
        from ikkan.services.scoring.draft import parse_draft

        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        store = c.store
        scoring = store.source.scoring()
        draft = parse_draft(form, scoring.spec)
        why = form.get("why", "").strip()
        if not why:
            draft.add("why", c.t["scoring_why_needed"])
        if draft.spec is None or draft.errors:
            view = scoring_view(c, {}, actor, draft)
            view["why"] = form.get("why", "")
            return _refused(renderer, request, c, view)
        path = store.root / "ikkan.yml"

        def publish() -> Any:
            assert draft.spec is not None
            before = write_scoring(path, draft.spec)
            try:
                edited = dataclasses.replace(scoring, spec=draft.spec)
                return edited.publish(by=actor.username, why=why, window=edited.window())
            except BaseException:
                write_text(path, before)
                raise

        try:
            record = await run_in_threadpool(publish)
        except UserError as exc:
            draft.add("why", exc.message)
            view = scoring_view(c, {}, actor, draft)
            view["why"] = why
            return _refused(renderer, request, c, view)
        _audit(request, actor, record.version, why, record.rules_hash)
        await run_in_threadpool(store.check)
        return RedirectResponse(f"/scoring?published={record.version}", status_code=303)
