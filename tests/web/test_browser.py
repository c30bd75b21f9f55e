"""The dashboard in a real browser (Debian's chromium driven by Playwright) against a real
``ikkan serve``: every page in ja and en, filters, the tree → node click, an export, the
chart drawn, hostile labels as text, and axe-core (vendored) finding no serious problem.
Screenshots are kept under test-artifacts/web/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import in_ci
from tests.web.conftest import (
    ARTIFACTS,
    HOSTILE_EN,
    HOSTILE_JA,
    PASSWORD,
    ROLE_USER,
    SERVE_OUTPUT,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PAGES = {
    "overview": "/",
    "tree": "/tree",
    "node": "/node/leads",
    "funnel": "/funnel",
    "trends": "/trends?node=leads",
    "channels": "/channels",
    "health": "/health",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
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


def open_tab(browser: object) -> tuple[object, object, list[str]]:
    """A fresh browser context and tab that collects page errors, console errors and
    dialogs (an expected 401/403 answer's console line is left out)."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def on_console(msg: object) -> None:
        text = msg.text  # type: ignore[attr-defined]
        expected = "status of 401" in text or "status of 403" in text
        if msg.type == "error" and not (expected and getattr(tab, "refusals_expected", False)):  # type: ignore[attr-defined]
            problems.append(f"console: {text}")

    tab.on("console", on_console)

    def on_dialog(dialog: object) -> None:  # an alert() from a label would be an injection
        problems.append(f"dialog: {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    tab.on("dialog", on_dialog)
    tab.problems = problems  # type: ignore[attr-defined]
    return context, tab, problems


def sign_in_tab(tab: object, server: str, username: str, lang: str = "ja") -> None:
    """Sign in through the form, as a person does."""
    tab.goto(f"{server}/signin?lang={lang}")  # type: ignore[attr-defined]
    tab.fill("#username", username)  # type: ignore[attr-defined]
    tab.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    tab.click("#signin")  # type: ignore[attr-defined]
    tab.wait_for_selector("#me")  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    """A tab signed in as the admin."""
    context, tab, problems = open_tab(browser)
    sign_in_tab(tab, server, ROLE_USER["admin"])
    yield tab
    context.close()
    assert not problems, problems


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_serve_prints_its_address(server: str) -> None:
    assert SERVE_OUTPUT and server in SERVE_OUTPUT[0]  # e.g. http://127.0.0.1:8000


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_in_both_languages(server: str, page: object, lang: str) -> None:
    for name, path in PAGES.items():
        joiner = "&" if "?" in path else "?"
        page.goto(f"{server}{path}{joiner}lang={lang}")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        assert page.locator("html").get_attribute("lang") == lang  # type: ignore[attr-defined]
        assert page.locator("h1").first.is_visible()  # type: ignore[attr-defined]
        current = page.locator('nav a[aria-current="page"]')  # type: ignore[attr-defined]
        if name != "node":
            assert current.count() == 1
        if name == "trends":
            page.wait_for_selector("#trend-chart[data-drawn='1'] svg")  # type: ignore[attr-defined]
        shot(page, f"{lang}-{name}")


def test_filters_apply_to_the_page_and_live_in_the_url(server: str, page: object) -> None:
    page.goto(f"{server}/tree?lang=en")  # type: ignore[attr-defined]
    page.select_option("#period", "FY2026-H1")  # type: ignore[attr-defined]
    page.click("#apply")  # type: ignore[attr-defined]
    page.wait_for_url("**period=FY2026-H1**")  # type: ignore[attr-defined]
    assert "FY2026 H1" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    options = page.locator("#where option").evaluate_all(  # type: ignore[attr-defined]
        "els => els.map(e => e.value).filter(v => v)"
    )
    assert options
    chosen = options[0]
    page.select_option("#where", chosen)  # type: ignore[attr-defined]
    page.select_option("#compare", "year")  # type: ignore[attr-defined]
    page.click("#apply")  # type: ignore[attr-defined]
    page.wait_for_url("**compare=year**")  # type: ignore[attr-defined]
    url = page.url  # type: ignore[attr-defined]
    assert "where=" in url and "period=FY2026-H1" in url
    assert page.locator("p.slice-note").is_visible()  # type: ignore[attr-defined]
    shot(page, "en-tree-filtered")
    # the link holds the view: opening it afresh shows the same filters
    page.goto(url)  # type: ignore[attr-defined]
    assert page.locator("#where").input_value() == chosen  # type: ignore[attr-defined]
    assert page.locator("#compare").input_value() == "year"  # type: ignore[attr-defined]
    assert page.locator("#period").input_value() == "FY2026-H1"  # type: ignore[attr-defined]


def test_open_a_node_from_the_tree(server: str, page: object) -> None:
    page.goto(f"{server}/tree?lang=ja&period=FY2026-H1")  # type: ignore[attr-defined]
    page.locator('svg g.node[data-node="leads"] > a').first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/node/leads**")  # type: ignore[attr-defined]
    assert "leads" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    assert "period=FY2026-H1" in page.url  # type: ignore[attr-defined]
    assert page.locator("table.drilldown tbody tr").count() > 0  # type: ignore[attr-defined]
    shot(page, "ja-node-from-tree")


def test_collapse_a_branch(server: str, page: object) -> None:
    page.goto(f"{server}/tree?lang=en")  # type: ignore[attr-defined]
    before = page.locator("svg g.node").count()  # type: ignore[attr-defined]
    page.locator('svg g.node[data-node="new_revenue"] a.toggle').click()  # type: ignore[attr-defined]
    page.wait_for_url("**collapse=new_revenue**")  # type: ignore[attr-defined]
    after = page.locator("svg g.node").count()  # type: ignore[attr-defined]
    assert 0 < after < before


def test_export_a_table(server: str, page: object) -> None:
    page.goto(f"{server}/channels?lang=ja&period=FY2026-H1")  # type: ignore[attr-defined]
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.locator("h2 .exports a", has_text="CSV").first.click()  # type: ignore[attr-defined]
    target = ARTIFACTS / "channels.csv"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = data.decode("utf-8-sig").splitlines()
    shown = page.locator("#channels-table tbody tr").count()  # type: ignore[attr-defined]
    assert len(rows) == shown + 1


def test_export_the_tree_as_svg_and_png(server: str, page: object) -> None:
    page.goto(f"{server}/tree?lang=ja")  # type: ignore[attr-defined]
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click("#export-png")  # type: ignore[attr-defined]
    target = ARTIFACTS / "tree.png"
    info.value.save_as(str(target))
    assert target.read_bytes().startswith(b"\x89PNG")
    with page.expect_download() as svg_info:  # type: ignore[attr-defined]
        page.locator("a", has_text="SVG").first.click()  # type: ignore[attr-defined]
    svg_target = ARTIFACTS / "tree.svg"
    svg_info.value.save_as(str(svg_target))
    assert svg_target.read_text(encoding="utf-8").startswith("<svg")


def test_channels_table_sorts(server: str, page: object) -> None:
    page.goto(f"{server}/channels?lang=en&period=FY2026-H1")  # type: ignore[attr-defined]
    page.click('#channels-table button[data-node="leads"]')  # type: ignore[attr-defined]
    column = page.locator('#channels-table button[data-node="leads"]').get_attribute(  # type: ignore[attr-defined]
        "data-col"
    )
    values = page.locator(f"#channels-table tbody tr td:nth-child({int(column) + 1})").evaluate_all(  # type: ignore[attr-defined]
        "cells => cells.map(c => c.getAttribute('data-value')).filter(v => v !== '').map(Number)"
    )
    assert len(values) >= 3 and values == sorted(values, reverse=True)


def test_hostile_labels_render_as_text(server: str, page: object) -> None:
    for lang, label in (("ja", HOSTILE_JA), ("en", HOSTILE_EN)):
        page.goto(f"{server}/node/avg_deal_size?lang={lang}")  # type: ignore[attr-defined]
        assert label in page.locator("h1").inner_text()  # type: ignore[attr-defined]
        assert page.locator("img[src='x']").count() == 0  # type: ignore[attr-defined]
        page.goto(f"{server}/tree?lang={lang}")  # type: ignore[attr-defined]
        assert page.locator("svg img").count() == 0  # type: ignore[attr-defined]
    # the page fixture fails the test if any alert() dialog opened


AXE_PAGES = [
    *PAGES.values(),
    "/alerts",  # loads its rules table (/alerts/rules, a fragment) after itself
    "/alerts/rule",
    "/scoring",
    "/review/weekly",
    "/review/quarterly",
    "/my",
]
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
   .map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_serious_accessibility_violation(server: str, page: object, lang: str) -> None:
    """Every page of the navigation and the review pages, in both languages (one tab,
    axe-core injected into each page)."""
    found: dict[str, object] = {}
    missing: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    for path in AXE_PAGES:
        joiner = "&" if "?" in path else "?"
        response = page.goto(f"{server}{path}{joiner}lang={lang}")  # type: ignore[attr-defined]
        assert response.status == 200, path  # type: ignore[attr-defined]
        # the alerts page backtests every rule the first time: slow on a busy machine
        page.wait_for_load_state("networkidle", timeout=180_000)  # type: ignore[attr-defined]
        page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
        violations = page.evaluate(AXE_RUN)  # type: ignore[attr-defined]
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    assert not missing, missing


LAYOUT_CHECK = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw + 1) out.push('scrolls sideways');
  const seen = 'main h1, main h2, .card, nav a, form.filters label';
  for (const el of document.querySelectorAll(seen)) {
    const r = el.getBoundingClientRect();
    const text = el.textContent.trim().slice(0, 30);
    if (r.width && r.right > vw + 1) out.push('off screen: ' + el.tagName + ' ' + text);
  }
  return out;
}"""


def test_meeting_room_display_in_large_type(browser: Any, server: str) -> None:
    """1920 × 1080, large type switched on by the URL and kept for the next page: the
    base type is 137.5 % of the browser's, nothing runs off the screen, screenshots kept."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    sign_in_tab(tab, server, ROLE_USER["viewer"])
    tab.goto(f"{server}/?type=large")
    assert tab.locator("html").get_attribute("class") == "large"
    size = tab.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size == pytest.approx(16 * 1.375)
    for name, path in (("overview", "/"), ("tree", "/tree"), ("channels", "/channels")):
        tab.goto(f"{server}{path}")  # the cookie keeps it on, no query needed
        tab.wait_for_load_state("networkidle")
        assert tab.locator("html").get_attribute("class") == "large", path
        assert tab.evaluate(LAYOUT_CHECK) == [], path
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"room-1920-large-{name}.png"))
    with tab.expect_navigation():
        tab.click("#type-switch")  # the switch in the header turns it off again
    assert tab.locator("html").get_attribute("class") in (None, "")
    tab.goto(f"{server}/tree")
    assert tab.locator("html").get_attribute("class") in (None, "")
    context.close()


def test_a_phone_reads_but_does_not_edit(browser: Any, server: str) -> None:
    """At 390 × 844 the node page's PDCA forms and the scoring editor are hidden, with a
    note saying so; on a laptop the same editor sees them."""
    for width, editable in ((390, False), (1440, True)):
        context = browser.new_context(
            viewport={"width": width, "height": 844}, is_mobile=width < 640
        )
        tab = context.new_page()
        sign_in_tab(tab, server, ROLE_USER["admin"])
        for path, form in (("/node/leads", "#action-form"), ("/scoring", "#draft-form")):
            tab.goto(f"{server}{path}")
            tab.wait_for_load_state("networkidle")
            assert tab.locator(form).count() == 1, (path, form)  # in the page, for a laptop
            assert tab.locator(form).is_visible() is editable, (width, path)
            assert tab.locator(".readonly-note").is_visible() is not editable, (width, path)
            if not editable:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(ARTIFACTS / f"phone-read-only{path.replace('/', '-')}.png"))
        context.close()


def test_download_the_review_report(server: str, page: object) -> None:
    from tests.reports.test_review_pdf import _require_pdf_stack

    _require_pdf_stack()
    page.goto(f"{server}/?lang=ja&period=2026-10")  # type: ignore[attr-defined]
    with page.expect_download(timeout=60_000) as info:  # type: ignore[attr-defined]
        page.click("#report-pdf")  # type: ignore[attr-defined]
    target = ARTIFACTS / "review-2026-10-ja.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    assert info.value.suggested_filename == "ikkan-review-2026-10-ja.pdf"
    assert target.read_bytes().startswith(b"%PDF-")
