"""Section 7 of the review (actions since the last review, with their measured effect) read
from the PDCA log: the action the fixture logged with the real CLI shows in the HTML and the
XLSX with the very verdict and values the node page's JSON (``/api/nodes/leads/pdca``,
signed in) gives; a note written in the period comes along, one written after it does not;
with nothing logged the section is left out and reading creates no state database."""

from __future__ import annotations

import html
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.cli.test_cli_plan import ikkan
from tests.reports.conftest import (
    ACTION_TITLE,
    NOTE_BODY,
    NOW,
    ONGOING_TITLE,
    PERIOD,
    ReportProject,
    log_action,
)
from tests.web.conftest import new_client
from tests.web.pdca_project import copy_project, pdca_source  # noqa: F401

from ikkan.reports.review import render_review, review_data
from ikkan.workspace import Workspace


@pytest.fixture(scope="module")
def measured(pdca_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A copy of the web tests' three-year demo (enough history for a measured range) with
    the same actions and note as the report fixture, logged with the real CLI."""
    root = copy_project(pdca_source, tmp_path_factory.mktemp("review-pdca") / "p")
    log_action(root)
    return root


@pytest.fixture(scope="module")
def node_page(measured: Path) -> Iterator[dict[str, Any]]:
    """The leads action as the node page's JSON shows it (signed in as the admin)."""
    client: TestClient
    for client in new_client(measured, "aiko"):
        response = client.get("/api/nodes/leads/pdca?lang=en")
        assert response.status_code == 200, response.text
        actions = [a for a in response.json()["actions"] if a["title"] == ACTION_TITLE]
        assert len(actions) == 1, response.json()["actions"]
        yield actions[0]


def test_report_shows_the_node_pages_effect(measured: Path, node_page: dict[str, Any]) -> None:
    effect = node_page["effect"]
    assert node_page["status"] == "done"
    assert effect["verdict"] in ("above", "within", "below"), effect  # a measured one
    assert effect["before"] is not None and effect["after"] is not None
    _, review = review_data(Workspace.open(measured, clock=NOW), PERIOD, "en")
    section = review["actions"]
    assert section is not None
    (row,) = [r for r in section["rows"] if r["title"] == ACTION_TITLE]
    assert row["node_id"] == "leads" and row["owner"] == "marketing"
    assert (row["start"], row["end"], row["status"]) == ("2026-10-01", "2026-10-31", "done")
    assert row["verdict"] == effect["verdict"]
    assert row["verdict_text"] == effect["sentence_en"]
    assert (row["before"], row["after"]) == (effect["before"], effect["after"])
    assert row["effect_text"] == node_page["effect_text"]
    assert row["expected_text"] == node_page["expected_text"] == "+10.0% … +20.0%"
    assert [n["body"] for n in section["notes"]] == [NOTE_BODY]
    (ongoing,) = [r for r in section["rows"] if r["title"] == ONGOING_TITLE]
    assert ongoing["status"] == "doing" and ongoing["verdict"] is None  # not measured yet
    assert ongoing["before_text"] == ongoing["after_text"] == ""

    page = render_review(Workspace.open(measured, clock=NOW), PERIOD, "html", "en").decode()
    assert 'id="actions"' in page
    assert html.escape(ACTION_TITLE) in page
    assert html.escape(node_page["effect_text"]) in page
    assert html.escape(NOTE_BODY) in page
    ja_page = render_review(Workspace.open(measured, clock=NOW), PERIOD, "html", "ja").decode()
    assert "前回レビュー以降の施策と効果" in ja_page and effect["sentence_ja"] in ja_page


def test_xlsx_actions_sheet_holds_the_same_numbers(
    measured: Path, node_page: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    data = render_review(Workspace.open(measured, clock=NOW), PERIOD, "xlsx", "en")
    sheet = load_workbook(io.BytesIO(data))["Actions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("#", "Node", "Action")
    (row,) = [r for r in rows[1:] if r[2] == ACTION_TITLE]
    effect = node_page["effect"]
    assert row[0] == node_page["id"]
    assert row[7] == effect["before"] and row[8] == effect["after"]
    assert row[9] == effect["verdict"] and row[10] == node_page["effect_text"]
    assert any(r[3] == NOTE_BODY for r in rows)


def test_a_note_after_the_period_is_not_in_it(report_project: ReportProject) -> None:
    before, _ = review_data(report_project.open(), PERIOD, "en")
    assert before.actions is not None
    ikkan("notes", "add", "leads", "後日のメモ", "--by", "mei", cwd=report_project.root)
    ws = report_project.open()
    assert any(n.body == "後日のメモ" for n in ws.pdca().notes("leads"))  # written today
    inputs, _ = review_data(ws, PERIOD, "en")
    assert inputs.actions is not None
    assert [n.body for n in inputs.actions.notes] == [NOTE_BODY]


def test_no_actions_leaves_the_section_out(report_project: ReportProject, tmp_path: Path) -> None:
    """A copy without the state database: nothing logged, no section, no file created; then
    actions before and after the period (logged with the CLI) still leave it out."""
    root = tmp_path / "copy"
    shutil.copytree(report_project.root, root, ignore=shutil.ignore_patterns("state.db*"))
    ws = Workspace.open(root, clock=NOW)
    assert not ws.state_exists()
    inputs, review = review_data(ws, PERIOD, "en")
    assert inputs.actions is None and review["actions"] is None
    assert not ws.state_exists()  # reading did not create it
    page = render_review(ws, PERIOD, "html", "ja").decode()
    assert 'id="actions"' not in page and "前回レビュー以降の施策と効果" not in page
    for start, end in (("2026-11-02", "2026-11-30"), ("2026-09-01", "2026-09-30")):
        ikkan("actions", "add", "leads", f"outside {start}", "--start", start, "--end", end,
              "--status", "done", "--by", "mei", cwd=root)  # fmt: skip
    ws = Workspace.open(root, clock=NOW)
    assert ws.state_exists() and len(ws.pdca().actions()) == 2
    inputs, review = review_data(ws, PERIOD, "en")
    assert inputs.actions is None and review["actions"] is None
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(render_review(ws, PERIOD, "xlsx", "en"))).sheetnames
    assert "Actions" not in sheets
