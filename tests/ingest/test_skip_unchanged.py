"""Re-importing unchanged files reads nothing: the content hash, reader and options match an
``ok`` import, so the run is logged as skipped before the reader opens the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ikkan.services.ingest as ingest_service
from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace


class CountingReader:
    """The real reader, with its reads counted."""

    def __init__(self, reader: Any, calls: list[str]) -> None:
        self._reader, self._calls = reader, calls
        self.name, self.source_system = reader.name, reader.source_system

    def sniff(self, path: Path, head: str) -> bool:
        return bool(self._reader.sniff(path, head))

    def read(self, path: Path, context: Any) -> Any:
        self._calls.append(path.name)
        return self._reader.read(path, context)


def test_unchanged_files_are_skipped_before_reading(tmp_path, monkeypatch):
    (tmp_path / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    generate_exports(tmp_path / "exports", leads=300, seed=5)
    calls: list[str] = []
    real = ingest_service.pick_reader
    monkeypatch.setattr(
        ingest_service, "pick_reader", lambda p, n: CountingReader(real(p, n), calls)
    )
    ws = Workspace.open(tmp_path)
    first = [o for o in ws.ingest() if o.ok]  # (a tiny demo has empty Zoom reports)
    assert len(first) > 10 and calls
    read_first = len(calls)
    again = {o.path: o for o in ws.ingest()}
    assert not set(calls[read_first:]) & {o.path.name for o in first}  # nothing read again
    assert {again[o.path].report.status for o in first} == {"already_imported"}
    assert [again[o.path].rows_read for o in first] == [o.rows_read for o in first]
    log = (
        ws.warehouse()
        .query("SELECT status, count(*) AS n, sum(rows_read) AS r FROM import_log GROUP BY status")
        .to_pylist()
    )
    by_status = {row["status"]: row for row in log}
    assert by_status["skipped"]["n"] == by_status["ok"]["n"] == len(first)
    assert by_status["skipped"]["r"] == by_status["ok"]["r"]
    before = len(calls)
    forced = ws.ingest(force=True)  # --force reads again and changes nothing
    assert len(calls) - before == read_first
    assert sum(o.report.changes for o in forced if o.report) == 0


def test_a_changed_file_is_read_again(tmp_path):
    (tmp_path / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    generate_exports(tmp_path / "exports", leads=200, seed=6)
    ws = Workspace.open(tmp_path)
    ws.ingest()
    changed, same = sorted((tmp_path / "exports" / "hubspot").glob("*.csv"))[:2]
    changed.write_bytes(changed.read_bytes() + b"\n")
    again = ws.ingest()
    statuses = {o.path.name: o.report.status for o in again if o.report}
    assert statuses[changed.name] == "ok" and statuses[same.name] == "already_imported"
