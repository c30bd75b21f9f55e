"""Who may do what: the one permission check, over role × department × action.

Everyone signed in reads the whole tree (a shared dashboard is the point). Writes that touch a
node are scoped to the editor's departments; admins may do everything; viewers write nothing.
Every page, API call and CLI command asks ``decide`` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # any page or API read
    REVISE_TARGET = "revise_target"  # change a node's commit/stretch target
    LOG_ACTION = "log_action"  # create/update a PDCA action on a node
    WRITE_NOTE = "write_note"  # qualitative note or check-in on a node
    ACK_ALERT = "ack_alert"  # acknowledge or mute an alert on a node
    MANAGE_USERS = "manage_users"  # add, disable, reset, change roles, tokens of others
    READ_AUDIT = "read_audit"  # read the audit log
    ACCOUNT = "account"  # one's own account: change one's password, sign out
    EDIT_SCORING = "edit_scoring"  # publish lead scoring rules (owned by scoring.department)


# Actions on a node (or on what a department owns, such as the scoring rules): an editor
# may take them for the departments they edit.
NODE_WRITES = frozenset(
    {
        Action.REVISE_TARGET,
        Action.LOG_ACTION,
        Action.WRITE_NOTE,
        Action.ACK_ALERT,
        Action.EDIT_SCORING,
    }
)
ADMIN_ONLY = frozenset({Action.MANAGE_USERS, Action.READ_AUDIT})
# Actions everyone signed in may take.
EVERYONE = frozenset({Action.READ, Action.ACCOUNT})


@dataclass(frozen=True)
class Actor:
    """A signed-in person (or an API token acting for one)."""

    username: str
    role: Role
    departments: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def decide(actor: Actor | None, action: Action, department: str | None = None) -> Decision:
    """Whether ``actor`` may take ``action`` on a node owned by ``department``.

    ``department`` is the node's department (``None`` for actions not on a node). A node
    without a department can be written by admins only: nobody else owns it.
    """
    if actor is None:
        return Decision(False, "sign in first")
    if actor.role is Role.ADMIN:
        return Decision(True, "admins may do everything")
    if action is Action.READ:
        return Decision(True, "everyone signed in reads the whole tree")
    if action is Action.ACCOUNT:
        return Decision(True, "everyone signed in manages their own account")
    if action in ADMIN_ONLY:
        return Decision(False, f"only admins may {action.value.replace('_', ' ')}")
    if actor.role is Role.VIEWER:
        return Decision(False, "viewers read but do not write")
    if action in NODE_WRITES:
        if department is None:
            return Decision(False, "this node has no department; an admin must do this")
        if department in actor.departments:
            return Decision(True, f"{actor.username} edits {department}")
        edits = ", ".join(sorted(actor.departments)) or "no department"
        return Decision(False, f"this node belongs to {department}; {actor.username} edits {edits}")
    return Decision(False, f"no rule allows {action.value}")
