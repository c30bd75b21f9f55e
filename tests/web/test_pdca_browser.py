# ruff: noqa: F811  (the browser fixtures are imported from test_browser and used by name)
"""The PDCA log in a real browser against a real ``ikkan serve``, in ja and en: change a
target with a reason and see the tree update; log an action, see its marker on the node's
trend, mark it done and see its measured effect. Screenshots under test-artifacts/web/."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ikkan.monitor.effect import SENTENCES, Verdict
from tests.web.conftest import PASSWORD, free_port
from tests.web.pdca_project import copy_project, pdca_source  # noqa: F401
from tests.web.test_browser import browser, page, shot  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pdca_server(pdca_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(pdca_source, tmp_path_factory.mktemp("pdca-browser") / "p")
    port = free_port()
    ikkan = Path(sys.executable).parent / "ikkan"
    proc = subprocess.Popen(
        [str(ikkan), "--project", str(root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"ikkan serve exited: {out}")
            try:
                if httpx.get(base + "/api/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("ikkan serve did not answer within 90 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/signin")  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("#signin")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "/signin" not in url)  # type: ignore[attr-defined]


REASON = {"ja": "新しいデモ台本で成約率を引き上げ", "en": "new demo script raises the win rate"}
TARGET = {"ja": ("22%", 0.22), "en": ("24%", 0.24)}
TITLE = {"ja": "ウェビナー週2回", "en": "Two webinars a week"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_revise_a_target_and_see_the_tree_update(pdca_server: str, page: object, lang: str) -> None:
    text, value = TARGET[lang]
    sign_in(page, pdca_server, "ken")  # edits sales (win_rate) and inside_sales
    page.goto(f"{pdca_server}/node/win_rate?lang={lang}")  # type: ignore[attr-defined]
    page.fill("#revise-value", text)  # type: ignore[attr-defined]
    page.fill("#revise-reason", REASON[lang])  # type: ignore[attr-defined]
    page.click("#revise-submit")  # type: ignore[attr-defined]
    row = page.locator("table.revisions tr.revision", has_text=REASON[lang])  # type: ignore[attr-defined]
    row.wait_for()
    assert "opportunities" in row.inner_text().lower() or "商談数" in row.inner_text()
    shot(page, f"pdca-{lang}-revision")
    tree = page.request.get(f"{pdca_server}/api/tree?period=FY2026&lang={lang}").json()  # type: ignore[attr-defined]
    card = next(n for n in tree["nodes"] if n["id"] == "win_rate")
    assert card["target"] == pytest.approx(value)
    page.goto(f"{pdca_server}/tree?lang={lang}&period=FY2026")  # type: ignore[attr-defined]
    node = page.locator('svg g.node[data-node="win_rate"]')  # type: ignore[attr-defined]
    assert card["target_short"] in node.first.text_content()
    shot(page, f"pdca-{lang}-tree")


def test_another_departments_target_is_refused(pdca_server: str, page: object) -> None:
    sign_in(page, pdca_server, "mei")  # edits marketing only
    page.goto(f"{pdca_server}/node/win_rate?lang=ja")  # type: ignore[attr-defined]
    assert page.locator("#revise-form").count() == 0  # type: ignore[attr-defined]
    page.goto(f"{pdca_server}/node/mql?lang=ja")  # type: ignore[attr-defined]
    assert page.locator("#revise-form").count() == 1  # type: ignore[attr-defined]
    shot(page, "pdca-ja-refused-other-department")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_log_an_action_see_its_marker_and_its_effect(
    pdca_server: str, page: object, lang: str
) -> None:
    sign_in(page, pdca_server, "aiko")  # an admin (leads is marketing's; admins write any node)
    page.goto(f"{pdca_server}/node/leads?lang={lang}")  # type: ignore[attr-defined]
    page.fill("#action-title", TITLE[lang])  # type: ignore[attr-defined]
    page.fill("#action-hypothesis", "more webinars, more leads")  # type: ignore[attr-defined]
    page.fill("#action-start", "2026-09-01")  # type: ignore[attr-defined]
    page.fill("#action-end", "2026-09-30")  # type: ignore[attr-defined]
    page.select_option("#action-status", "doing")  # type: ignore[attr-defined]
    page.fill("#action-low", "10%")  # type: ignore[attr-defined]
    page.click("#action-submit")  # type: ignore[attr-defined]
    row = page.locator("tr.action", has_text=TITLE[lang])  # type: ignore[attr-defined]
    row.wait_for()
    action_id = row.get_attribute("data-id")
    page.wait_for_selector("#node-trend-chart[data-drawn='1'] svg")  # type: ignore[attr-defined]
    chart = page.locator("#node-trend-chart svg")  # type: ignore[attr-defined]
    assert f"#{action_id} {TITLE[lang]}" in chart.text_content()  # the marker's label
    shot(page, f"pdca-{lang}-action-marker")
    row.locator("button.finish").click()
    effect = page.locator(f"tr.action[data-id='{action_id}'] td.effect[data-verdict]")  # type: ignore[attr-defined]
    effect.wait_for()
    verdict = effect.get_attribute("data-verdict")
    assert verdict in ("within", "above", "below")
    assert SENTENCES[Verdict(verdict)][lang] in effect.inner_text()
    shot(page, f"pdca-{lang}-action-effect")
    page.goto(f"{pdca_server}/review/weekly?lang={lang}")  # type: ignore[attr-defined]
    assert page.locator(f"ul.finished li[data-id='{action_id}']").count() == 1  # type: ignore[attr-defined]
    shot(page, f"pdca-{lang}-review-weekly")


@pytest.mark.parametrize("path", ["/node/leads", "/review/weekly", "/departments/sales"])
def test_no_serious_accessibility_violation_on_pdca_pages(
    pdca_server: str, page: object, path: str
) -> None:
    import json

    from tests.web.test_browser import AXE

    sign_in(page, pdca_server, "aiko")
    page.goto(f"{pdca_server}{path}?lang=ja")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    violations = page.evaluate(  # type: ignore[attr-defined]
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
           .map(v => ({id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
