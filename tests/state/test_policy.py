"""The permission check over every role × own / other department × action."""

from __future__ import annotations

import pytest

from ikkan.state.policy import ADMIN_ONLY, EVERYONE, NODE_WRITES, Action, Actor, Role, decide

ADMIN = Actor("aiko", Role.ADMIN)
MARKETING_EDITOR = Actor("mei", Role.EDITOR, frozenset({"marketing"}))
TWO_DEPARTMENT_EDITOR = Actor("ken", Role.EDITOR, frozenset({"sales", "inside_sales"}))
VIEWER = Actor("yui", Role.VIEWER)


@pytest.mark.parametrize("action", list(Action))
def test_admin_may_do_everything(action: Action) -> None:
    assert decide(ADMIN, action, "sales")
    assert decide(ADMIN, action, None)


@pytest.mark.parametrize("actor", [ADMIN, MARKETING_EDITOR, VIEWER])
def test_everyone_signed_in_reads(actor: Actor) -> None:
    assert decide(actor, Action.READ, "sales")


@pytest.mark.parametrize("actor", [ADMIN, MARKETING_EDITOR, VIEWER])
def test_everyone_signed_in_manages_their_own_account(actor: Actor) -> None:
    assert decide(actor, Action.ACCOUNT)


def test_every_action_has_a_rule() -> None:
    assert set(Action) == NODE_WRITES | ADMIN_ONLY | EVERYONE


@pytest.mark.parametrize("action", sorted(NODE_WRITES))
def test_editor_writes_own_department_only(action: Action) -> None:
    assert decide(MARKETING_EDITOR, action, "marketing")
    refused = decide(MARKETING_EDITOR, action, "sales")
    assert not refused
    assert "sales" in refused.reason and "marketing" in refused.reason
    assert decide(TWO_DEPARTMENT_EDITOR, action, "inside_sales")
    assert not decide(TWO_DEPARTMENT_EDITOR, action, "marketing")
    assert not decide(MARKETING_EDITOR, action, None)


@pytest.mark.parametrize("action", sorted(NODE_WRITES | ADMIN_ONLY))
def test_viewer_never_writes(action: Action) -> None:
    assert not decide(VIEWER, action, "marketing")


@pytest.mark.parametrize("action", sorted(ADMIN_ONLY))
def test_admin_only_actions(action: Action) -> None:
    assert not decide(MARKETING_EDITOR, action, "marketing")


@pytest.mark.parametrize("action", list(Action))
def test_nobody_signed_in_may_do_nothing(action: Action) -> None:
    decision = decide(None, action, "marketing")
    assert not decision and decision.reason == "sign in first"
