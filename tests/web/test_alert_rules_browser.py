"""The alert rule editor in a real browser against a real ``ikkan serve`` on a copy of the
web project: a marketing editor opens a new rule from the Alerts page, sees a problem at its
line, fixes it, sees the draft's 12-month backtest, saves it and finds it listed with the
same figures. Screenshots under test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.web.test_browser import browser, open_tab, shot, sign_in_tab
from tests.web.test_scoring_browser import own_server

pytestmark = pytest.mark.browser
__all__ = ["browser", "own_server"]

SLOW = 120_000  # ms: the rules table replays every rule's backtest the first time


def test_draft_backtest_save_and_list(own_server: tuple[str, Path], browser: object) -> None:
    server, root = own_server
    context, tab, problems = open_tab(browser)
    try:
        sign_in_tab(tab, server, "mei", "en")
        tab.goto(f"{server}/alerts?lang=en")  # type: ignore[attr-defined]
        tab.click("#new-rule", timeout=SLOW)  # type: ignore[attr-defined]
        tab.wait_for_selector("#yaml")  # type: ignore[attr-defined]
        tab.fill("#rule", "browser_mql")  # type: ignore[attr-defined]
        tab.fill("#yaml", "node: mqll\nkind: target\nmargin: 8%\n")  # type: ignore[attr-defined]
        tab.click("#run-backtest")  # type: ignore[attr-defined]
        tab.wait_for_selector("#error-yaml")  # type: ignore[attr-defined]
        error = tab.locator("#error-yaml").inner_text()  # type: ignore[attr-defined]
        assert "line 1" in error and "mqll" in error
        assert tab.locator("#save").count() == 0  # type: ignore[attr-defined]
        tab.fill("#yaml", "node: mql\nkind: target\nmargin: 8%\n")  # type: ignore[attr-defined]
        tab.click("#run-backtest")  # type: ignore[attr-defined]
        tab.wait_for_selector("#draft-backtest", timeout=SLOW)  # type: ignore[attr-defined]
        figures = tab.locator("#draft-backtest")  # type: ignore[attr-defined]
        alerts, judged = figures.get_attribute("data-alerts"), figures.get_attribute("data-judged")
        assert alerts is not None and alerts.isdigit() and judged is not None and int(judged) > 0
        assert tab.locator("#draft-months tbody tr").count() >= 12  # type: ignore[attr-defined]
        assert "browser_mql" not in (root / "ikkan.yml").read_text(encoding="utf-8")
        shot(tab, "alert-rule-draft-en")
        with tab.expect_navigation():  # type: ignore[attr-defined]
            tab.click("#save")  # type: ignore[attr-defined]
        tab.wait_for_selector("#rule-saved")  # type: ignore[attr-defined]
        row = "#alert-rules tr[data-rule='browser_mql']"
        tab.wait_for_selector(row, timeout=SLOW)  # type: ignore[attr-defined]
        assert tab.locator(row).get_attribute("data-alerts") == alerts  # type: ignore[attr-defined]
        shot(tab, "alert-rule-saved-en")
        saved = yaml.safe_load((root / "ikkan.yml").read_text(encoding="utf-8"))
        assert saved["alerts"]["browser_mql"] == {"node": "mql", "kind": "target", "margin": "8%"}
        assert problems == [], problems
    finally:
        context.close()  # type: ignore[attr-defined]
