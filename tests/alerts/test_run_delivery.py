"""``ikkan alerts run`` end to end: evaluate the demo's rules, queue, deliver to a signed
webhook on loopback; a second run sends nothing again."""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ikkan.alerts.notifiers import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo
from tests.alerts.test_delivery import Receiver, receiver  # noqa: F401 - the fixture
from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import add_users, new_client

NOTIFY = """
notify:
  lang: ja
  base_url: http://127.0.0.1:8000
  channels:
    hook: {{type: webhook, url: "{url}", secret: "${{IKKAN_TEST_SECRET}}"}}
"""


def _project(alert_demo: AlertDemo, tmp_path: Path, url: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(alert_demo.root, root)
    spec = root / "ikkan.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + NOTIFY.format(url=url), encoding="utf-8")
    # the session's project is shared: other tests may have left alert state at a later clock
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    return root


def test_run_delivers_signed_notifications_once(
    alert_demo: AlertDemo,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("IKKAN_TEST_SECRET", "k3y")
    root = _project(alert_demo, tmp_path, receiver.url)
    moment = alert_demo.imported_at.replace(tzinfo=None)
    now = (moment.replace(microsecond=0)).isoformat()
    out = json.loads(ikkan("alerts", "run", "--json", "--now", now, cwd=root).stdout)
    fired = [n for n in out["notifications"] if n["kind"] == "firing"]
    assert fired, "the demo breaches at least one default rule"
    assert out["queued"] == len(out["notifications"])
    assert sorted(s["key"] for s in out["sent"]) == sorted(n["key"] for n in fired)
    assert out["failed"] == []
    assert len(receiver.requests) == len(fired)
    links: list[str] = []
    for headers, body in receiver.requests:
        assert verify(
            "k3y", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time()
        )
        data = json.loads(body)
        assert data["key"] == unquote(headers[KEY_HEADER])  # percent-encoded if not ASCII
        assert data["subject"].startswith("[発報]")
        if data["node"]:
            link = f"http://127.0.0.1:8000/node/{data['node']}?period={data['period']}"
            assert data["link"] == link
            assert data["observed"]
            links.append(data["link"])
    # an hour later (a wrap of the hour at 23:xx would be earlier on the same day)
    later = (moment.replace(microsecond=0) + timedelta(hours=1)).isoformat()
    again = json.loads(ikkan("alerts", "run", "--json", "--now", later, cwd=root).stdout)
    assert again["sent"] == [] and again["queued"] == 0
    assert len(receiver.requests) == len(fired)
    listed = json.loads(ikkan("alerts", "list", "--json", cwd=root).stdout)
    states = {r["rule"]: r["states"] for r in listed}
    for n in fired:
        assert states[n["rule"]][n["instance"]] == "firing"
    assert links, "at least one delivered alert names a node"
    _links_open_the_node_page(root, links)


def _links_open_the_node_page(root: Path, links: list[str]) -> None:
    """Every delivered link answers 200 from the real app, on the node page of the alert's
    period (not a 404, not the default period)."""
    add_users(root)
    for client in new_client(root, "yui"):
        for link in links:
            url = urlsplit(link)
            response = client.get(f"{url.path}?{url.query}")
            assert response.status_code == 200, (link, response.text[:300])
            node = url.path.rsplit("/", 1)[1]
            period = parse_qs(url.query)["period"][0]
            api = client.get(f"/api/nodes/{node}?{url.query}")
            assert api.status_code == 200, (link, api.text[:300])
            assert api.json()["header"]["period"] == period, link


def test_missing_secret_is_a_clear_error(
    alert_demo: AlertDemo,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv("IKKAN_TEST_SECRET", raising=False)
    root = _project(alert_demo, tmp_path, receiver.url)
    result = ikkan("alerts", "run", cwd=root, check=False)
    assert result.returncode == 1
    assert "hook.secret" in result.stderr and "IKKAN_TEST_SECRET" in result.stderr
