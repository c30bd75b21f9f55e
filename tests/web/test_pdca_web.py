"""The PDCA part of the dashboard in-process: a target revised by form shows in the tree and
equals what ``status`` says, actions become markers on the trend and get their measured
effect, refusals are 403 with nothing stored, the review pages and department views."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ikkan.services.state_engines import forget
from ikkan.web.app import create_app
from ikkan.workspace import Workspace
from tests.web.conftest import NOW, csrf_of, sign_in
from tests.web.html_find import parse
from tests.web.pdca_project import copy_project, pdca_source  # noqa: F401

# tests/web/conftest.py's users: aiko admin, mei marketing editor, ken sales + inside_sales
# editor, yui viewer
MARKETING = "mei"
SALES = "ken"


@pytest.fixture(scope="module")
def project(pdca_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return copy_project(pdca_source, tmp_path_factory.mktemp("pdca-inproc") / "p")


@pytest.fixture(scope="module")
def clients(project: Path) -> Iterator[dict[str, TestClient]]:
    """One app; a signed-in client per user (each with its CSRF header for JSON)."""
    app = create_app(project, clock=NOW, watch=False)
    with ExitStack() as stack:
        out = {}
        for username in ("aiko", "mei", "ken", "yui"):
            test_client = stack.enter_context(TestClient(app))
            assert sign_in(test_client, username).status_code == 303
            test_client.headers["X-CSRF-Token"] = csrf_of(test_client, "/")
            out[username] = test_client
        yield out
    forget()


@pytest.fixture(scope="module")
def client(clients: dict[str, TestClient]) -> TestClient:
    return clients["aiko"]


def tree_targets(client: TestClient, period: str) -> dict[str, float | None]:
    nodes = client.get(f"/api/tree?period={period}&lang=en").json()["nodes"]
    return {n["id"]: n["target"] for n in nodes}


def test_a_form_revision_moves_the_tree_and_status_agrees(
    client: TestClient, project: Path
) -> None:
    before = tree_targets(client, "FY2026")
    response = client.post(
        "/node/revenue/targets?lang=en",
        data={"scenario": "commit", "value": "1,100,000,000", "reason": "取締役会で上方修正"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/node/revenue")
    after = tree_targets(client, "FY2026")
    assert before["revenue"] == 1_000_000_000 and after["revenue"] == 1_100_000_000
    assert after["new_won"] is not None and before["new_won"] is not None
    assert after["new_won"] > before["new_won"]  # a derived target moved with it
    # one function gives the targets: the CLI's status equals the dashboard's API
    status = Workspace.open(project, clock=NOW).status(period="FY2026")
    for node_id, target in after.items():
        assert status.nodes[node_id].commit == target, node_id
    month = tree_targets(client, "2026-10")
    assert (
        month["revenue"]
        == Workspace.open(project, clock=NOW).status(period="2026-10").nodes["revenue"].commit
    )
    page = parse(client.get("/node/revenue?lang=ja").text)
    row = page.find("tr", class_="revision")
    assert row is not None and "取締役会で上方修正" in row.text and "aiko" in row.text
    assert "新規受注数" in row.text  # the derived targets that moved, by name


def test_an_action_is_a_marker_and_gets_its_effect_when_done(client: TestClient) -> None:
    created = client.post(
        "/api/nodes/leads/actions?lang=en",
        json={
            "title": "ウェビナー週2回",
            "start": "2026-09-01",
            "end": "2026-09-30",
            "status": "doing",
            "hypothesis": "more webinars, more leads",
            "expected_low": 0.1,
            "expected_high": 0.2,
        },
    )
    assert created.status_code == 201, created.text
    action = created.json()
    assert action["effect"] is None and action["expected_text"] == "+10.0% … +20.0%"
    trend = client.get("/api/trends?node=leads&grain=month&lang=en").json()
    assert [m["id"] for m in trend["markers"]] == [action["id"]]
    mark_line = trend["chart"]["series"][0]["markLine"]["data"]
    assert mark_line[0]["name"].endswith("ウェビナー週2回")
    labels = trend["chart"]["xAxis"]["data"]
    assert mark_line[0]["xAxis"] in labels
    done = client.post(
        f"/api/actions/{action['id']}/status?lang=en", json={"status": "done"}
    ).json()
    effect = done["effect"]
    assert effect["verdict"] in ("within", "above", "below"), effect
    assert effect["windows"] >= 6 and effect["low"] < effect["expected"] < effect["high"]
    assert done["effect_text"].startswith(effect["sentence_en"])
    page = parse(client.get("/node/leads?lang=ja").text)
    row = page.find("tr", class_="action", data_id=str(action["id"]))
    cell = row.find("td", class_="effect") if row else None
    assert cell is not None and effect["sentence_ja"] in cell.text
    chart = page.find(id="node-trend-chart")
    assert chart is not None and chart.attrs["data-markers"] == "1"


def test_another_departments_node_is_refused_with_nothing_stored(
    clients: dict[str, TestClient],
) -> None:
    mei = clients[MARKETING]
    before = mei.get("/api/nodes/win_rate/pdca").json()
    assert before["can"] == {"revise": False, "log": False, "note": False}
    refused = [
        mei.post("/api/nodes/win_rate/targets", json={"value": 0.3, "reason": "why not"}),
        mei.post(
            "/api/nodes/win_rate/actions",
            json={"title": "x", "start": "2026-10-01", "end": "2026-10-02"},
        ),
        mei.post("/api/nodes/win_rate/notes", json={"body": "x"}),
        mei.post("/api/nodes/win_rate/checkins", json={"status": "at_risk"}),
        mei.post(
            "/node/win_rate/targets",
            data={"value": "0.3", "reason": "form", "csrf_token": csrf_of(mei, "/")},
            follow_redirects=False,
        ),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
    after = mei.get("/api/nodes/win_rate/pdca").json()
    for key in ("revisions", "actions", "notes", "checkins"):
        assert after[key] == before[key]
    page = parse(mei.get("/node/win_rate?lang=en").text)
    assert page.find(id="revise-form") is None  # no form where writing is refused
    ok = clients[SALES].post(
        "/api/nodes/win_rate/notes", json={"body": "顧客の声", "kind": "customer_voice"}
    )
    assert ok.status_code == 201 and ok.json()["actor"] == "ken"


def test_a_form_without_its_csrf_token_is_refused(clients: dict[str, TestClient]) -> None:
    ken = clients[SALES]
    before = ken.get("/api/nodes/win_rate/pdca").json()["notes"]
    response = ken.post(
        "/node/win_rate/notes",
        data={"body": "no token"},
        headers={"X-CSRF-Token": ""},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert ken.get("/api/nodes/win_rate/pdca").json()["notes"] == before


def test_every_write_is_in_the_audit_log(clients: dict[str, TestClient], project: Path) -> None:
    from ikkan.auth.audit import read_audit
    from ikkan.auth.project import open_identity

    clients[SALES].post("/api/nodes/win_rate/checkins", json={"status": "on_track"})
    engine = open_identity(project)
    try:
        entries = read_audit(engine, actor="ken", action="check_in")
    finally:
        engine.dispose()
    assert entries and entries[0].target == "node:win_rate" and entries[0].via == "web"


def test_bad_input_is_a_clear_400(client: TestClient) -> None:
    no_reason = client.post("/api/nodes/win_rate/targets", json={"value": 0.3, "reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]
    bad_month = client.post(
        "/api/nodes/win_rate/targets", json={"value": 0.3, "reason": "x", "period": "2031-01"}
    )
    assert bad_month.status_code == 400 and "plan period" in bad_month.json()["error"]
    unknown = client.post("/api/nodes/nope/notes", json={"body": "x"})
    assert unknown.status_code == 404


def test_notes_and_checkins_show_on_the_node_page(client: TestClient) -> None:
    client.post(
        "/node/mql/notes?lang=en", data={"body": "議事録: MQL定義を見直す", "kind": "minutes"}
    )
    client.post(
        "/node/mql/checkins?lang=en",
        data={"status": "at_risk", "value": "25", "comment": "<b>slow</b>"},
    )
    page = parse(client.get("/node/mql?lang=ja").text)
    notes = page.find("ul", class_="notes")
    assert notes is not None and "議事録: MQL定義を見直す" in notes.text
    checkin = page.find("li", class_="checkin")
    assert checkin is not None
    assert "要注意" in checkin.text and "<b>slow</b>" in checkin.text  # escaped, shown as text
    assert checkin.find("b") is None


def test_review_pages_list_off_track_open_and_finished(client: TestClient) -> None:
    client.post(
        "/api/nodes/opportunity_rate/actions",
        json={
            "title": "IS台本の改訂",
            "start": "2026-11-01",
            "end": "2026-11-25",
            "status": "doing",
        },
    )
    weekly = client.get("/api/review/weekly?lang=en").json()
    by_department = {d["department"]: d for d in weekly["departments"]}
    assert {"marketing", "inside_sales", "sales"} <= set(by_department)
    assert any(a["title"] == "IS台本の改訂" for a in by_department["inside_sales"]["open_due"])
    finished = by_department["marketing"]["finished"]  # leads is marketing's in the template
    assert any(a["title"] == "ウェビナー週2回" and a["effect_text"] for a in finished)
    off = [n for d in weekly["departments"] for n in d["off_track"]]
    assert all(n["rag"] in ("red", "amber") for n in off)
    status = Workspace.open(client.app.state.store.root, clock=NOW).status(  # type: ignore[attr-defined]
        period=weekly["period"]
    )
    assert {n["id"] for n in off} <= set(status.nodes)
    quarterly = client.get("/review/quarterly?lang=ja")
    assert quarterly.status_code == 200 and "四半期レビュー" in quarterly.text
    assert client.get("/api/review/monthly").status_code == 400


def test_department_views_share_nodes_on_the_path_to_the_kgi(client: TestClient) -> None:
    data = client.get("/api/departments?lang=en").json()
    views = {d["department"]: d for d in data["departments"]}
    in_views = {d: {n["id"] for n in v["nodes"]} for d, v in views.items()}
    assert "revenue" in in_views["sales"] and "revenue" in in_views["marketing"]
    assert "new_won" in in_views["sales"]
    sales_paths = {r["id"]: [s["id"] for s in r["path"]] for r in views["sales"]["own"]}
    assert sales_paths["win_rate"][0] == "win_rate" and sales_paths["win_rate"][-1] == "revenue"
    page = client.get("/departments/inside_sales?lang=ja")
    assert page.status_code == 200 and "KGIまでの経路" in page.text
    assert client.get("/api/departments/nosuch").status_code == 400
    assert client.get("/my", follow_redirects=False).headers["location"] == "/departments"


WRITES = {
    "api-target": ("json", "/api/nodes/opportunity_rate/targets", {"value": 0.31, "reason": "r"}),
    "api-action": (
        "json",
        "/api/nodes/opportunity_rate/actions",
        {"title": "t", "start": "2026-10-01", "end": "2026-10-02"},
    ),
    "api-note": ("json", "/api/nodes/opportunity_rate/notes", {"body": "b"}),
    "api-checkin": ("json", "/api/nodes/opportunity_rate/checkins", {"status": "on_track"}),
    "form-target": ("form", "/node/opportunity_rate/targets", {"value": "32%", "reason": "r"}),
    "form-action": (
        "form",
        "/node/opportunity_rate/actions",
        {"title": "t", "start": "2026-10-01", "end": "2026-10-02"},
    ),
    "form-note": ("form", "/node/opportunity_rate/notes", {"body": "b"}),
    "form-checkin": ("form", "/node/opportunity_rate/checkins", {"status": "at_risk"}),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("aiko", True), ("ken", True), ("mei", False), ("yui", False)],
    ids=["admin", "own-editor", "other-editor", "viewer"],
)
def test_authorization_matrix(
    clients: dict[str, TestClient], write: str, actor: str, allowed: bool
) -> None:
    """Every PDCA write endpoint × role × own / other department: refusals are 403 and
    change nothing; allowed writes store exactly one record."""
    kind, path, payload = WRITES[write]
    client = clients[actor]
    before = client.get("/api/nodes/opportunity_rate/pdca").json()
    if kind == "json":
        response = client.post(path, json=payload)
    else:
        form = {**payload, "csrf_token": csrf_of(client, "/")}
        response = client.post(path, data=form, follow_redirects=False)
    after = client.get("/api/nodes/opportunity_rate/pdca").json()
    counts = [len(before[k]) for k in ("revisions", "actions", "notes", "checkins")]
    new_counts = [len(after[k]) for k in ("revisions", "actions", "notes", "checkins")]
    if allowed:
        assert response.status_code in (201, 303), response.text
        assert sum(new_counts) == sum(counts) + 1
    else:
        assert response.status_code == 403, response.text
        assert new_counts == counts
        assert after["targets"] == before["targets"]


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("aiko", True), ("ken", True), ("mei", False), ("yui", False)],
    ids=["admin", "own-editor", "other-editor", "viewer"],
)
def test_authorization_of_action_status(
    clients: dict[str, TestClient], kind: str, actor: str, allowed: bool
) -> None:
    client = clients["aiko"]
    created = client.post(
        "/api/nodes/opportunity_rate/actions",
        json={"title": "status matrix", "start": "2026-10-01", "end": "2026-10-02"},
    ).json()
    who = clients[actor]
    if kind == "json":
        response = who.post(f"/api/actions/{created['id']}/status", json={"status": "dropped"})
    else:
        response = who.post(
            f"/actions/{created['id']}/status",
            data={"status": "dropped", "csrf_token": csrf_of(who, "/")},
            follow_redirects=False,
        )
    actions = client.get("/api/nodes/opportunity_rate/pdca").json()["actions"]
    status = next(a["status"] for a in actions if a["id"] == created["id"])
    assert response.status_code == (403 if not allowed else 200 if kind == "json" else 303)
    assert status == ("dropped" if allowed else "planned")


def test_the_node_page_cache_keys_on_who_asks(clients: dict[str, TestClient]) -> None:
    """The same URL shows the forms to an editor of the node and not to others, even
    though the page is cached per snapshot."""
    url = "/node/avg_deal_size?lang=en"
    assert parse(clients["aiko"].get(url).text).find(id="revise-form") is not None
    assert parse(clients[MARKETING].get(url).text).find(id="revise-form") is None
    assert parse(clients[SALES].get(url).text).find(id="revise-form") is not None


def test_a_write_from_outside_the_app_shows_after_the_next_poll(
    client: TestClient, project: Path
) -> None:
    """``ikkan notes add`` in another process: the next check of the store drops the
    cached pages, so the note shows without a data refresh."""
    url = "/node/cvr?lang=en"
    assert "from the command line" not in client.get(url).text  # cached now
    from ikkan.services.pdca_access import local_actor

    Workspace.open(project, clock=NOW).pdca().add_note(
        local_actor("cli-user"), "cvr", "from the command line"
    )
    client.app.state.store.check()  # type: ignore[attr-defined]
    assert "from the command line" in client.get(url).text
