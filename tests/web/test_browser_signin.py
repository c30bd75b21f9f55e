"""Signing in with a real browser against a real ``ikkan serve``: the admin, an editor and a
viewer, in ja and en; what each may open; sign-out. Screenshots under test-artifacts/web/."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, ROLE_USER
from tests.web.test_browser import browser, open_tab, shot, sign_in_tab

pytestmark = pytest.mark.browser
__all__ = ["browser"]

TITLES = {
    "ja": ("サインイン", "ユーザー", "権限がありません"),
    "en": ("Sign in", "Users", "Not allowed"),
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_sign_in_as_each_role(server: str, browser: object, role: str, lang: str) -> None:
    context, tab, problems = open_tab(browser)
    tab.refusals_expected = True  # type: ignore[attr-defined]
    username = ROLE_USER[role]
    signin_title, users_title, refused_title = TITLES[lang]
    try:
        tab.goto(f"{server}/tree?lang={lang}")  # type: ignore[attr-defined]
        assert "/signin" in tab.url  # type: ignore[attr-defined]  # sent to sign in first
        assert tab.locator("h1").inner_text() == signin_title  # type: ignore[attr-defined]
        shot(tab, f"signin-{lang}")
        tab.fill("#username", username)  # type: ignore[attr-defined]
        tab.fill("#password", PASSWORD + "x")  # type: ignore[attr-defined]
        tab.click("#signin")  # type: ignore[attr-defined]
        assert tab.locator("#error").is_visible()  # type: ignore[attr-defined]
        tab.fill("#password", PASSWORD)  # type: ignore[attr-defined]
        tab.click("#signin")  # type: ignore[attr-defined]
        tab.wait_for_selector("#me")  # type: ignore[attr-defined]
        assert tab.url.endswith(f"/tree?lang={lang}")  # type: ignore[attr-defined]  # back
        assert tab.locator("#me").inner_text() == username  # type: ignore[attr-defined]
        tab.wait_for_selector("svg")  # type: ignore[attr-defined]
        shot(tab, f"signed-in-{role}-{lang}")
        has_admin_links = tab.locator("#admin-users").count() == 1  # type: ignore[attr-defined]
        assert has_admin_links == (role == "admin")
        tab.goto(f"{server}/admin/users?lang={lang}")  # type: ignore[attr-defined]
        heading = tab.locator("h1").inner_text()  # type: ignore[attr-defined]
        if role == "admin":
            assert heading == users_title
            assert tab.locator("tr[data-user='mei']").count() == 1  # type: ignore[attr-defined]
            shot(tab, f"admin-users-{lang}")
        else:
            assert refused_title in heading
            assert "only admins may manage users" in tab.content()  # type: ignore[attr-defined]
            shot(tab, f"refused-{role}-{lang}")
        tab.goto(f"{server}/?lang={lang}")  # type: ignore[attr-defined]
        tab.click("#signout")  # type: ignore[attr-defined]
        tab.wait_for_selector("#signin")  # type: ignore[attr-defined]
        tab.goto(f"{server}/tree")  # type: ignore[attr-defined]
        assert "/signin" in tab.url  # type: ignore[attr-defined]  # signed out for real
    finally:
        context.close()
    assert not problems, problems


def test_admin_adds_a_user_who_then_sets_a_password(server: str, browser: object) -> None:
    context, tab, problems = open_tab(browser)
    try:
        sign_in_tab(tab, server, ROLE_USER["admin"], "en")
        tab.goto(f"{server}/admin/users?lang=en")  # type: ignore[attr-defined]
        tab.fill("#new-username", "hana")  # type: ignore[attr-defined]
        tab.select_option("#new-role", "editor")  # type: ignore[attr-defined]
        tab.fill("#new-departments", "cs")  # type: ignore[attr-defined]
        tab.click("#add")  # type: ignore[attr-defined]
        password = tab.locator("#one-time-password").inner_text()  # type: ignore[attr-defined]
        assert len(password) == 16
        shot(tab, "admin-added-user-en")
        tab.click("#signout")  # type: ignore[attr-defined]
        tab.wait_for_selector("#signin")  # type: ignore[attr-defined]
        tab.fill("#username", "hana")  # type: ignore[attr-defined]
        tab.fill("#password", password)  # type: ignore[attr-defined]
        tab.click("#signin")  # type: ignore[attr-defined]
        tab.wait_for_selector("#change")  # type: ignore[attr-defined]
        assert tab.url.endswith("/account/password")  # type: ignore[attr-defined]
        tab.fill("#current", password)  # type: ignore[attr-defined]
        tab.fill("#new", "hana's own secret")  # type: ignore[attr-defined]
        tab.fill("#confirm", "hana's own secret")  # type: ignore[attr-defined]
        tab.click("#change")  # type: ignore[attr-defined]
        tab.wait_for_selector("#me")  # type: ignore[attr-defined]
        assert tab.url == f"{server}/"  # type: ignore[attr-defined]
        assert tab.locator("#me").inner_text() == "hana"  # type: ignore[attr-defined]
    finally:
        context.close()
    assert not problems, problems
