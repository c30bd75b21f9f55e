"""The PDCA log on every node (use cases): target revisions, actions with their measured
effect, qualitative notes and check-ins, kept in the state database.

``PdcaLog(ws)`` is reached through ``Workspace.pdca()``. Every write goes through
``pdca_access.authorize`` (the one policy function) before anything is stored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ikkan.auth.audit import Origin, record
from ikkan.errors import UserError, did_you_mean, valid_values
from ikkan.model.periods import Grain, parse_period
from ikkan.model.planning import SCENARIOS, make_plan
from ikkan.model.revisions import (
    SCOPE_PERIOD,
    EffectiveTargets,
    Revision,
    diff_plans,
    effective_targets,
    yaml_target,
)
from ikkan.monitor.effect import EffectResult, measure_effect
from ikkan.services.pdca_access import authorize
from ikkan.services.pdca_records import (
    ActionView,
    Entry,
    action_view,
    checkin_entry,
    note_entry,
    revision_from_row,
)
from ikkan.services.pdca_rules import (
    ACTION_STATUSES,
    CHECKIN_STATUSES,
    NOTE_KINDS,
    check_action,
    last_complete_month,
    target_in_force,
)
from ikkan.state.pdca import CheckIn, PdcaAction, PdcaNote, TargetRevision
from ikkan.state.policy import Action, Actor

if TYPE_CHECKING:
    from ikkan.services.project_view import ProjectView

__all__ = ["ActionView", "Entry", "PdcaLog"]

Row = TypeVar("Row", TargetRevision, PdcaAction, PdcaNote, CheckIn)
Out = TypeVar("Out")


class PdcaLog:
    def __init__(self, ws: ProjectView) -> None:
        self.ws = ws
        self.tree = ws.require_valid()

    # -- plumbing ------------------------------------------------------------------------
    def _engine(self) -> Engine:
        return self.ws.state_engine()

    def _now(self) -> datetime:
        zone = ZoneInfo(self.ws.spec.company.timezone)
        return self.ws.clock.now(zone).replace(tzinfo=None, microsecond=0)

    def _audit(
        self,
        session: Session,
        actor: Actor,
        action: str,
        node_id: str,
        origin: Origin | None,
        detail: dict[str, Any],
    ) -> None:
        """The audit entry of a write, in the write's own transaction."""
        record(
            session,
            actor=actor.username,
            action=action,
            target=f"node:{node_id}",
            origin=origin or Origin.cli(),
            clock=self.ws.clock,
            detail=detail,
        )

    def _store(
        self,
        row: Row,
        actor: Actor,
        action: str,
        origin: Origin | None,
        detail: Callable[[Row], dict[str, Any]],
        view: Callable[[Row], Out],
    ) -> Out:
        """Insert ``row`` and its audit entry in one transaction; ``detail`` and ``view`` read
        the row once it has its id."""
        with Session(self._engine()) as session, session.begin():
            session.add(row)
            session.flush()
            self._audit(session, actor, action, row.node_id, origin, detail(row))
            return view(row)

    def _node(self, node_id: str) -> None:
        if node_id not in self.tree.nodes:
            raise UserError(
                f"unknown node '{node_id}'",
                hint=did_you_mean(node_id, self.tree.nodes) or "see 'ikkan plan' for ids",
            )

    def stamp(self) -> tuple[Any, ...]:
        """Changes whenever anything in the PDCA log is written (cheap: four aggregates)."""
        with Session(self._engine()) as session:
            return tuple(
                tuple(session.execute(select(func.count(), func.max(column))).one())
                for column in (
                    TargetRevision.id,
                    PdcaAction.updated_at,
                    PdcaNote.id,
                    CheckIn.id,
                )
            )

    # -- target revisions ----------------------------------------------------------------
    def revisions(self, node_id: str | None = None) -> list[Revision]:
        if not self.ws.state_exists():
            return []
        with Session(self._engine()) as session:
            query = select(TargetRevision).order_by(TargetRevision.id)
            if node_id:
                query = query.where(TargetRevision.node_id == node_id)
            return [revision_from_row(r) for r in session.scalars(query)]

    def effective(self) -> EffectiveTargets:
        return effective_targets(self.tree, self.revisions())

    def check_period(self, period: str) -> str:
        """'' (the node's target as written) or a month key inside the plan period."""
        if period in ("", "plan"):
            return SCOPE_PERIOD
        plan = self.ws.plan()
        try:
            wanted = parse_period(period, self.ws.spec.company.fiscal_year_start)
        except UserError as exc:
            raise UserError(f"bad period '{period}': {exc.message}", hint=exc.hint) from exc
        if plan.period is not None and wanted.key == plan.period.key:
            return SCOPE_PERIOD
        months = [m.period.key for m in plan.months.get("commit", [])]
        if wanted.grain is not Grain.MONTH or wanted.key not in months:
            raise UserError(
                f"period '{period}' is neither the plan period nor one of its months",
                hint=f"use 'plan' or a month {months[0]} … {months[-1]}"
                if months
                else "set plan.period in ikkan.yml",
            )
        return wanted.key

    def revise_target(
        self,
        actor: Actor | None,
        node_id: str,
        scenario: str,
        value: float,
        reason: str,
        period: str = SCOPE_PERIOD,
        origin: Origin | None = None,
    ) -> Revision:
        """Store a revision (after the permission check) with the plan's diff it causes."""
        self._node(node_id)
        authorize(actor, Action.REVISE_TARGET, self.tree, node_id)
        assert actor is not None
        if scenario not in SCENARIOS:
            raise UserError(f"unknown scenario '{scenario}'", hint=valid_values(SCENARIOS))
        if not reason.strip():
            raise UserError("a target revision needs a reason", hint="say why it changes")
        if not math.isfinite(value) or value < 0:
            raise UserError(f"target {value} is not a usable number", hint="give 0 or more")
        scope = self.check_period(period)
        before = self.effective()
        old_plan = make_plan(before.tree, before.pins)
        old = target_in_force(before, old_plan, node_id, scenario, scope)
        node = self.tree.nodes[node_id]
        existing = self.revisions()
        provisional = Revision(
            max((r.id for r in existing), default=0) + 1,
            node_id,
            scenario,
            scope,
            old,
            float(value),
            yaml_target(node, scenario),
            reason.strip(),
            actor.username,
            max([self._now(), *(r.created_at for r in existing)]),
        )
        after = effective_targets(self.tree, [*existing, provisional])
        moved = diff_plans(old_plan, make_plan(after.tree, after.pins))
        row = TargetRevision(
            node_id=node_id,
            scenario=scenario,
            period=scope,
            old_value=old,
            new_value=provisional.new_value,
            yaml_value=provisional.yaml_value,
            reason=provisional.reason,
            actor=actor.username,
            created_at=provisional.created_at,
            moved=json.dumps([m.to_dict() for m in moved], ensure_ascii=False),
        )
        return self._store(
            row,
            actor,
            "revise_target",
            origin,
            lambda r: {
                "scenario": scenario,
                "period": scope,
                "old": old,
                "new": r.new_value,
                "reason": r.reason,
                "revision": r.id,
            },
            revision_from_row,
        )

    # -- actions -------------------------------------------------------------------------
    def add_action(
        self,
        actor: Actor | None,
        node_id: str,
        title: str,
        start: date,
        end: date,
        *,
        hypothesis: str = "",
        owner: str = "",
        status: str = "planned",
        expected_low: float | None = None,
        expected_high: float | None = None,
        origin: Origin | None = None,
    ) -> ActionView:
        self._node(node_id)
        authorize(actor, Action.LOG_ACTION, self.tree, node_id)
        assert actor is not None
        check_action(title, start, end, status, expected_low, expected_high)
        now = self._now()
        row = PdcaAction(
            node_id=node_id,
            title=title.strip(),
            hypothesis=hypothesis.strip(),
            owner=owner.strip(),
            start_date=start,
            end_date=end,
            status=status,
            expected_low=expected_low,
            expected_high=expected_high,
            actor=actor.username,
            created_at=now,
            updated_at=now,
        )
        return self._store(
            row,
            actor,
            "log_action",
            origin,
            lambda r: {"action": r.id, "title": r.title, "status": status},
            action_view,
        )

    def set_action_status(
        self,
        actor: Actor | None,
        action_id: int,
        status: str,
        *,
        end: date | None = None,
        origin: Origin | None = None,
    ) -> ActionView:
        if status not in ACTION_STATUSES:
            raise UserError(f"unknown status '{status}'", hint=valid_values(ACTION_STATUSES))
        with Session(self._engine()) as session, session.begin():
            row = session.get(PdcaAction, action_id)
            if row is None:
                raise UserError(f"no action #{action_id}", hint="see 'ikkan actions list'")
            authorize(actor, Action.LOG_ACTION, self.tree, row.node_id)
            if end is not None:
                if end < row.start_date:
                    raise UserError(
                        f"end {end} is before the start {row.start_date}",
                        hint="give an end on or after the start",
                    )
                row.end_date = end
            row.status = status
            row.updated_at = self._now()
            session.flush()
            assert actor is not None
            self._audit(
                session,
                actor,
                "action_status",
                row.node_id,
                origin,
                {"action": action_id, "status": status, "end": row.end_date},
            )
            view = self._view(row, measure=False)
        return self._with_effect(view)

    def actions(
        self, node_id: str | None = None, status: str | None = None, *, measure: bool = True
    ) -> list[ActionView]:
        if not self.ws.state_exists():
            return []
        with Session(self._engine()) as session:
            query = select(PdcaAction).order_by(PdcaAction.start_date, PdcaAction.id)
            if node_id:
                query = query.where(PdcaAction.node_id == node_id)
            if status:
                query = query.where(PdcaAction.status == status)
            views = [self._view(r, measure=False) for r in session.scalars(query)]
        return [self._with_effect(v) for v in views] if measure else views

    def _view(self, row: PdcaAction, *, measure: bool) -> ActionView:
        view = action_view(row)
        return self._with_effect(view) if measure else view

    def _with_effect(self, view: ActionView) -> ActionView:
        if view.status != "done" or view.node_id not in self.tree.nodes:
            return view
        return replace(view, effect=self.effect(view.node_id, view.start, view.end))

    def effect(self, node_id: str, start: date, end: date) -> EffectResult:
        """The measured effect of an action on ``node_id`` over ``start`` … ``end``."""
        values = self.monthly_values(node_id)
        as_of = self.ws.data_as_of()
        last_complete = last_complete_month(as_of)
        return measure_effect(
            values,
            start.strftime("%Y-%m"),
            end.strftime("%Y-%m"),
            last_complete_month=last_complete,
        )

    def monthly_values(self, node_id: str) -> dict[str, float | None]:
        if "month" not in self.ws.spec.measure.grains:
            return {}
        series = self.ws.series(node_id, grain="month")
        return {p.period: p.value for p in series.points if not p.dimension_value}

    # -- notes and check-ins ---------------------------------------------------------------
    def add_note(
        self,
        actor: Actor | None,
        node_id: str,
        body: str,
        kind: str = "other",
        origin: Origin | None = None,
    ) -> Entry:
        self._node(node_id)
        authorize(actor, Action.WRITE_NOTE, self.tree, node_id)
        assert actor is not None
        if kind not in NOTE_KINDS:
            raise UserError(f"unknown note kind '{kind}'", hint=valid_values(NOTE_KINDS))
        if not body.strip():
            raise UserError("the note is empty", hint="write what was said or decided")
        row = PdcaNote(
            node_id=node_id,
            kind=kind,
            body=body.strip(),
            actor=actor.username,
            created_at=self._now(),
        )
        return self._store(
            row, actor, "write_note", origin, lambda r: {"note": r.id, "kind": kind}, note_entry
        )

    def notes(self, node_id: str | None = None) -> list[Entry]:
        if not self.ws.state_exists():
            return []
        with Session(self._engine()) as session:
            query = select(PdcaNote).order_by(PdcaNote.created_at.desc(), PdcaNote.id.desc())
            if node_id:
                query = query.where(PdcaNote.node_id == node_id)
            return [note_entry(r) for r in session.scalars(query)]

    def add_checkin(
        self,
        actor: Actor | None,
        node_id: str,
        status: str,
        value: float | None = None,
        comment: str = "",
        origin: Origin | None = None,
    ) -> Entry:
        self._node(node_id)
        authorize(actor, Action.WRITE_NOTE, self.tree, node_id)
        assert actor is not None
        if status not in CHECKIN_STATUSES:
            raise UserError(f"unknown status '{status}'", hint=valid_values(CHECKIN_STATUSES))
        if value is not None and not math.isfinite(value):
            raise UserError(f"check-in value {value} is not a number", hint="give a number")
        row = CheckIn(
            node_id=node_id,
            value=value,
            status=status,
            comment=comment.strip(),
            actor=actor.username,
            created_at=self._now(),
        )
        return self._store(
            row,
            actor,
            "check_in",
            origin,
            lambda r: {"checkin": r.id, "status": status, "value": value},
            checkin_entry,
        )

    def checkins(self, node_id: str | None = None) -> list[Entry]:
        if not self.ws.state_exists():
            return []
        with Session(self._engine()) as session:
            query = select(CheckIn).order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            if node_id:
                query = query.where(CheckIn.node_id == node_id)
            return [checkin_entry(r) for r in session.scalars(query)]
