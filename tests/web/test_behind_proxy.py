"""Behind a TLS-terminating reverse proxy: the real ``ikkan serve`` (uvicorn) takes the scheme
from ``X-Forwarded-Proto`` when the proxy's address is trusted (loopback by default,
``FORWARDED_ALLOW_IPS`` otherwise), so its cookies are ``Secure`` exactly when the browser
speaks https."""

from __future__ import annotations

import httpx


def _cookies(server: str, headers: dict[str, str]) -> list[str]:
    response = httpx.get(f"{server}/signin", headers=headers, timeout=10)
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    assert cookies, "the sign-in page sets its CSRF seed cookie"
    return cookies


def test_cookies_are_secure_when_the_proxy_says_https(server: str) -> None:
    for cookie in _cookies(server, {"X-Forwarded-Proto": "https"}):
        assert "; secure" in cookie.lower(), cookie
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower(), cookie


def test_cookies_are_not_secure_over_plain_http(server: str) -> None:
    for cookie in _cookies(server, {}):
        assert "secure" not in cookie.lower(), cookie
