"""The first admin of a project and the demo's printed credentials: shown by ``serve`` while
the one-time password is unused, gone once it is changed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ikkan.auth.audit import Origin
from ikkan.auth.project import DEMO_FILE, demo_credentials, first_admin, open_identity
from ikkan.auth.users import authenticate, change_password
from ikkan.cli.serve_cmd import _sign_in_banner
from ikkan.project.scaffold import create_project
from tests.auth.conftest import NOW


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("IKKAN_STATE_URL", raising=False)
    root = tmp_path / "p"
    create_project(root, "en")
    return root


def test_demo_credentials_until_the_password_is_changed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_identity(project)
    made = first_admin(engine, project, clock=NOW, origin=Origin.cli(), demo=True)
    assert made is not None and made.username == "admin"
    path = project / ".ikkan" / DEMO_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_credentials(engine, project) == made
    _sign_in_banner(project)
    printed = capsys.readouterr().out
    assert "Demo sign-in" in printed and f"password: {made.password}" in printed
    change_password(
        engine, "admin", made.password, "my own admin secret", origin=Origin.cli(), clock=NOW
    )
    assert demo_credentials(engine, project) is None and not path.exists()
    _sign_in_banner(project)
    assert "password" not in capsys.readouterr().out
    engine.dispose()


def test_first_serve_makes_the_admin_once_and_prints_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sign_in_banner(project)
    printed = capsys.readouterr().out
    assert "First admin created" in printed
    password = printed.split("password: ")[1].split()[0]
    engine = open_identity(project)
    user = authenticate(engine, "admin", password)
    assert user is not None and user.must_change_password
    assert not (project / ".ikkan" / DEMO_FILE).exists()  # not a demo: never kept
    engine.dispose()
    _sign_in_banner(project)
    assert "password" not in capsys.readouterr().out  # shown only once
