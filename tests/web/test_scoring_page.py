"""The /scoring page: the draft's what-if equals ``ikkan scoring whatif --json``, the advice
equals ``ikkan scoring advise --json``, problems show next to their field, and publishing
(a marketing editor, with a reason) writes ikkan.yml, the scoring log and the audit log."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from ikkan.project.scoring_write import scoring_block
from ikkan.services.scoring.draft import fields_of, parse_draft
from ikkan.workspace import Workspace
from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import NOW, WebProject, csrf_of, new_client
from tests.web.html_find import parse


@pytest.fixture(scope="module")
def project(web_project: WebProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scoring-page") / "project"
    shutil.copytree(web_project.root, root)
    return root


@pytest.fixture(scope="module")
def viewer(project: Path) -> Iterator[httpx.Client]:
    yield from new_client(project, "yui")


def _draft(project: Path, **changes: str) -> dict[str, str]:
    spec = Workspace.open(project, clock=NOW).spec.scoring
    assert spec is not None
    return {**fields_of(spec), **changes}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def test_whatif_equals_the_cli(project: Path, viewer: httpx.Client, tmp_path: Path) -> None:
    fields = _draft(project, mql_cells="", mql_min_score="30")
    rules = tmp_path / "new.yml"
    spec = Workspace.open(project, clock=NOW).spec.scoring
    assert spec is not None
    draft = parse_draft(fields, spec).spec
    assert draft is not None
    rules.write_text(scoring_block(draft), encoding="utf-8")  # the draft as a rules file
    cli = json.loads(
        ikkan("scoring", "whatif", "--rules", str(rules), "--json", cwd=project).stdout
    )
    api = viewer.get("/api/scoring/whatif", params=fields)
    assert api.status_code == 200, api.text
    assert api.json() == cli  # the very same figures, JSON for JSON
    page = viewer.get("/scoring", params={**fields, "draft": "1", "lang": "en"})
    assert page.status_code == 200
    table = parse(page.text).find(id="whatif")
    assert table is not None
    rows = {
        r.attrs["data-key"]: [td.text for td in r.find_all("td")]
        for r in table.find_all("tr")
        if "data-key" in r.attrs
    }
    for side, col in (("current", 0), ("new", 1)):
        figures = cli[side]
        assert rows["mql"][col] == f"{figures['mql']:,}"
        assert rows["mql_rate"][col] == _pct(figures["mql_opportunity_rate"])
        assert rows["wins_caught"][col] == _pct(figures["wins_caught"])
        assert rows["auc_opportunity"][col] == f"{figures['auc_opportunity']:.3f}"
        band_table = parse(page.text).find(id=f"bands-{col + 1}")
        assert band_table is not None
        shown = [[td.text for td in r.find_all("td")] for r in band_table.find_all("tr")][1:]
        assert shown == [
            [b["name"], f"{b['leads']:,}", _pct(b["opportunity_rate"])] for b in figures["bands"]
        ]
    assert cli["new"]["mql"] != cli["current"]["mql"]  # the draft moves something
    # a viewer sees why there is no publish button
    assert parse(page.text).find(id="publish-form") is None
    assert "viewers read but do not write" in page.text


def test_advice_equals_the_cli(project: Path, viewer: httpx.Client) -> None:
    cli = json.loads(ikkan("scoring", "advise", "--capacity", "20", "--json", cwd=project).stdout)
    page = viewer.get("/scoring", params={"capacity": "20", "lang": "en"})
    table = parse(page.text).find(id="advice")
    assert table is not None
    rows = {
        r.attrs["data-key"]: [td.text for td in r.find_all("td")]
        for r in table.find_all("tr")
        if "data-key" in r.attrs
    }
    for key in ("by_score", "by_cells"):
        if cli[key] is None:
            assert key not in rows
            continue
        assert rows[key][1] == f"{cli[key]['mql_per_month']:,.1f}"
        assert rows[key][2] == f"{cli[key]['opportunities_per_month']:,.1f}"
        assert rows[key][3] == _pct(cli[key]["opportunity_rate"])


def test_problems_show_next_to_their_field(project: Path, viewer: httpx.Client) -> None:
    fields = _draft(project, mql_cells="A1-D2", fit="rules: [unclosed", bands="40, 20")
    page = viewer.get("/scoring", params={**fields, "draft": "1", "lang": "en"})
    doc = parse(page.text)
    fit_error = doc.find(id="error-fit")
    assert fit_error is not None and "line 1" in fit_error.text
    # the YAML problem stops the rest: fix it and the others show at their fields
    fields["fit"] = _draft(project)["fit"]
    doc = parse(viewer.get("/scoring", params={**fields, "draft": "1", "lang": "en"}).text)
    cells = doc.find(id="error-mql_cells")
    assert cells is not None and "A1-D2" in cells.text
    assert doc.find(id="whatif") is None
    api = viewer.get("/api/scoring/whatif", params=fields)
    assert api.status_code == 400 and set(api.json()["errors"]) == {"mql_cells"}
    # the checks across sections come once each field is right
    fields["mql_cells"] = "A1-B2"
    doc = parse(viewer.get("/scoring", params={**fields, "draft": "1", "lang": "en"}).text)
    bands = doc.find(id="error-bands")
    assert bands is not None and "increasing" in bands.text
    ja = viewer.get("/scoring", params={**fields, "draft": "1", "lang": "ja"}).text
    assert "下書きに問題があります" in ja


def test_publish_from_the_page(project: Path) -> None:
    fields = _draft(project, mql_min_score="35")
    for editor in new_client(project, "ken"):  # a sales editor: not the owner
        token = csrf_of(editor, "/scoring")
        refused = editor.post("/scoring/publish", data={**fields, "why": "x", "csrf_token": token})
        assert refused.status_code == 403 and "this node belongs to marketing" in refused.text
    before = (project / "ikkan.yml").read_text(encoding="utf-8")
    for mei in new_client(project, "mei"):
        token = csrf_of(mei, "/scoring")
        no_token = mei.post("/scoring/publish", data={**fields, "why": "x"})
        assert no_token.status_code == 403
        no_reason = mei.post("/scoring/publish", data={**fields, "why": " ", "csrf_token": token})
        assert no_reason.status_code == 400
        error = parse(no_reason.text).find(id="error-why")
        assert error is not None and "変更理由" in error.text  # the project speaks ja
        assert (project / "ikkan.yml").read_text(encoding="utf-8") == before
        done = mei.post(
            "/scoring/publish",
            data={**fields, "why": "35 points is enough", "csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        page = mei.get(done.headers["location"])
        assert "35 points is enough" in page.text
        again = mei.post("/scoring/publish", data={**fields, "why": "again", "csrf_token": token})
        assert again.status_code == 400 and "already published" in again.text
    after = (project / "ikkan.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(after)["scoring"]["mql"]["min_score"] == 35
    # the rest of ikkan.yml is untouched
    assert after.split("scoring:")[0] == before.split("scoring:")[0]
    ws = Workspace.open(project, clock=NOW)
    assert not ws.has_errors and ws.spec.scoring is not None
    assert ws.spec.scoring.mql.min_score == 35
    log = json.loads(ikkan("scoring", "log", "--json", cwd=project).stdout)
    assert (log[-1]["published_by"], log[-1]["why"]) == ("mei", "35 points is enough")
    assert log[-1]["effect"] is None or "new" in log[-1]["effect"]
    scored = ws.warehouse().query("SELECT DISTINCT rules_hash FROM lead_scores").to_pylist()
    assert [r["rules_hash"] for r in scored] == [log[-1]["rules_hash"]]
