"""Escaping beyond node labels: a hostile channel (its id and label in ikkan.yml, its
leads the demo's referrals) and a hostile imported file name render as text on the
channels page, the data health page and the drill-downs, and survive a round trip through
a filter link."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape

from tests.web.conftest import HOSTILE_CHANNEL, HOSTILE_FILE

RAW_CHANNEL = "<svg/onload=alert("
RAW_FILE = "<iframe src=javascript:alert("


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_hostile_channel_is_text(client: httpx.Client, lang: str) -> None:
    api = client.get(f"/api/channels?lang={lang}").json()
    assert HOSTILE_CHANNEL in {r["value"] for r in api["rows"]}, "its leads were ingested"
    for path in ("/channels", "/node/leads", "/node/cpl", "/"):
        html = client.get(f"{path}?lang={lang}").text
        assert RAW_CHANNEL not in html, path
        if path != "/":  # the overview names the top channel only when it is this one
            assert escape(HOSTILE_CHANNEL) in html, path  # shown, as text
    drill = client.get(f"/api/nodes/leads?lang={lang}").json()["drilldown"][0]
    assert HOSTILE_CHANNEL in {i["value"] for i in drill["items"]}


def test_a_hostile_channel_filter_round_trips(client: httpx.Client) -> None:
    where = quote(f"channel:{HOSTILE_CHANNEL}", safe="")
    api = client.get(f"/api/tree?where={where}")
    assert api.status_code == 200, api.text
    assert api.json()["header"]["where"] == ["channel", HOSTILE_CHANNEL]
    html = client.get(f"/tree?where={where}").text
    assert RAW_CHANNEL not in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_hostile_file_name_is_text(client: httpx.Client, lang: str) -> None:
    api = client.get(f"/api/health?lang={lang}").json()
    files = {s["file"] for s in api["sources"]}
    assert any(f and f.endswith(HOSTILE_FILE) for f in files), files
    html = client.get(f"/health?lang={lang}").text
    assert RAW_FILE not in html
    assert escape(HOSTILE_FILE) in html
