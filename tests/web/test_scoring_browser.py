"""The /scoring page in a real browser against a real ``ikkan serve`` on a copy of the web
project: a marketing editor edits the draft, sees a problem next to its field, fixes it, sees
the what-if, and publishes with a reason; ja and en. Screenshots under test-artifacts/web/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import WebProject, free_port
from tests.web.test_browser import browser, open_tab, shot, sign_in_tab

pytestmark = pytest.mark.browser
__all__ = ["browser"]


@pytest.fixture(scope="module")
def own_server(
    web_project: WebProject, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """``ikkan serve`` on a copy (publishing writes ikkan.yml and rescoring)."""
    root = tmp_path_factory.mktemp("scoring-browser") / "project"
    shutil.copytree(web_project.root, root)
    port = free_port()
    ikkan_bin = Path(sys.executable).parent / "ikkan"
    proc = subprocess.Popen(
        [str(ikkan_bin), "--project", str(root), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "ikkan serve exited"
            try:
                if httpx.get(base + "/api/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_edit_whatif_publish(own_server: tuple[str, Path], browser: object, lang: str) -> None:
    server, root = own_server
    context, tab, problems = open_tab(browser)
    try:
        sign_in_tab(tab, server, "mei", lang)
        tab.goto(f"{server}/scoring?lang={lang}")  # type: ignore[attr-defined]
        tab.fill("#mql_cells", "A1-D9")  # type: ignore[attr-defined]
        tab.click("#run-whatif")  # type: ignore[attr-defined]
        tab.wait_for_selector("#error-mql_cells")  # type: ignore[attr-defined]
        assert "A1-D9" in tab.locator("#error-mql_cells").inner_text()  # type: ignore[attr-defined]
        assert tab.locator("#whatif").count() == 0  # type: ignore[attr-defined]
        shot(tab, f"scoring-error-{lang}")
        threshold = "33" if lang == "en" else "44"
        tab.fill("#mql_cells", "A1-B2")  # type: ignore[attr-defined]
        tab.fill("#mql_min_score", threshold)  # type: ignore[attr-defined]
        tab.fill("#capacity", "25")  # type: ignore[attr-defined]
        tab.click("#run-whatif")  # type: ignore[attr-defined]
        tab.wait_for_selector("#whatif")  # type: ignore[attr-defined]
        assert tab.locator("#advice").is_visible()  # type: ignore[attr-defined]
        mql = tab.locator("#whatif tr[data-key='mql'] td").all_inner_texts()  # type: ignore[attr-defined]
        assert len(mql) == 2 and all(m.replace(",", "").isdigit() for m in mql)
        shot(tab, f"scoring-whatif-{lang}")
        with tab.expect_navigation():  # type: ignore[attr-defined]
            tab.click("#publish")  # type: ignore[attr-defined]
        assert tab.locator("#error-why").is_visible()  # type: ignore[attr-defined]  # no reason
        tab.fill("#why", f"browser {lang}")  # type: ignore[attr-defined]
        with tab.expect_navigation():  # type: ignore[attr-defined]
            tab.click("#publish")  # type: ignore[attr-defined]
        tab.wait_for_selector("#published")  # type: ignore[attr-defined]
        assert f"browser {lang}" in tab.locator("#scoring-log").inner_text()  # type: ignore[attr-defined]
        shot(tab, f"scoring-published-{lang}")
        log = json.loads(ikkan("scoring", "log", "--json", cwd=root).stdout)
        assert (log[-1]["published_by"], log[-1]["why"]) == ("mei", f"browser {lang}")
        assert log[-1]["rules"]["mql"]["min_score"] == float(threshold)
        # the one expected 400: the publish without a reason came back with the form
        assert [p for p in problems if "status of 400" not in p] == [], problems
        assert len(problems) == 1, problems
    finally:
        context.close()  # type: ignore[attr-defined]
