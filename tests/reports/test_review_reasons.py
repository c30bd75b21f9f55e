"""An empty card says why in the report exactly as on the dashboard (one function,
``view_model.empty_reason``): compared with the dashboard's /api/tree answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.reports.conftest import NOW, ReportProject
from tests.web.conftest import add_users, new_client

from ikkan.reports.review import review_data
from ikkan.web.i18n import TEXT
from ikkan.workspace import Workspace

EARLY = "2025-04"  # before the demo's data: nodes empty, formula nodes missing inputs


def _cards(data: object) -> dict[str, dict[str, object]]:
    """Every dict with an ``id`` and a ``reason`` anywhere in the JSON."""
    found: dict[str, dict[str, object]] = {}
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "id" in item and "reason" in item:
                found[str(item["id"])] = item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_empty_cards_give_the_dashboards_reason(
    report_project: ReportProject, tmp_path: Path, lang: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(report_project.root, root)
    add_users(root)
    _, review = review_data(Workspace.open(root, clock=NOW), EARLY, lang)
    report = review["tree"]["cards"]
    empty = {n: c["reason"] for n, c in report.items() if c["reason"]}
    assert empty, "the demo's first months have nodes without a value"
    for client in new_client(root, "yui"):
        page = client.get("/api/tree", params={"period": EARLY, "lang": lang})
        assert page.status_code == 200, page.text
        dashboard = _cards(page.json())
        for node, reason in empty.items():
            assert dashboard[node]["reason"] == reason, node
    # the specific reason (which inputs are missing), not only the generic fallback
    generic = TEXT[lang]["reason_not_computed"]
    assert any(r != generic for r in empty.values()), empty
