"""The alert rule editor (/alerts/rule): a draft's backtest equals ``ikkan alerts test --json``
of the same rule once saved (a real subprocess); problems show next to the field with their
line and nothing is written; saving, disabling and deleting rewrite only the rule's lines of
ikkan.yml, need the CSRF token and an editor of the rule's node's department (or an admin),
and are audited."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import text

from ikkan.project.yaml_blocks import set_entry
from ikkan.workspace import Workspace
from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import NOW, WebProject, csrf_of, new_client
from tests.web.html_find import parse

DRAFT = "node: mql\nkind: target\nmargin: 5%\n"


@pytest.fixture(scope="module")
def project(web_project: WebProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("alert-rules-page") / "project"
    shutil.copytree(web_project.root, root)
    return root


@pytest.fixture(scope="module")
def admin(project: Path) -> Iterator[httpx.Client]:
    yield from new_client(project, "aiko")


def _department(project: Path, node: str) -> str | None:
    tree = Workspace.open(project, clock=NOW).tree
    assert tree is not None
    return tree.nodes[node].department


def _yml(project: Path) -> bytes:
    return (project / "ikkan.yml").read_bytes()


def _audit(project: Path) -> list[tuple[str, str, str]]:
    from ikkan.auth.project import open_identity

    engine = open_identity(project)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT actor, action, target FROM audit_log")).all()
    engine.dispose()
    return [tuple(r) for r in rows if r[1].startswith("alert_rule")]


def test_draft_backtest_equals_the_cli_once_saved(
    project: Path, admin: httpx.Client, tmp_path: Path
) -> None:
    assert _department(project, "mql") == "marketing"
    query = {"rule": "mql_target_5", "yaml": DRAFT}
    api = admin.get("/api/alerts/draft", params=query)
    assert api.status_code == 200, api.text
    draft = api.json()
    assert draft["rule"] == "mql_target_5" and draft["kind"] == "target"
    assert draft["judged"] > 0 and len(draft["months"]) >= 12
    page = parse(admin.get("/alerts/rule", params={**query, "draft": "1", "lang": "en"}).text)
    table = page.find(id="draft-backtest")
    assert table is not None
    shown = [table.attrs[f"data-{k}"] for k in ("alerts", "breaches", "judged")]
    assert shown == [str(draft[k]) for k in ("alerts", "breaches", "judged")]
    months = page.find(id="draft-months")
    assert months is not None
    rows = [[td.text for td in tr.find_all("td")] for tr in months.find_all("tr")][1:]
    assert rows == [[m["month"], str(m["alerts"]), str(m["breaches"])] for m in draft["months"]]
    # the CLI backtests the same draft from a file before it is saved
    rule_file = tmp_path / "rule.yml"
    rule_file.write_text(DRAFT, encoding="utf-8")
    cli_draft = ikkan(
        "alerts", "test", "mql_target_5", "--rule-yaml", str(rule_file), "--json", cwd=project
    )
    assert json.loads(cli_draft.stdout) == draft
    before = _yml(project)
    token = csrf_of(admin, "/alerts/rule?new=1")
    saved = admin.post(
        "/alerts/rule/save",
        data={**query, "original": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = _yml(project)
    # only the rule's lines were added: taking them out gives the old file byte for byte
    assert set_entry(after.decode(), "alerts", "mql_target_5", None).encode() == before
    assert yaml.safe_load(after)["alerts"]["mql_target_5"] == yaml.safe_load(DRAFT)
    cli = json.loads(ikkan("alerts", "test", "mql_target_5", "--json", cwd=project).stdout)
    assert cli == draft
    assert ("aiko", "alert_rule_save", "alert:mql_target_5") in _audit(project)
    listed = admin.get("/alerts/rules?lang=en").text
    row = parse(listed).find(**{"data-rule": "mql_target_5"})
    assert row is not None and row.attrs["data-alerts"] == str(draft["alerts"])


def test_an_invalid_draft_shows_its_line_and_writes_nothing(
    project: Path, admin: httpx.Client
) -> None:
    before = _yml(project)
    bad = "node: mqll\nkind: target\nmargin: 5%\n"
    token = csrf_of(admin, "/alerts/rule?new=1")
    refused = admin.post(
        "/alerts/rule/save",
        data={"rule": "typo", "yaml": bad, "original": "", "csrf_token": token, "lang": "en"},
    )
    assert refused.status_code == 400
    error = parse(refused.text).find(id="error-yaml")
    assert error is not None
    assert "line 1" in error.text and "unknown node 'mqll'" in error.text and "mql" in error.text
    assert _yml(project) == before
    # a model error (the same pydantic model as ikkan validate) at its line, a syntax error
    api = admin.get(
        "/api/alerts/draft", params={"rule": "x", "yaml": "kind: target\nnode: mql\nvalue: 3\n"}
    )
    assert api.status_code == 400
    assert "value: and when: belong to threshold rules" in " ".join(api.json()["errors"]["yaml"])
    broken = admin.get("/api/alerts/draft", params={"rule": "x", "yaml": "node: [mql\nkind: t\n"})
    assert broken.status_code == 400 and "YAML syntax error" in broken.text
    taken = admin.get("/api/alerts/draft", params={"rule": "mql_pacing", "yaml": DRAFT})
    assert taken.status_code == 400 and "exists already" in taken.json()["errors"]["rule"][0]
    page = parse(admin.get("/alerts/rule", params={"rule": "x", "yaml": bad, "draft": "1"}).text)
    assert page.find(id="error-yaml") is not None and page.find(id="draft-backtest") is None
    assert page.find(id="save") is None
    ja = admin.get("/alerts/rule", params={"rule": "x", "yaml": bad, "draft": "1", "lang": "ja"})
    assert "下書きに問題があります" in ja.text and "この下書きをバックテスト" in ja.text


def test_a_sales_editor_cannot_save_a_marketing_rule(project: Path) -> None:
    before = _yml(project)
    for ken in new_client(project, "ken"):  # edits sales and inside_sales
        token = csrf_of(ken, "/alerts/rule?new=1")
        form = {"rule": "ken_mql", "yaml": DRAFT, "original": "", "csrf_token": token}
        refused = ken.post("/alerts/rule/save", data=form)
        assert refused.status_code == 403
        assert "this node belongs to marketing" in refused.text
        # nor move a marketing rule onto one of his nodes, nor delete or disable it
        moved = {**form, "rule": "mql_pacing", "original": "mql_pacing"}
        moved["yaml"] = "node: new_won\nkind: target\n"
        assert _department(project, "new_won") == "sales"
        assert ken.post("/alerts/rule/save", data=moved).status_code == 403
        deleted = ken.post("/alerts/rule/delete", data={"rule": "mql_pacing", "csrf_token": token})
        assert deleted.status_code == 403
        # the page says why instead of offering the button
        query = {"rule": "x", "yaml": DRAFT, "draft": "1"}
        page = parse(ken.get("/alerts/rule", params=query).text)
        assert page.find(id="save") is None and page.find(id="no-save") is not None
    assert _yml(project) == before


def test_csrf_missing_is_refused(project: Path) -> None:
    before = _yml(project)
    for mei in new_client(project, "mei"):
        form = {"rule": "mei_mql", "yaml": DRAFT, "original": ""}
        assert mei.post("/alerts/rule/save", data=form).status_code == 403
        assert mei.post("/alerts/rule/delete", data={"rule": "mql_pacing"}).status_code == 403
    assert _yml(project) == before


def test_disable_enable_and_delete(project: Path) -> None:
    before = _yml(project)
    for mei in new_client(project, "mei"):  # mql is marketing's
        token = csrf_of(mei, "/alerts/rule?rule=mql_pacing")
        form = {"rule": "mql_pacing", "csrf_token": token}
        off = mei.post("/alerts/rule/enable", data={**form, "enabled": "0"}, follow_redirects=False)
        assert off.status_code == 303, off.text
        assert Workspace.open(project, clock=NOW).spec.alerts["mql_pacing"].enabled is False
        rules = parse(mei.get("/alerts/rules?lang=en").text)
        row = rules.find(**{"data-rule": "mql_pacing"})
        assert row is not None and "disabled" in row.text
        on = mei.post("/alerts/rule/enable", data={**form, "enabled": "1"}, follow_redirects=False)
        assert on.status_code == 303
        assert Workspace.open(project, clock=NOW).spec.alerts["mql_pacing"].enabled is True
        gone = mei.post("/alerts/rule/delete", data=form, follow_redirects=False)
        assert gone.status_code == 303
    after = _yml(project)
    assert "mql_pacing" not in yaml.safe_load(after)["alerts"]
    assert set_entry(before.decode(), "alerts", "mql_pacing", None).encode() == after
    actions = [a for a in _audit(project) if a[2] == "alert:mql_pacing"]
    assert [a[1] for a in actions] == ["alert_rule_enable"] * 2 + ["alert_rule_delete"]
    assert {a[0] for a in actions} == {"mei"}
