"""One's own API tokens with a real browser against a real ``ikkan serve``: a viewer opens
the page from the header, creates a token (shown once), sees it listed without the token,
revokes it, in ja and en. Screenshots under test-artifacts/web/."""

from __future__ import annotations

import httpx
import pytest

from tests.web.test_browser import browser, open_tab, shot, sign_in_tab

pytestmark = pytest.mark.browser
__all__ = ["browser"]

WORDS = {"ja": ("APIトークン", "有効", "失効済み"), "en": ("API tokens", "active", "revoked")}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_viewer_creates_and_revokes_a_token(server: str, browser: object, lang: str) -> None:
    title, active, revoked = WORDS[lang]
    name = f"browser-{lang}"
    context, tab, problems = open_tab(browser)
    try:
        sign_in_tab(tab, server, "yui", lang)
        tab.click("#account-tokens")  # type: ignore[attr-defined]
        tab.wait_for_selector("#create-token")  # type: ignore[attr-defined]
        assert tab.locator("h1").inner_text() == title  # type: ignore[attr-defined]
        tab.fill("#token-name", name)  # type: ignore[attr-defined]
        tab.fill("#token-days", "30")  # type: ignore[attr-defined]
        tab.click("#create")  # type: ignore[attr-defined]
        tab.wait_for_selector("#new-token-value")  # type: ignore[attr-defined]
        raw = tab.locator("#new-token-value").inner_text()  # type: ignore[attr-defined]
        shot(tab, f"tokens-created-{lang}")
        me = httpx.get(f"{server}/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.status_code == 200 and me.json()["username"] == "yui"
        tab.goto(f"{server}/account/tokens")  # type: ignore[attr-defined]
        assert tab.locator("#new-token-value").count() == 0  # type: ignore[attr-defined]
        assert raw not in tab.content()  # type: ignore[attr-defined]  # shown once only
        row = tab.locator("tr", has_text=name)  # type: ignore[attr-defined]
        assert active in row.inner_text()
        row.locator("button.revoke").click()
        tab.wait_for_selector("#message")  # type: ignore[attr-defined]
        assert revoked in tab.locator("tr", has_text=name).inner_text()  # type: ignore[attr-defined]
        assert tab.locator("tr", has_text=name).locator("button").count() == 0  # type: ignore[attr-defined]
        shot(tab, f"tokens-revoked-{lang}")
        gone = httpx.get(f"{server}/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert gone.status_code == 401
    finally:
        context.close()
    assert not problems, problems
