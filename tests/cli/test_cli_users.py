"""``ikkan init`` makes the first admin; ``ikkan users|tokens|audit`` as an operator runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.auth.conftest import NOW
from typer.testing import CliRunner

from ikkan.auth.project import open_identity
from ikkan.auth.tokens import token_user
from ikkan.auth.users import authenticate
from ikkan.cli.main import app


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    if ok and result.exit_code != 0:
        raise AssertionError(f"ikkan {args} exited {result.exit_code}:\n{result.output}")
    if not ok:
        assert result.exit_code != 0, result.output
        assert isinstance(result.exception, Exception)
        return str(result.exception)
    return result.output


def password_in(output: str) -> str:
    match = re.search(r"password: (\S+)", output)
    assert match, output
    return match.group(1)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("IKKAN_STATE_URL", raising=False)
    out = run("init", str(tmp_path / "p"), "--lang", "en")
    root = tmp_path / "p"
    assert "username: admin" in out
    engine = open_identity(root)
    user = authenticate(engine, "admin", password_in(out))
    assert user is not None and user.must_change_password
    engine.dispose()
    again = run("init", str(root), "--lang", "en", "--force")
    assert "username: admin" not in again  # the first admin is made once
    (root / "ikkan.yml").write_text(
        (root / "ikkan.yml").read_text(encoding="utf-8")
        + "\ndepartments:\n  partner_sales: {label: {ja: 代理店営業, en: Partner sales}}\n",
        encoding="utf-8",
    )
    return root


def test_users_lifecycle(project: Path) -> None:
    p = str(project)
    out = run(
        "-p",
        p,
        "users",
        "add",
        "Mei",
        "--role",
        "editor",
        "-d",
        "marketing",
        "-d",
        "partner_sales",
        "--name",
        "Mei Tanaka",
    )
    first = password_in(out)
    users = {u["username"]: u for u in json.loads(run("-p", p, "users", "list", "--json"))}
    assert users["mei"]["departments"] == ["marketing", "partner_sales"]
    assert users["mei"]["must_change_password"] is True and users["mei"]["role"] == "editor"
    assert "Mei Tanaka" in run("-p", p, "users", "list")

    second = password_in(run("-p", p, "users", "reset", "mei"))
    engine = open_identity(project)
    assert authenticate(engine, "mei", first) is None
    assert authenticate(engine, "mei", second) is not None
    assert "mei is now viewer (marketing, partner_sales)" in run(
        "-p", p, "users", "role", "mei", "viewer"
    )
    run("-p", p, "users", "disable", "mei")
    assert authenticate(engine, "mei", second) is None
    run("-p", p, "users", "enable", "mei")
    assert authenticate(engine, "mei", second) is not None
    engine.dispose()

    error = run("-p", p, "users", "add", "ken", "--role", "editor", "-d", "salse", ok=False)
    assert "unknown department 'salse'" in error and "sales" in error
    error = run("-p", p, "users", "disable", "admin", ok=False)
    assert "last enabled admin" in error

    actions = [e["action"] for e in json.loads(run("-p", p, "audit", "--json"))]
    assert actions[:5] == ["user_enable", "user_disable", "user_role", "user_reset", "user_add"]
    entry = json.loads(run("-p", p, "audit", "--json", "--action", "user_add", "-n", "1"))[0]
    assert entry["target"] == "mei" and entry["via"] == "cli" and entry["actor"].startswith("cli")
    assert "user_role" in run("-p", p, "audit")


def test_tokens_lifecycle(project: Path) -> None:
    p = str(project)
    run("-p", p, "users", "add", "bot", "--role", "viewer")
    out = run("-p", p, "tokens", "create", "--user", "bot", "--name", "nightly")
    raw = re.search(r"(ikk_\S+)", out)
    assert raw, out
    engine = open_identity(project)
    assert token_user(engine, raw.group(1), clock=NOW) is not None
    (token,) = json.loads(run("-p", p, "tokens", "list", "--json"))
    assert token["name"] == "nightly" and token["username"] == "bot"
    assert raw.group(1) not in run("-p", p, "tokens", "list")  # never shown again
    run("-p", p, "tokens", "revoke", str(token["id"]))
    assert token_user(engine, raw.group(1), clock=NOW) is None
    assert "revoked" in run("-p", p, "tokens", "list")
    engine.dispose()
    assert "no token 99" in run("-p", p, "tokens", "revoke", "99", ok=False)
