"""Large type for a meeting-room display: a switch kept per browser.

``?type=large`` turns it on and ``?type=normal`` off; the choice is kept in the
``ikkan_type`` cookie (set by the middleware), so a link or a bookmark on the room's
computer opens every page in large type. The page renders ``<html class="large">``.
"""

from __future__ import annotations

TYPE_SIZES = ("large", "normal")
COOKIE = "ikkan_type"


def is_large(query: str | None, cookie: str | None) -> bool:
    """The query wins over the cookie; anything else means normal type."""
    if query in TYPE_SIZES:
        return query == "large"
    return cookie == "large"
