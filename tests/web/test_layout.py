"""Layouts in a real browser: on a phone (390 × 844), at 200 % browser zoom and with the
browser's font size doubled, the overview, tree, node and funnel pages (ja and en) do not
scroll sideways, no text runs out of its box or off the screen, and no two controls
overlap. Wide tables and the tree scroll inside their own frame, which is allowed.
Screenshots are kept under test-artifacts/web/layout-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, sign_in_browser

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "tree": "/tree",
    "node": "/node/leads",
    "funnel": "/funnel",
}
# viewport, device pixels per CSS pixel, the browser's default font size (px)
MODES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "scale": 3, "font": 16, "mobile": True},
    # a 1440 × 900 window at 200 % zoom lays out in 720 × 450 CSS pixels at 2 device pixels
    "zoom200": {"viewport": {"width": 720, "height": 450}, "scale": 2, "font": 16, "mobile": False},
    # the browser's font size setting at 200 % (16 → 32 px): large type on a wide screen
    "font200": {
        "viewport": {"width": 1440, "height": 900},
        "scale": 1,
        "font": 32,
        "mobile": False,
    },
    "phone-font150": {
        "viewport": {"width": 390, "height": 844},
        "scale": 3,
        "font": 24,
        "mobile": True,
    },
}

CHECK = """() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const name = el => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' "' +
      text.slice(0, 40) + '"';
  };
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  }
  const framed = el => el.closest('.tablewrap, .treewrap, pre, svg, .chart, .skip');
  const shown = el => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (framed(el) || !shown(el)) continue;
    const hasText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!hasText) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 || r.left < -1) problems.push(`off the screen: ${name(el)}`);
    const s = getComputedStyle(el);
    if (s.display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
      const size = `${el.scrollWidth} > ${el.clientWidth}`;
      problems.push(`text runs out of its box (${size}): ${name(el)}`);
    }
  }
  const controls = [...document.body.querySelectorAll(
    'a[href], button, select, input:not([type=hidden]), summary')]
    .filter(el => !el.closest('svg, .skip') && shown(el));
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 2 && h > 2) problems.push(`controls overlap: ${name(a)} / ${name(b)}`);
    }
  }
  return problems;
}"""


@pytest.fixture(params=list(MODES), scope="module")
def tab(request: pytest.FixtureRequest, browser: Any, server: str) -> Iterator[tuple[str, Any]]:
    mode = MODES[request.param]
    context = browser.new_context(
        viewport=mode["viewport"],
        device_scale_factor=mode["scale"],
        is_mobile=mode["mobile"],
        has_touch=mode["mobile"],
    )
    page = context.new_page()
    if mode["font"] != 16:  # the browser's own font size setting, as a user changes it
        cdp = context.new_cdp_session(page)
        cdp.send("Page.enable")
        cdp.send(
            "Page.setFontSizes",
            {"fontSizes": {"standard": mode["font"], "fixed": round(mode["font"] * 13 / 16)}},
        )
    sign_in_browser(page, server)
    yield request.param, page
    context.close()


@pytest.mark.parametrize("page_name", list(PAGES))
def test_no_sideways_scroll_cut_text_or_overlapping_controls(
    server: str, tab: tuple[str, Any], page_name: str
) -> None:
    mode, page = tab
    found: dict[str, list[str]] = {}
    for lang in ("ja", "en"):
        page.goto(f"{server}{PAGES[page_name]}?lang={lang}")
        page.wait_for_load_state("networkidle")
        assert page.url.split("?")[0].endswith(PAGES[page_name])  # not the sign-in page
        assert page.locator('header.top nav[aria-label="pages"]').count() == 1
        if MODES[mode]["font"] != 16:  # the setting is in effect: text is larger
            size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
            assert size >= 15 * MODES[mode]["font"] / 16 - 0.5, size
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"layout-{mode}-{page_name}-{lang}.png"), full_page=True
        )
        problems = page.evaluate(CHECK)
        if problems:
            found[lang] = problems
    assert not found, found
