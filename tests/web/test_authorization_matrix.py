"""The authorization matrix: every write route of the app × every role (and nobody) × a node
of the actor's own and of another department. Zero unauthorized writes: every refusal is a
403 (401 / sign-in redirect for nobody) with the policy's reason, and the state database is
unchanged; every allowed write is not refused (and, where an example body exists, succeeds
and changes the database).

The write routes are discovered from the app, so a route added later is covered without
editing this file; an undeclared write route fails ``test_every_write_route_declares_a_rule``.
"""

from __future__ import annotations

import html
import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from ikkan.auth.audit import Origin
from ikkan.auth.sessions import start_session
from ikkan.auth.users import add_user, get_user, set_disabled
from ikkan.state.policy import Actor, Role, decide
from ikkan.web.auth.config import AuthConfig
from ikkan.web.auth.identity import SESSION_COOKIE, Identity, csrf_token, session_cookie_value
from ikkan.web.auth.rules import PUBLIC, NodeInBody, NodeInPath, Rule, rule_of
from ikkan.web.routes.alert_rules import draft_department, posted_rule_department
from ikkan.web.routes.scoring import scoring_department
from tests.web.conftest import NOW, PASSWORD, USERS, WebProject

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_WRITES = {("POST", "/signin")}  # the only write open to nobody
CLI = {"actor": "tests", "origin": Origin.cli(), "clock": NOW}
# columns that change on a refused request by design (a token's last use)
VOLATILE = {("api_tokens", "last_used_at")}


@dataclass
class Example:
    """A valid request body for a write route (form fields or JSON) and its setup."""

    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    prepare: Callable[[Engine, str], None] | None = None  # (engine, victim username)
    # (engine, the acting username or the victim for nobody): for one's own things
    prepare_own: Callable[[Engine, str], None] | None = None
    path: dict[str, str] = field(default_factory=dict)
    # (matrix, department or None, its node): for a body that names a node of the case's
    # department in a way the guard reads itself (an alert rule's YAML, a rule id)
    at_node: Callable[[Matrix, str | None, str], None] | None = None


def _firing(engine: Engine, victim: str) -> None:
    """The web project's stale-data alert firing, so that it can be acknowledged."""
    from datetime import datetime

    from ikkan.alerts.history import save_action
    from ikkan.alerts.lifecycle import AlertState, Instance
    from ikkan.workspace import Workspace

    root = Path(str(engine.url.database)).parent.parent  # <project>/.ikkan/<state db>
    firing = Instance(state=AlertState.FIRING, since=datetime(2026, 1, 1), episode=1)
    save_action(
        Workspace.open(root).warehouse(), "exports_stale", "", firing, "test", datetime(2026, 1, 1)
    )


def _disable(engine: Engine, victim: str) -> None:
    set_disabled(engine, victim, True, **CLI)  # type: ignore[arg-type]


_counter = itertools.count()
ACTION = {"title": "matrix action", "start": "2026-10-01", "end": "2026-10-31"}


def _action_example(**body: Any) -> Example:
    """An action on a node without a department (``web_leads``), made before the request."""
    path: dict[str, str] = {}

    def prepare(engine: Engine, _victim: str) -> None:
        from datetime import date, datetime

        from sqlalchemy.orm import Session

        from ikkan.state.pdca import PdcaAction

        with Session(engine) as session, session.begin():
            row = PdcaAction(
                node_id="web_leads",
                title="matrix",
                hypothesis="",
                owner="",
                start_date=date(2026, 10, 1),
                end_date=date(2026, 10, 31),
                status="doing",
                actor="tests",
                created_at=datetime(2026, 11, 1),
                updated_at=datetime(2026, 11, 1),
            )
            session.add(row)
            session.flush()
            path["action_id"] = str(row.id)

    return Example(prepare=prepare, path=path, **body)


def _scoring_example() -> Example:
    """A draft of the project's rules with a new minimum score each time (an unchanged rule
    cannot be published twice), filled in once the project is known."""
    example = Example(form={})

    def prepare(engine: Engine, _victim: str) -> None:
        from ikkan.services.scoring.draft import fields_of
        from ikkan.workspace import Workspace

        root = Path(str(engine.url.database)).parent.parent
        spec = Workspace.open(root).spec.scoring
        assert spec is not None and example.form is not None
        example.form |= fields_of(spec)
        example.form |= {"mql_min_score": str(50 + next(_counter)), "why": "matrix"}

    example.prepare = prepare
    return example


def _rule_yaml(department: str | None, node: str) -> str:
    """A valid alert rule on ``node`` (a rule without a node for no department)."""
    if department is None:
        return "kind: stale\nsource: exports\ndays: 9\n"
    return f"node: {node}\nkind: target\nmargin: 7%\n"


def _alert_rule_save_example() -> Example:
    """A new alert rule on a node of the case's department (or without a node)."""
    example = Example(form={})

    def at_node(_matrix: Matrix, department: str | None, node: str) -> None:
        assert example.form is not None
        example.form |= {"rule": f"matrix{next(_counter)}", "original": ""}
        example.form["yaml"] = _rule_yaml(department, node)

    example.at_node = at_node
    return example


def _alert_rule_example(**form: str) -> Example:
    """An alert rule on a node of the case's department, written before the request."""
    example = Example(form=dict(form))

    def at_node(matrix: Matrix, department: str | None, node: str) -> None:
        from ikkan.project.yaml_blocks import read_text, set_entry, write_text

        rule = f"matrix{next(_counter)}"
        path = matrix.root / "ikkan.yml"  # written directly: save_rule validates (slow)
        write_text(path, set_entry(read_text(path), "alerts", rule, _rule_yaml(department, node)))
        matrix.app.state.store.check()
        assert example.form is not None
        example.form["rule"] = rule

    example.at_node = at_node
    return example


def _own_token_example() -> Example:
    """A token of the acting user (revoking takes one's own token id; another's id is
    answered 404 and changes nothing: tests/web/test_tokens_web.py)."""
    path: dict[str, str] = {}

    def prepare_own(engine: Engine, username: str) -> None:
        from ikkan.auth.tokens import create_token

        info, _ = create_token(engine, username, f"own{next(_counter)}", **CLI)  # type: ignore[arg-type]
        path["token_id"] = str(info.id)

    return Example(form={}, prepare_own=prepare_own, path=path)


# One example per write route: the allowed cases must then really write.
EXAMPLES: dict[tuple[str, str], Callable[[], Example]] = {
    ("POST", "/signout"): lambda: Example(form={}),
    ("POST", "/account/password"): lambda: Example(
        form={"current": PASSWORD, "new": "a brand new secret", "confirm": "a brand new secret"}
    ),
    ("POST", "/account/tokens"): lambda: Example(form={"name": f"matrix{next(_counter)}"}),
    ("POST", "/account/tokens/{token_id}/revoke"): _own_token_example,
    ("POST", "/admin/users"): lambda: Example(
        form={"username": f"new{next(_counter)}", "role": "editor", "departments": "sales"}
    ),
    ("POST", "/admin/users/{username}/role"): lambda: Example(
        form={"role": "editor", "departments": "marketing, cs"}
    ),
    ("POST", "/admin/users/{username}/disable"): lambda: Example(form={}),
    ("POST", "/admin/users/{username}/enable"): lambda: Example(form={}, prepare=_disable),
    ("POST", "/admin/users/{username}/reset"): lambda: Example(form={}),
    # a rule without a node (stale data): only roles that may ack any department's alerts
    ("POST", "/alerts/mute"): lambda: Example(
        form={"rule": "exports_stale", "until": "2099-01-04T09:00"}
    ),
    ("POST", "/alerts/ack"): lambda: Example(form={"rule": "exports_stale"}, prepare=_firing),
    # the PDCA log (node writes: marketing and sales nodes; action status: a node of no
    # department, so only admins may change it)
    ("POST", "/node/{node_id}/targets"): lambda: Example(form={"value": "123", "reason": "m"}),
    ("POST", "/api/nodes/{node_id}/targets"): lambda: Example(json={"value": 123, "reason": "m"}),
    ("POST", "/node/{node_id}/actions"): lambda: Example(form=dict(ACTION)),
    ("POST", "/api/nodes/{node_id}/actions"): lambda: Example(json=dict(ACTION)),
    ("POST", "/node/{node_id}/notes"): lambda: Example(form={"body": "matrix note"}),
    ("POST", "/api/nodes/{node_id}/notes"): lambda: Example(json={"body": "matrix note"}),
    ("POST", "/node/{node_id}/checkins"): lambda: Example(form={"status": "on_track"}),
    ("POST", "/api/nodes/{node_id}/checkins"): lambda: Example(json={"status": "at_risk"}),
    ("POST", "/actions/{action_id}/status"): lambda: _action_example(form={"status": "done"}),
    # the scoring rules belong to scoring.department (marketing in the template)
    ("POST", "/scoring/publish"): _scoring_example,
    # alert rules: the department of the rule's node (a rule without one: admins only)
    ("POST", "/alerts/rule/save"): _alert_rule_save_example,
    ("POST", "/alerts/rule/enable"): lambda: _alert_rule_example(enabled="0"),
    ("POST", "/alerts/rule/delete"): _alert_rule_example,
    ("POST", "/api/actions/{action_id}/status"): lambda: _action_example(
        json={"status": "dropped"}
    ),
}


def write_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    return sorted(
        (
            (method, route)
            for route in app.routes
            if isinstance(route, APIRoute)
            for method in sorted(route.methods & WRITE_METHODS)
        ),
        key=lambda pair: (pair[1].path, pair[0]),
    )


@dataclass
class Matrix:
    root: Path
    app: FastAPI

    @property
    def auth(self) -> AuthConfig:
        return self.app.state.auth  # type: ignore[no-any-return]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every state table (the volatile columns left out)."""
        engine = self.auth.engine
        meta = MetaData()
        meta.reflect(engine)
        out = {}
        with engine.connect() as connection:
            for name, table in sorted(meta.tables.items()):
                columns = [c for c in table.columns if (name, c.name) not in VOLATILE]
                rows = connection.execute(select(*columns)).all()
                out[name] = sorted(tuple(map(repr, r)) for r in rows)
        return out

    def client_for(self, username: str | None) -> tuple[TestClient, str]:
        """A client with a fresh session of ``username`` (no password check: fast) and the
        session's CSRF token; nobody: no cookie, no token."""
        client = TestClient(self.app)
        if username is None:
            return client, ""
        user = get_user(self.auth.engine, username)
        assert user is not None
        raw = start_session(self.auth.engine, user, origin=Origin("web"), clock=NOW)
        client.cookies.set(SESSION_COOKIE, session_cookie_value(self.auth, raw))
        token = csrf_token(self.auth, Identity(user, "session", raw))
        assert token is not None
        return client, token


@pytest.fixture(scope="module")
def matrix(web_project: WebProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    from ikkan.web.app import create_app

    root = tmp_path_factory.mktemp("matrix") / "project"
    shutil.copytree(web_project.root, root)
    app = create_app(root, clock=NOW, watch=False)
    yield Matrix(root, app)
    app.state.auth.engine.dispose()


def node_of_department(matrix: Matrix, department: str | None) -> str:
    tree = matrix.app.state.store.current().ws.tree
    return next(n for n, node in sorted(tree.nodes.items()) if node.department == department)


def test_every_write_route_declares_a_rule(matrix: Matrix) -> None:
    routes = write_routes(matrix.app)
    assert len(routes) >= len(EXAMPLES)
    undeclared = [f"{m} {r.path}" for m, r in routes if rule_of(r) is None]
    assert not undeclared, (
        f"write routes without require(...): {undeclared} — the guard refuses them with 403; "
        "declare the permission (see ikkan/web/auth/rules.py)"
    )
    open_to_all = {(m, r.path) for m, r in routes if rule_of(r) is PUBLIC}
    assert open_to_all == PUBLIC_WRITES


def test_every_write_route_has_an_example(matrix: Matrix) -> None:
    missing = [
        f"{m} {r.path}"
        for m, r in write_routes(matrix.app)
        if (m, r.path) not in EXAMPLES and rule_of(r) is not PUBLIC
    ]
    assert not missing, f"add a valid request body for {missing} to EXAMPLES in this file"


def _cases(matrix: Matrix) -> list[tuple[str, APIRoute, str | None, str | None]]:
    """(method, route, username or None, node department or None) for every write route."""
    cases = []
    for method, route in write_routes(matrix.app):
        rule = rule_of(route)
        if rule is PUBLIC:
            continue
        on_node = rule is not None and isinstance(rule.department_of, NodeInPath | NodeInBody)
        departments: list[str | None] = ["marketing", "sales"] if on_node else [None]
        if rule is not None and rule.department_of is scoring_department:
            departments = ["marketing"]  # the owner of the rules, scoring.department
        if rule is not None and rule.department_of is draft_department:
            departments = ["marketing", "sales", None]  # the draft's node, or none
        if rule is not None and rule.department_of is posted_rule_department:
            departments = ["marketing", None]  # the saved rule's node, or none
        for username in [None, *USERS]:
            for department in departments:
                cases.append((method, route, username, department))
    return cases


def _send(
    matrix: Matrix, method: str, route: APIRoute, username: str | None, department: str | None
) -> tuple[Any, Example | None, str, dict[str, list[tuple[Any, ...]]]]:
    rule = rule_of(route) or Rule(None)
    factory = EXAMPLES.get((method, route.path))
    example = factory() if factory else None
    victim = f"victim{next(_counter)}"
    add_user(
        matrix.auth.engine,
        username=victim,
        role="viewer",
        departments=(),
        known_departments=(),
        password=PASSWORD,
        **CLI,  # type: ignore[arg-type]
    )
    if example and example.prepare:
        example.prepare(matrix.auth.engine, victim)
    if example and example.prepare_own:
        example.prepare_own(matrix.auth.engine, username or victim)
    node = node_of_department(matrix, department) if department else "kgi"
    if example and example.at_node:
        example.at_node(matrix, department, node)
    values = {name: "1" for name in route.param_convertors}
    values |= {"username": victim} if "username" in values else {}
    if isinstance(rule.department_of, NodeInPath):
        values[rule.department_of.param] = node
    values |= example.path if example else {}
    url = route.path_format.format(**values)
    client, token = matrix.client_for(username)
    form = dict(example.form or {}) if example else {}
    body = dict(example.json or {}) if example and example.json is not None else None
    if isinstance(rule.department_of, NodeInBody):
        field = rule.department_of.field
        if body is not None:
            body[field] = node
        else:
            form[field] = node
    before = matrix.snapshot()
    headers = {"X-CSRF-Token": token} if token else {}
    if body is not None:
        response = client.request(method, url, json=body, headers=headers, follow_redirects=False)
    else:
        data = {**form, "csrf_token": token} if token else form
        response = client.request(method, url, data=data, headers=headers, follow_redirects=False)
    return response, example, url, before


def test_the_matrix(matrix: Matrix) -> None:
    check_matrix(matrix)


def check_matrix(matrix: Matrix) -> None:
    cases = _cases(matrix)
    assert cases
    unauthorized: list[str] = []
    refused = allowed = 0
    for method, route, username, department in cases:
        rule = rule_of(route)
        response, example, url, before = _send(matrix, method, route, username, department)
        label = f"{method} {url} as {username or 'nobody'} on {department or '-'}"
        after = matrix.snapshot()
        if username is None:
            expected_ok = False
        elif rule is None:  # undeclared: the guard refuses everyone
            expected_ok, reason = False, "declares no permission"
        else:
            assert rule.action is not None
            role, owned = USERS[username]
            actor = Actor(username, Role(role), frozenset(owned))
            decision = decide(actor, rule.action, department)
            expected_ok, reason = bool(decision), decision.reason
        if not expected_ok:
            refused += 1
            if after != before:
                unauthorized.append(f"{label}: the state database changed")
            if username is None:
                ok = response.status_code == 401 or (
                    response.status_code == 303
                    and response.headers["location"].startswith("/signin")
                )
                assert ok, f"{label}: {response.status_code}"
            else:
                assert response.status_code == 403, f"{label}: {response.status_code}"
                assert html.escape(reason) in response.text or reason in response.text, (
                    f"{label}: the reason '{reason}' is not shown"
                )
        else:
            allowed += 1
            assert response.status_code not in (401, 403), (
                f"{label}: refused {response.status_code} {response.text[:300]}"
            )
            if example is not None:
                assert response.status_code < 400, f"{label}: {response.text[:300]}"
                assert after != before, f"{label}: allowed, yet nothing was written"
                assert _audited(before, after), f"{label}: the write is not in the audit log"
    assert not unauthorized, unauthorized
    assert refused and allowed


def _audited(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> bool:
    return len(after.get("audit_log", [])) > len(before.get("audit_log", []))


def test_an_undeclared_write_route_is_refused_at_run_time(web_project: WebProject) -> None:
    """The guard fails closed: a POST route added without require(...) answers 403."""
    from ikkan.web.app import create_app

    app = create_app(web_project.root, clock=NOW, watch=False)

    @app.post("/api/unguarded")
    def unguarded() -> dict[str, bool]:
        raise AssertionError("the guard let an undeclared write through")

    matrix = Matrix(web_project.root, app)
    client, token = matrix.client_for("aiko")  # even an admin
    response = client.post("/api/unguarded", headers={"X-CSRF-Token": token})
    assert response.status_code == 403
    assert "declares no permission" in response.json()["error"]


def test_a_department_scoped_route_in_the_matrix(
    web_project: WebProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node write declared with node_in_path / node_in_body: editors pass on their own
    department's node only (the shape of the PDCA routes)."""
    from sqlalchemy.orm import Session

    from ikkan.auth import audit
    from ikkan.state.policy import Action
    from ikkan.web.app import create_app
    from ikkan.web.auth import node_in_body, node_in_path, require

    root = tmp_path / "project"
    shutil.copytree(web_project.root, root)
    app = create_app(root, clock=NOW, watch=False)

    def write(actor: Actor, target: str) -> dict[str, str]:
        with Session(app.state.auth.engine) as session, session.begin():
            audit.record(
                session,
                actor=actor.username,
                action="note",
                target=target,
                origin=Origin("web"),
                clock=NOW,
            )
        return {"ok": target}

    # (defaults, not Annotated: this module's annotations are strings FastAPI resolves
    # from the module's globals, and these names are local)
    @app.post("/api/nodes/{node_id}/probe")
    def probe(
        node_id: str,
        actor: Actor = require(Action.WRITE_NOTE, department_of=node_in_path()),
    ) -> dict[str, str]:
        return write(actor, node_id)

    @app.post("/probe")
    def probe_form(
        actor: Actor = require(Action.LOG_ACTION, department_of=node_in_body("node")),
    ) -> dict[str, str]:
        return write(actor, "form")

    @app.post("/api/unguarded")
    def unguarded() -> dict[str, str]:
        raise AssertionError("the guard let an undeclared write through")

    monkeypatch.setitem(EXAMPLES, ("POST", "/api/nodes/{node_id}/probe"), lambda: Example(json={}))
    monkeypatch.setitem(EXAMPLES, ("POST", "/probe"), lambda: Example(form={}))
    monkeypatch.setitem(EXAMPLES, ("POST", "/api/unguarded"), lambda: Example(json={}))
    matrix = Matrix(root, app)
    check_matrix(matrix)
    mei, token = matrix.client_for("mei")
    marketing, sales = node_of_department(matrix, "marketing"), node_of_department(matrix, "sales")
    headers = {"X-CSRF-Token": token}
    first = mei.post(f"/api/nodes/{marketing}/probe", headers=headers)
    assert first.status_code == 200, first.text
    refused = mei.post(f"/api/nodes/{sales}/probe", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "this node belongs to sales; mei edits marketing"
    assert mei.post("/probe", data={"node": sales, "csrf_token": token}).status_code == 403
    assert mei.post("/probe", data={"node": marketing, "csrf_token": token}).status_code == 200
    unknown = mei.post("/api/nodes/nope/probe", headers=headers)
    assert unknown.status_code == 404
