"""A project with no data, no breakdown and only months still gets a review: the
sections that have nothing to show are left out or say so, nothing crashes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from ikkan.clock import FixedClock
from ikkan.project.scaffold import template_text
from ikkan.reports.review import render_review, review_data
from ikkan.workspace import Workspace


def test_review_without_data_or_breakdowns(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    text = (
        template_text("en")
        .replace("dimensions: [channel]", "dimensions: []")
        .replace("grains: [week, month, quarter, half, fiscal_year]", "grains: [month]")
    )
    assert "dimensions: []" in text and "grains: [month]" in text
    (tmp_path / "ikkan.yml").write_text(text, encoding="utf-8")
    ws = Workspace.open(tmp_path, clock=FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC)))
    ws.refresh()
    _, review = review_data(ws, "2026-10", "en")
    assert review["summary"]["kgi"]["actual"] is None
    assert review["summary"]["year"] is None  # no fiscal_year grain: no landing to project
    assert review["channels"]["columns"] == [] and review["alerts"] == []
    assert review["figures"] == {}  # no values, no charts
    assert review["next"]["period"] == "2026-11" and review["next"]["rows"]
    html = render_review(ws, "2026-10", "html", "en").decode()
    assert "No alert fired or resolved in this period." in html
    assert 'id="node-revenue"' in html  # the appendix still defines the nodes
    book = load_workbook(io.BytesIO(render_review(ws, "2026-10", "xlsx", "en")))
    assert book["KPI tree"].max_row == len(ws.tree.order) + 1  # type: ignore[union-attr]
