"""Issue 14 points 4, 12, 13 and issue 7 point 3: a failing file is contained, rejects
belong to an import, concurrent runs import a file once, an import's identity is source +
mapping + content. On DuckDB and PostgreSQL."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ikkan.project.scaffold import template_text
from ikkan.services.ingest import FileFailed, IngestTarget, ingest
from ikkan.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def spec(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    return Workspace.open(root).spec


def deals_file(path: Path, amount_of_first: str = "1200000") -> Path:
    with (FIXTURES / "hubspot_deals.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r]
    rows[1][rows[0].index("Amount")] = amount_of_first
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def broken_xlsx(path: Path) -> Path:
    """A workbook whose sheet XML is cut off: openpyxl fails while reading the rows."""
    book = openpyxl.Workbook()
    book.active.append(["Record ID", "Deal Name", "Deal Stage", "Amount"])
    book.active.append(["1", "A", "closedwon", "100"])
    whole = path.with_suffix(".whole.xlsx")
    book.save(whole)
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    whole.unlink()
    return path


def rejects(warehouse, file_path: str) -> list[tuple[int, str]]:
    table = warehouse.query(
        'SELECT "row_number", "reason" FROM "rejected_rows" WHERE "file_path" = ? '
        'ORDER BY "row_number"',
        [file_path],
    )
    return [(r["row_number"], r["reason"]) for r in table.to_pylist()]


def test_4_one_files_crash_is_recorded_and_the_run_goes_on(tmp_path, spec, warehouse):
    folder = tmp_path / "exports"
    folder.mkdir()
    broken = broken_xlsx(folder / "a_broken.xlsx")
    good = deals_file(folder / "b_deals.csv")
    outcomes = ingest(spec, warehouse, [IngestTarget(folder, "hubspot_deals")])
    first, second = outcomes
    assert isinstance(first.error, FileFailed) and not first.ok
    assert first.error.location is not None and first.error.location.path == str(broken)
    assert "please report" in (first.error.hint or "")
    assert second.ok and second.report is not None and second.report.status == "ok"
    log = warehouse.query(
        'SELECT "file_path", "status", "message" FROM "import_log" ORDER BY "import_id"'
    ).to_pylist()
    assert [(r["file_path"], r["status"]) for r in log] == [
        (str(broken), "failed"),
        (str(good), "ok"),
    ]
    assert log[0]["message"]  # the error itself


def test_4_cli_exit_code_says_some_files_failed(tmp_path):
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    broken_xlsx(root / "exports" / "a_broken.xlsx")
    deals_file(root / "exports" / "b_deals.csv")
    done = subprocess.run(
        [sys.executable, "-m", "ikkan", "-p", str(root), "ingest", "hubspot", "exports"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 of 2 file(s) failed" in done.stdout
    assert "Internal error" not in done.stdout + done.stderr


def test_12_force_reimport_does_not_double_rejects(tmp_path, spec, warehouse):
    path = deals_file(tmp_path / "deals.csv", amount_of_first="lots")
    target = IngestTarget(path, "hubspot_deals")
    ingest(spec, warehouse, [target])
    before = rejects(warehouse, str(path))
    assert len(before) == 2  # the fixture's TBD amount and ours
    ingest(spec, warehouse, [target], force=True)
    assert rejects(warehouse, str(path)) == before


def test_12_fixed_file_supersedes_its_old_rejects(tmp_path, spec, warehouse):
    path = deals_file(tmp_path / "deals.csv", amount_of_first="lots")
    target = IngestTarget(path, "hubspot_deals")
    ingest(spec, warehouse, [target])
    deals_file(path)  # fixed
    (outcome,) = ingest(spec, warehouse, [target])
    assert outcome.report is not None and outcome.report.superseded == 2
    assert [row for row, _ in rejects(warehouse, str(path))] == [4]  # only the TBD row


def test_7_3_same_file_read_by_two_sources_is_imported_by_both(tmp_path, spec, warehouse):
    path = deals_file(tmp_path / "deals.csv")
    first = IngestTarget(path, "hubspot_deals", {}, "crm_deals")
    second = IngestTarget(path, "hubspot_deals", {"sheet": "ignored"}, "crm_stages")
    (a,) = ingest(spec, warehouse, [first])
    (b,) = ingest(spec, warehouse, [second])
    assert a.report is not None and a.report.status == "ok"
    assert b.report is not None and b.report.status == "ok"  # other mapping: not skipped
    # each source keeps its own rejects
    assert len(rejects(warehouse, str(path))) == 2
    (again,) = ingest(spec, warehouse, [first])
    assert again.report is not None and again.report.status == "already_imported"
    assert "same file content through the same reader and mapping" in again.report.message


WORKER = """
import sys
from pathlib import Path
from ikkan.ingest.load import load
from ikkan.services.ingest import pick_reader, sha256_of
from ikkan.ingest.base import ReaderContext
from ikkan.warehouse import open_warehouse

url = sys.argv[1]
warehouse = open_warehouse(url + ("?lock_timeout=120" if url.startswith("duckdb") else ""))
for path in sorted(Path(sys.argv[2]).glob("*.csv")):
    result = pick_reader(path, "hubspot_deals").read(path, ReaderContext())
    load(warehouse, result, sha256_of(path))
print("done", flush=True)
"""


def test_13_concurrent_ingests_import_each_file_once(tmp_path, warehouse):
    folder = tmp_path / "exports"
    folder.mkdir()
    for i in range(12):
        deals_file(folder / f"deals_{i:02}.csv", amount_of_first=str(1000 + i))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, warehouse.url, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
    counts = warehouse.query(
        'SELECT "file_path", "status", count(*) AS n FROM "import_log" '
        'GROUP BY "file_path", "status"'
    ).to_pylist()
    ok = {r["file_path"]: r["n"] for r in counts if r["status"] == "ok"}
    skipped = sum(r["n"] for r in counts if r["status"] == "skipped")
    assert len(ok) == 12 and set(ok.values()) == {1}
    assert skipped == 24
    total = warehouse.query('SELECT count(*) AS n FROM "rejected_rows"').column("n")[0]
    assert total.as_py() == 12  # the fixture's TBD amount, once per file


def test_12_a_file_named_on_the_line_belongs_to_the_source_that_holds_it(tmp_path):
    from ikkan.services.ingest import targets_from_args

    root = tmp_path / "project"
    (root / "exports" / "hubspot").mkdir(parents=True)
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    spec = Workspace.open(root).spec
    assert "exports" in spec.sources  # the template's source: the exports folder
    inside = deals_file(root / "exports" / "hubspot" / "deals.csv")
    (target,) = targets_from_args(spec, root, [str(inside)], None)
    assert target.source == "exports"
    (outside,) = targets_from_args(spec, root, [str(tmp_path)], None)
    assert outside.source is None


def test_10_cli_rejects_lists_skipped_rows_apart_and_a_skip_says_why(tmp_path):
    import json
    import os

    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    (root / "calls").mkdir()  # the template's call-log source (no calls here)
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    deals_file(root / "exports" / "deals.csv")  # its TBD amount: rejected
    with (root / "exports" / "ads.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["日", "キャンペーン", "費用", "表示回数", "クリック数"],
                ["2026/01/07", "検索", "1000", "10", "1"],
                ["合計", "", "1000", "10", "1"],
            ]
        )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ikkan", *args],
            cwd=root,
            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert run("ingest").returncode == 0
    skipped = json.loads(run("rejects", "--kind", "skipped", "--json").stdout)
    assert [(r["row_number"], r["reason"][:9]) for r in skipped] == [(3, "skipped: ")]
    rejected = json.loads(run("rejects", "--kind", "rejected", "--json").stdout)
    assert [r["row_number"] for r in rejected] == [4] and "TBD" in rejected[0]["reason"]
    assert len(json.loads(run("rejects", "--json").stdout)) == 2
    again = run("ingest").stdout
    assert "same file content through the same reader and mapping" in " ".join(again.split())
