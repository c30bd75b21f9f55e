"""What a route declares about its permission: ``require(action, department_of=...)`` or
``public``. The guard (``guard.py``) reads the declaration and asks ``policy.decide``; routes
never call ``decide`` themselves.

Usage in a route module::

    from ikkan.web.auth import node_in_path, require
    from ikkan.state.policy import Action, Actor

    @app.post("/node/{node_id}/targets")
    def revise(
        node_id: str,
        actor: Annotated[Actor, require(Action.REVISE_TARGET, department_of=node_in_path())],
    ) -> Response:
        ...  # runs only when the signed-in actor may revise targets of this node's department

``require`` returns a FastAPI ``Depends`` whose value is the signed-in ``Actor`` (name it in
the audit log). ``department_of`` says which department the request acts on: ``None`` for
actions not on a node (user management), ``node_in_path("node_id")`` / ``node_in_body("node")``
for a node named in the URL or in the form / JSON body, or any ``async (Request) -> str | None``
(e.g. look up the node of an action id). GET routes are guarded for ``Action.READ`` already;
add ``require`` to a GET only for a stricter action (the audit page: ``Action.READ_AUDIT``).

Every non-GET route must declare ``require`` or ``public``: the guard refuses an undeclared
write with 403 and tests/web/test_authorization_matrix.py fails on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from ikkan.state.policy import Action, Actor

DepartmentOf = Callable[[Request], Awaitable[str | None]]


class NodeNotFoundError(LookupError):
    """A resolver was given a node id the tree does not have."""


def _department_of_node(request: Request, node_id: str | None) -> str | None:
    from ikkan.web.context import NotFound, store_of

    tree = store_of(request).current().ws.tree
    if tree is None or node_id is None or node_id not in tree.nodes:
        raise NotFound(f"unknown node '{node_id}'", hint="see /api/tree for the node ids")
    department: str | None = tree.nodes[node_id].department
    return department


@dataclass(frozen=True)
class NodeInPath:
    """The department of the node whose id is the path parameter ``param``."""

    param: str = "node_id"

    async def __call__(self, request: Request) -> str | None:
        return _department_of_node(request, request.path_params.get(self.param))


@dataclass(frozen=True)
class NodeInBody:
    """The department of the node named by field ``field`` of the form or JSON body."""

    field: str = "node"

    async def __call__(self, request: Request) -> str | None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                body = {}
            value = body.get(self.field) if isinstance(body, dict) else None
        else:
            value = (await request.form()).get(self.field)
        return _department_of_node(request, value if isinstance(value, str) else None)


def node_in_path(param: str = "node_id") -> NodeInPath:
    return NodeInPath(param)


def node_in_body(field: str = "node") -> NodeInBody:
    return NodeInBody(field)


@dataclass(frozen=True)
class Rule:
    """A route's declared permission (``action is None``: public)."""

    action: Action | None
    department_of: DepartmentOf | None = None

    def __call__(self, request: Request) -> Actor:
        """The dependency's value: the actor the guard has already allowed."""
        allowed = getattr(request.state, "allowed_rule", None)
        actor = getattr(request.state, "actor", None)
        if allowed is not self or (self.action is not None and actor is None):
            raise RuntimeError("the auth guard did not run before this route's rule")
        return actor  # type: ignore[return-value]  # None only on a public route


def require(action: Action, *, department_of: DepartmentOf | None = None) -> Any:
    """Declare that a route needs ``action`` (on the department ``department_of`` finds);
    use as ``actor: Annotated[Actor, require(...)]``."""
    return Depends(Rule(action, department_of))


PUBLIC = Rule(None)
public: Any = Depends(PUBLIC)  # open to everyone: the sign-in form


def rule_of(route: Any) -> Rule | None:
    """The rule a route declared, if any (looked up in its dependency tree)."""
    dependant = getattr(route, "dependant", None)
    stack = list(dependant.dependencies) if dependant is not None else []
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Rule):
            return dep.call
        stack.extend(dep.dependencies)
    return None
