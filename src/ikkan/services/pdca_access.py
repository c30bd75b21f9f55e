"""Every PDCA write passes here: ``authorize`` asks ``state.policy.decide`` for the node's
department and refuses with ``NotAllowed`` (the web answers 403, the CLI exits 1).

``local_actor`` is the CLI's actor: whoever runs ``ikkan`` on the project folder already
holds its files (and could edit ikkan.yml or the state database), so the CLI acts as an admin
named after ``--by``, ``IKKAN_USER`` or the login name, as ``ikkan users`` does; its writes
are audited with origin ``cli``. The web takes the signed-in actor from ``require(...)``
(web/routes/pdca.py).
"""

from __future__ import annotations

import getpass
import os

from ikkan.errors import UserError
from ikkan.model.tree import KpiTree
from ikkan.state.policy import Action, Actor, Role, decide


class NotAllowed(UserError):
    """The actor may not take this action on this node (HTTP 403)."""


def authorize(actor: Actor | None, action: Action, tree: KpiTree, node_id: str) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may take ``action`` on ``node_id``."""
    node = tree.nodes.get(node_id)
    department = node.department if node is not None else None
    decision = decide(actor, action, department)
    if not decision:
        raise NotAllowed(
            f"not allowed: {decision.reason}",
            hint="ask an admin or an editor of the node's department",
        )


def local_actor(name: str | None = None) -> Actor:
    """The person running the CLI, as an admin (see the module doc)."""
    username = name or os.environ.get("IKKAN_USER") or _login()
    return Actor(username, Role.ADMIN)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"
