"""Signing in over real HTTP in-process: redirects and 401s, the cookie's attributes, session
rotation, CSRF on every form (403 without it, nothing changed), throttling, the one-time
password flow, Bearer tokens on the API, the admin pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ikkan.auth.audit import Origin, read_audit
from ikkan.auth.project import open_identity
from ikkan.auth.tokens import create_token
from ikkan.auth.users import add_user, get_user
from tests.web.conftest import NOW, PASSWORD, WebProject, csrf_of, new_client, sign_in


@pytest.fixture(scope="module")
def project(web_project: WebProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the web project: these tests add users and change passwords."""
    root = tmp_path_factory.mktemp("signin") / "project"
    shutil.copytree(web_project.root, root)
    return root


@pytest.fixture
def anon(project: Path) -> Iterator[httpx.Client]:
    yield from new_client(project)


@pytest.fixture
def admin(project: Path) -> Iterator[httpx.Client]:
    yield from new_client(project, "aiko")


def test_pages_redirect_to_sign_in_and_the_api_answers_401(anon: httpx.Client) -> None:
    page = anon.get("/tree?lang=en", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=%2Ftree%3Flang%3Den"
    api = anon.get("/api/tree")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert api.json()["error"] == "sign in first"
    htmx = anon.get("/tree", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/signin")
    assert anon.get("/export/channels/channels.csv").status_code == 401
    assert anon.get("/api/health/ready").status_code == 200  # liveness stays open


def test_sign_in_sets_a_signed_http_only_lax_cookie_and_goes_back(anon: httpx.Client) -> None:
    token = csrf_of(anon)
    response = anon.post(
        "/signin",
        data={"username": "yui", "password": PASSWORD, "csrf_token": token, "next": "/funnel"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/funnel"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ikkan_session=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie
    assert anon.get("/api/me").json() == {
        "username": "yui",
        "display_name": "yui",
        "role": "viewer",
        "departments": [],
        "via": "session",
    }
    tampered = anon.cookies["ikkan_session"][:-2] + "xx"
    anon.cookies.set("ikkan_session", tampered)
    assert anon.get("/api/me").status_code == 401


def test_no_open_redirect_after_sign_in(anon: httpx.Client) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = anon.post(
            "/signin",
            data={
                "username": "yui",
                "password": PASSWORD,
                "csrf_token": csrf_of(anon),
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_signing_in_again_rotates_the_session(anon: httpx.Client) -> None:
    assert sign_in(anon, "yui").status_code == 303
    first = anon.cookies["ikkan_session"]
    # signed in, /signin sends the visitor on (to "/", whose CSRF token is the session's)
    anon.post(
        "/signin",
        data={"username": "yui", "password": PASSWORD, "csrf_token": csrf_of(anon, "/")},
        follow_redirects=False,
    )
    second = anon.cookies["ikkan_session"]
    assert second != first
    anon.cookies.set("ikkan_session", first)
    assert anon.get("/api/me").status_code == 401  # the old session ended


def test_a_post_without_a_valid_csrf_token_is_403_and_changes_nothing(
    admin: httpx.Client, project: Path
) -> None:
    engine = open_identity(project)
    before = len(read_audit(engine, limit=10_000))
    form = {"username": "csrf-victim", "role": "viewer"}
    missing = admin.post("/admin/users", data=form)
    assert missing.status_code == 403 and "CSRF" in missing.text
    wrong = admin.post("/admin/users", data={**form, "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    api = admin.post("/signout", headers={"HX-Request": "true"})
    assert api.status_code == 403 and "CSRF" in api.json()["error"]
    assert get_user(engine, "csrf-victim") is None
    assert len(read_audit(engine, limit=10_000)) == before
    assert admin.get("/api/me").status_code == 200  # still signed in
    token = csrf_of(admin, "/")
    assert admin.post("/admin/users", data={**form, "csrf_token": token}).status_code == 200
    by_header = admin.post(
        "/admin/users",
        data={"username": "csrf-ok2", "role": "viewer"},
        headers={"X-CSRF-Token": token},
    )
    assert by_header.status_code == 200
    assert get_user(engine, "csrf-victim") is not None and get_user(engine, "csrf-ok2")
    engine.dispose()


def test_the_sign_in_form_itself_needs_its_csrf_token(anon: httpx.Client) -> None:
    response = anon.post("/signin", data={"username": "yui", "password": PASSWORD})
    assert response.status_code == 403


def test_every_post_form_carries_the_csrf_token(admin: httpx.Client) -> None:
    token = csrf_of(admin, "/")
    for path in ("/", "/tree", "/node/leads", "/admin/users", "/admin/audit", "/account/password"):
        text = admin.get(path).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, flags=re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])
        assert f'"X-CSRF-Token": "{token}"' in text  # htmx requests send it as a header


def test_sign_in_is_throttled_per_username_and_address(project: Path) -> None:
    for client in new_client(project):
        for _ in range(5):
            wrong = client.post(
                "/signin",
                data={"username": "ken", "password": "wrong", "csrf_token": csrf_of(client)},
            )
            assert (wrong.status_code == 401 and "Wrong username or password" in wrong.text) or (
                "ユーザー名またはパスワードが違います" in wrong.text
            )
        locked = client.post(
            "/signin",
            data={"username": "ken", "password": PASSWORD, "csrf_token": csrf_of(client)},
        )
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        assert client.get("/api/me").status_code == 401  # the right password did not help
        other = sign_in(client, "mei")  # another username from the same address
        assert other.status_code == 303
    engine = open_identity(project)
    failures = read_audit(engine, action="sign_in_failed", actor="ken")
    assert len(failures) == 5 and failures[0].via == "web"
    engine.dispose()


def test_a_one_time_password_must_be_changed_first(project: Path) -> None:
    engine = open_identity(project)
    one_time = add_user(
        engine,
        username="newbie",
        role="viewer",
        departments=(),
        known_departments=(),
        actor="tests",
        origin=Origin.cli(),
        clock=NOW,
    )
    engine.dispose()
    for client in new_client(project):
        response = client.post(
            "/signin",
            data={"username": "newbie", "password": one_time, "csrf_token": csrf_of(client)},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/account/password"
        assert client.get("/tree", follow_redirects=False).headers["location"] == (
            "/account/password"
        )
        assert client.get("/api/tree").status_code == 403
        token = csrf_of(client, "/account/password")
        differ = client.post(
            "/account/password",
            data={
                "current": one_time,
                "new": "my own secret 1",
                "confirm": "other",
                "csrf_token": token,
            },
        )
        assert differ.status_code == 400
        done = client.post(
            "/account/password",
            data={
                "current": one_time,
                "new": "my own secret 1",
                "confirm": "my own secret 1",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert client.get("/tree").status_code == 200


def test_bearer_tokens_on_the_api_only(project: Path, anon: httpx.Client) -> None:
    engine = open_identity(project)
    _, raw = create_token(engine, "mei", "script", actor="tests", origin=Origin.cli(), clock=NOW)
    engine.dispose()
    auth = {"Authorization": f"Bearer {raw}"}
    me = anon.get("/api/me", headers=auth).json()
    assert me["username"] == "mei" and me["via"] == "token"
    assert anon.get("/api/tree", headers=auth).status_code == 200
    assert anon.get("/tree", headers=auth, follow_redirects=False).status_code == 303  # pages
    bad = anon.get("/api/tree", headers={"Authorization": "Bearer ikk_nope"})
    assert bad.status_code == 401


def test_an_api_write_with_a_token_needs_no_csrf_but_one_with_a_cookie_does(
    project: Path,
) -> None:
    from fastapi.testclient import TestClient

    from ikkan.state.policy import Action, Actor
    from ikkan.web.app import create_app
    from ikkan.web.auth import require

    app = create_app(project, clock=NOW, watch=False)

    @app.post("/api/probe")
    def probe(actor: Actor = require(Action.ACCOUNT)) -> dict[str, str]:
        return {"actor": actor.username}

    engine = open_identity(project)
    _, raw = create_token(engine, "ken", "probe", actor="tests", origin=Origin.cli(), clock=NOW)
    engine.dispose()
    client = TestClient(app)
    by_token = client.post("/api/probe", headers={"Authorization": f"Bearer {raw}"})
    assert by_token.status_code == 200 and by_token.json() == {"actor": "ken"}
    assert sign_in(client, "ken").status_code == 303
    by_cookie = client.post("/api/probe")
    assert by_cookie.status_code == 403 and "CSRF" in by_cookie.json()["error"]
    token = csrf_of(client, "/")
    assert client.post("/api/probe", headers={"X-CSRF-Token": token}).status_code == 200


def test_sign_out_ends_the_session(project: Path) -> None:
    for client in new_client(project, "yui"):
        cookie = client.cookies["ikkan_session"]
        out = client.post(
            "/signout", data={"csrf_token": csrf_of(client, "/")}, follow_redirects=False
        )
        assert out.status_code == 303 and out.headers["location"] == "/signin"
        client.cookies.set("ikkan_session", cookie)  # a copy of the old cookie
        assert client.get("/api/me").status_code == 401


def test_admin_pages(admin: httpx.Client, project: Path) -> None:
    page = admin.get("/admin/users?lang=en")
    assert page.status_code == 200 and 'data-user="mei"' in page.text
    token = csrf_of(admin, "/admin/users")
    made = admin.post(
        "/admin/users",
        data={
            "username": "Sora",
            "role": "editor",
            "departments": "cs, partner",
            "csrf_token": token,
        },
    )
    assert made.status_code == 400 and "unknown department" in made.text
    made = admin.post(
        "/admin/users",
        data={
            "username": "Sora",
            "role": "editor",
            "departments": "cs、sales",
            "csrf_token": token,
            "display_name": "<b>Sora</b>",
        },
    )
    password = re.search(r'id="one-time-password">([^<]+)<', made.text)
    assert made.status_code == 200 and password
    assert "<b>Sora</b>" not in made.text and "&lt;b&gt;Sora&lt;/b&gt;" in made.text
    assert made.headers["cache-control"] == "no-store"
    role = admin.post(
        "/admin/users/sora/role",
        data={"role": "viewer", "departments": "cs", "csrf_token": token},
        follow_redirects=False,
    )
    assert role.status_code == 303
    engine = open_identity(project)
    user = get_user(engine, "sora")
    assert user is not None and user.role.value == "viewer" and user.departments == ("cs",)
    last_admin = admin.post("/admin/users/aiko/disable", data={"csrf_token": token})
    assert last_admin.status_code == 400 and "last enabled admin" in last_admin.text
    audit = admin.get("/admin/audit?action=user_role&lang=ja")
    assert audit.status_code == 200 and "sora" in audit.text and "監査ログ" in audit.text
    entry = read_audit(engine, action="user_role")[0]
    assert (entry.actor, entry.via, entry.ip) == ("aiko", "web", "testclient")
    engine.dispose()


def test_other_roles_do_not_see_the_admin_pages(project: Path) -> None:
    for client in new_client(project, "mei"):
        response = client.get("/admin/users?lang=en")
        assert response.status_code == 403 and "only admins may manage users" in response.text
        assert client.get("/admin/audit").status_code == 403
        assert 'id="admin-users"' not in client.get("/").text
