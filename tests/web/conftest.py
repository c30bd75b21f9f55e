"""A demo project (ja, with a hostile node label) ingested and refreshed once per session,
the app over it (in-process) and, for browser tests, a real server on a free port."""

from __future__ import annotations

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
SERVE_OUTPUT: list[str] = []  # the first line ``ikkan serve`` printed
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@dataclass
class WebProject:
    root: Path

    def open(self) -> Workspace:
        return Workspace.open(self.root, clock=NOW)


def write_demo(root: Path) -> None:
    text = template_text("ja").replace(
        "label: {ja: 平均受注単価, en: Average deal size}",
        f"label: {{ja: {HOSTILE_JA!r}, en: {HOSTILE_EN!r}}}".replace("\\'", "''"),
    )
    (root / "ikkan.yml").write_text(text, encoding="utf-8")
    generate_exports(root / "exports", leads=2000, seed=7)


@pytest.fixture(scope="session")
def web_project(tmp_path_factory: pytest.TempPathFactory) -> WebProject:
    root = tmp_path_factory.mktemp("web")
    write_demo(root)
    ws = Workspace.open(root, clock=NOW)
    assert not ws.has_errors, ws.issues
    ws.ingest()
    ws.refresh()
    return WebProject(root)


@pytest.fixture(scope="session")
def client(web_project: WebProject) -> Iterator[httpx.Client]:
    from fastapi.testclient import TestClient

    from ikkan.web.app import create_app

    app = create_app(web_project.root, clock=NOW, watch=False)
    with TestClient(app) as test_client:
        yield test_client


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
