"""One's own API tokens in the browser's account pages (``/account/tokens``), in-process:
list, create (shown once), revoke; only one's own; CSRF; a token cannot make tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from ikkan.auth.keys import TOKEN_PREFIX
from ikkan.auth.project import open_identity
from ikkan.auth.tokens import list_tokens
from tests.web.conftest import WebProject, csrf_of, new_client
from tests.web.html_find import parse

TOKEN = re.compile(r'<code id="new-token-value">([^<]+)</code>')


@pytest.fixture(scope="module")
def mei(web_project: WebProject) -> Iterator[httpx.Client]:
    yield from new_client(web_project.root, "mei")


@pytest.fixture(scope="module")
def ken(web_project: WebProject) -> Iterator[httpx.Client]:
    yield from new_client(web_project.root, "ken")


def create(client: httpx.Client, name: str, **form: str) -> tuple[httpx.Response, str | None]:
    token = csrf_of(client, "/account/tokens")
    response = client.post(
        "/account/tokens", data={"name": name, "csrf_token": token, **form}, follow_redirects=False
    )
    found = TOKEN.search(response.text)
    return response, found.group(1) if found else None


def row_of(client: httpx.Client, name: str) -> dict[str, str]:
    page = parse(client.get("/account/tokens").text)
    for row in page.find_all("tr"):
        cells = [c.text.strip() for c in row.find_all("td")]
        if cells and cells[0] == name:
            return {"id": row.attrs["data-token"], "state": cells[5], "prefix": cells[1]}
    raise AssertionError(f"no row for {name}")


def ids_of(web_project: WebProject, username: str) -> dict[str, tuple[int, bool]]:
    engine = open_identity(web_project.root)
    try:
        return {t.name: (t.id, t.revoked_at is not None) for t in list_tokens(engine, username)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_create_shows_the_token_once_and_it_works_until_revoked(
    mei: httpx.Client, web_project: WebProject, lang: str
) -> None:
    words = {"ja": ("APIトークン", "有効", "失効済み"), "en": ("API tokens", "active", "revoked")}
    title, active, revoked = words[lang]
    mei.get("/account/tokens", params={"lang": lang})  # the language cookie
    name = f"nightly-{lang}"
    response, raw = create(mei, name)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert raw is not None and raw.startswith(TOKEN_PREFIX)
    assert parse(response.text).find("h1").text == title  # type: ignore[union-attr]
    listing = mei.get("/account/tokens").text
    assert raw not in listing  # shown once: never again
    row = row_of(mei, name)
    assert row["state"] == active and row["prefix"] == raw[: len(row["prefix"]) - 1] + "…"
    with httpx.Client(transport=mei._transport, base_url=str(mei.base_url)) as script:  # type: ignore[attr-defined]
        me = script.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.status_code == 200 and me.json() == {
            **me.json(),
            "username": "mei",
            "via": "token",
        }
        token = csrf_of(mei, "/account/tokens")
        done = mei.post(f"/account/tokens/{row['id']}/revoke", data={"csrf_token": token})
        assert done.status_code == 200 and name in done.text
        assert row_of(mei, name)["state"] == revoked
        assert ids_of(web_project, "mei")[name][1] is True
        again = script.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert again.status_code == 401  # it stopped working at once


def test_one_user_cannot_revoke_anothers_token(
    mei: httpx.Client, ken: httpx.Client, web_project: WebProject
) -> None:
    _, raw = create(ken, "ken-export")
    assert raw is not None
    ken_id, _ = ids_of(web_project, "ken")["ken-export"]
    assert "ken-export" not in mei.get("/account/tokens").text  # not in mei's list either
    token = csrf_of(mei, "/account/tokens")
    response = mei.post(f"/account/tokens/{ken_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    assert f"{ken_id}" in parse(response.text).find(id="error").text  # type: ignore[union-attr]
    assert ids_of(web_project, "ken")["ken-export"] == (ken_id, False)  # untouched
    me = ken.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["username"] == "ken"


def test_writes_need_the_csrf_token(mei: httpx.Client, web_project: WebProject) -> None:
    before = ids_of(web_project, "mei")
    response = mei.post("/account/tokens", data={"name": "no-csrf"}, follow_redirects=False)
    assert response.status_code == 403
    assert ids_of(web_project, "mei") == before


def test_bad_input_is_refused_with_the_reason(mei: httpx.Client, web_project: WebProject) -> None:
    before = ids_of(web_project, "mei")
    for form, status in (({"name": " "}, 400), ({"name": "x", "expires_days": "0"}, 400)):
        response, raw = create(mei, **form)  # type: ignore[arg-type]
        assert response.status_code == status and raw is None
        assert parse(response.text).find(id="error") is not None
    assert ids_of(web_project, "mei") == before
    response, raw = create(mei, "weekly", expires_days="30")
    assert raw is not None and "weekly" in ids_of(web_project, "mei")


def test_a_token_cannot_reach_the_token_pages(mei: httpx.Client) -> None:
    _, raw = create(mei, "script")
    assert raw is not None
    with httpx.Client(transport=mei._transport, base_url=str(mei.base_url)) as script:  # type: ignore[attr-defined]
        page = script.get(
            "/account/tokens", headers={"Authorization": f"Bearer {raw}"}, follow_redirects=False
        )
        assert page.status_code == 303 and page.headers["location"].startswith("/signin")
        made = script.post(
            "/account/tokens",
            data={"name": "minted"},
            headers={"Authorization": f"Bearer {raw}"},
            follow_redirects=False,
        )
        assert made.status_code in (303, 401) and "minted" not in made.text
