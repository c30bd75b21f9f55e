"""A cached page does no per-request work: the node page's PDCA part (read from the state
database) is worked out when the page is rendered, not on every request; a PDCA write
renders it again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import ikkan.web.routes.pdca_pages as pdca_pages


def test_node_page_reads_its_pdca_part_only_when_rendered(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = pdca_pages.node_pdca

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(pdca_pages, "node_pdca", counted)
    url = "/node/leads?lang=en&compare=year"  # a URL no other test renders first
    first = client.get(url)
    assert first.status_code == 200 and calls == ["leads"]
    for _ in range(3):
        again = client.get(url)
        assert again.status_code == 200 and again.text == first.text
    assert calls == ["leads"]  # served from the page cache
    client.app.state.store.state_changed()  # type: ignore[attr-defined]  # a PDCA write
    assert client.get(url).status_code == 200
    assert calls == ["leads", "leads"]
