"""``ikkan quality`` lists every finding; only examples are capped (issue 7, point 8)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_plan import ikkan

from ikkan.project.scaffold import template_text

SAME_REASON = 8  # rows rejected for one reason: more than the 5 examples a finding shows
DISTINCT = [f"bad{i}" for i in range(1, 8)]  # seven more reasons: more than 3 or 5 findings


def _project(root: Path) -> Path:
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    rows = ["node_id,period,dimension,dimension_value,value,note,entered_by"]
    rows.append("nps,FY2025-Q1,,,13.8,,CS")
    rows += [f"nps,2025-{month:02d},,,abc,,CS" for month in range(4, 4 + SAME_REASON)]
    rows += [f"nps,2026-{i:02d},,,{value},,CS" for i, value in enumerate(DISTINCT, start=1)]
    folder = root / "exports" / "manual"
    folder.mkdir(parents=True)
    (folder / "nps.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_quality_lists_every_finding_with_capped_examples(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ikkan("ingest", cwd=project)
    data = json.loads(ikkan("quality", "--json", cwd=project).stdout)
    rejected = [f for f in data["findings"] if f["check"] == "rejected_rows"]
    assert len(rejected) == 1 + len(DISTINCT)  # one finding per file and reason, all listed
    assert sum(f["count"] for f in rejected) == SAME_REASON + len(DISTINCT)
    for value in DISTINCT:
        assert any(f"'{value}'" in f["message"] for f in rejected), value
    big = next(f for f in rejected if "'abc'" in f["message"])
    assert big["count"] == SAME_REASON and big["examples_total"] == SAME_REASON
    assert len(big["examples"]) == 5  # examples are capped per finding
    assert [e["row"] for e in big["examples"]] == [3, 4, 5, 6, 7]
    assert data["summary"]["findings"] == len(data["findings"])
    assert data["summary"]["by_check"]["rejected_rows"] == len(rejected)

    text = ikkan("quality", cwd=project).stdout
    assert text.startswith(f"{len(data['findings'])} finding(s)")  # the header's count is true
    for value in DISTINCT:
        assert f"value={value}" in text, value  # the sixth and seventh are not hidden
    assert text.count("value=abc") == 5 and f"… and {SAME_REASON - 5} more" in text
    assert text.count("hint: see `ikkan rejects`") == 1  # one hint per check


def test_rejects_says_when_rows_are_cut(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ikkan("ingest", cwd=project)
    total = SAME_REASON + len(DISTINCT)
    cut = ikkan("rejects", "--limit", "3", cwd=project).stdout
    assert cut.count("nps.csv") == 3 and "Only the first 3 rows are shown" in cut
    whole = ikkan("rejects", "--limit", str(total), cwd=project).stdout
    assert whole.count("nps.csv") == total and "Only the first" not in whole
    assert len(json.loads(ikkan("rejects", "--json", "--limit", "3", cwd=project).stdout)) == 3
