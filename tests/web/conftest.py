"""A demo project (ja, with a hostile node label) ingested and refreshed once per session,
with one user of each role, the app over it (in-process, signed in) and, for browser tests,
a real server on a free port."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from ikkan.clock import FixedClock
from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace
from tests.conftest import in_ci

NOW = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 2026-11-20 12:00 JST
HOSTILE_JA = "<script>alert('ja')</script>平均&受注単価"
HOSTILE_EN = '"><img src=x onerror=alert(1)>=HYPERLINK("http://x")'
# a channel id (its leads: the demo's referrals) and an imported file's name
HOSTILE_CHANNEL = "<svg/onload=alert('ch')>&\"紹介"
HOSTILE_FILE = "<iframe src=javascript:alert('f')>&'calls.csv"
SERVE_OUTPUT: list[str] = []  # the first line ``ikkan serve`` printed
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


# One user per role (and a second editor), each with a password already chosen.
USERS = {
    "aiko": ("admin", ()),
    "mei": ("editor", ("marketing",)),
    "ken": ("editor", ("sales", "inside_sales")),
    "yui": ("viewer", ()),
}
PASSWORD = "correct horse battery staple"
ROLE_USER = {"admin": "aiko", "editor": "mei", "viewer": "yui"}


@dataclass
class WebProject:
    root: Path

    def open(self) -> Workspace:
        return Workspace.open(self.root, clock=NOW)


def add_users(root: Path) -> None:
    """The test users, straight into the project's state database."""
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import known_departments, open_identity
    from ikkan.auth.users import add_user

    engine = open_identity(root)
    departments = known_departments(None)
    for username, (role, owned) in USERS.items():
        add_user(
            engine,
            username=username,
            role=role,
            departments=owned,
            known_departments=departments,
            actor="tests",
            origin=Origin.cli(),
            clock=NOW,
            password=PASSWORD,
        )
    engine.dispose()


def csrf_of(client: httpx.Client, path: str = "/signin") -> str:
    """The CSRF token a page carries (its meta tag)."""
    response = client.get(path)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', response.text)
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the form, as a browser does."""
    token = csrf_of(client, "/signin")
    response = client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    return response


def new_client(project: Path, username: str | None = None) -> Iterator[httpx.Client]:
    """A fresh in-process client of a fresh app, signed in as ``username`` (or nobody)."""
    from fastapi.testclient import TestClient

    from ikkan.web.app import create_app

    app = create_app(project, clock=NOW, watch=False)
    with TestClient(app) as test_client:
        if username is not None:
            response = sign_in(test_client, username)
            assert response.status_code == 303, response.text
        yield test_client


def write_demo(root: Path) -> None:
    text = template_text("ja").replace(
        "label: {ja: 平均受注単価, en: Average deal size}",
        f"label: {{ja: {HOSTILE_JA!r}, en: {HOSTILE_EN!r}}}".replace("\\'", "''"),
    )
    referral = "  referral: {label: {ja: 紹介, en: Referral}}\n"
    assert referral in text
    quoted = "'" + HOSTILE_CHANNEL.replace("'", "''") + "'"
    text = text.replace(
        referral,
        f"  {quoted}: {{label: {{ja: {quoted}, en: {quoted}}},"
        " match: [Referrals, Referral, 参照元サイト, 紹介]}\n",
    )
    (root / "ikkan.yml").write_text(text, encoding="utf-8")
    generate_exports(root / "exports", leads=2000, seed=7)
    calls = sorted((root / "calls").iterdir())[0]
    calls.rename(calls.with_name(HOSTILE_FILE))


@pytest.fixture(scope="session")
def web_project(tmp_path_factory: pytest.TempPathFactory) -> WebProject:
    root = tmp_path_factory.mktemp("web")
    write_demo(root)
    ws = Workspace.open(root, clock=NOW)
    assert not ws.has_errors, ws.issues
    ws.ingest()
    ws.refresh()
    add_users(root)
    return WebProject(root)


@pytest.fixture(scope="module")
def client(web_project: WebProject) -> Iterator[httpx.Client]:
    """The app in-process, signed in as the admin (once per module: sign-in tests in the
    same worker end the admin's earlier sessions)."""
    yield from new_client(web_project.root, ROLE_USER["admin"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(web_project: WebProject) -> Iterator[str]:
    """``ikkan serve`` in a child process on a free loopback port (the real server)."""
    port = free_port()
    ikkan = Path(sys.executable).parent / "ikkan"  # the installed console script
    proc = subprocess.Popen(
        [str(ikkan), "--project", str(web_project.root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"ikkan serve exited: {proc.stdout.read() if proc.stdout else ''}"
                )
            try:
                if httpx.get(base + "/api/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("ikkan serve did not answer within 60 s")
        assert proc.stdout is not None
        SERVE_OUTPUT.append(proc.stdout.readline())  # printed before the server starts
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (fails in CI when missing, else skips)."""
    if not CHROMIUM.exists():
        message = "Debian chromium is missing: run scripts/bootstrap.sh --test"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def sign_in_browser(page: object, server: str, username: str = "yui") -> None:
    """Sign in through the form in a browser tab (default: the viewer)."""
    page.goto(f"{server}/signin")  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.click("#signin")  # type: ignore[attr-defined]
    assert "/signin" not in page.url, page.url  # type: ignore[attr-defined]
