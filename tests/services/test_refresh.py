"""Refresh: atomic (a failure leaves the previous values readable), SQL cached in the
process and in the project folder, up to date when nothing changed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ikkan.model.tree import KpiTree
from ikkan.services.refresh import changes as refresh_changes
from ikkan.services.refresh.run import refresh
from ikkan.services.refresh.sql import CACHE_FILE, KEEP_RUNS, CompiledSql, SqlCache
from ikkan.warehouse.base import SqlWarehouse

from .test_refresh_incremental import GRAINS, run, tree, values, warehouse  # noqa: F401
from .test_refresh_support import AS_OF, funnel_rows, load


def _add_leads(wh: SqlWarehouse) -> None:
    load(wh, 2, **funnel_rows(60, 64, datetime(2026, 9, 20, 10), 2))


def test_query_failing_midway_keeps_previous_values(
    tree: KpiTree,  # noqa: F811
    warehouse: SqlWarehouse,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(tree, warehouse, AS_OF)
    before = values(warehouse)
    _add_leads(warehouse)
    real_get = SqlCache.get
    served: list[str] = []

    def get(self: SqlCache, metric: Any, **kwargs: Any) -> CompiledSql:
        served.append(kwargs["node_id"])
        if kwargs["node_id"] == "cpl":  # late in tree order: others already ran
            return CompiledSql("SELECT * FROM ikkan_no_such_table")
        return real_get(self, metric, **kwargs)

    monkeypatch.setattr(SqlCache, "get", get)
    with pytest.raises(Exception, match="ikkan_no_such_table"):
        run(tree, warehouse, AS_OF, full=True)
    assert len(set(served)) > 3  # it failed midway, not before the first query
    assert values(warehouse) == before

    monkeypatch.setattr(SqlCache, "get", real_get)
    report = run(tree, warehouse, AS_OF)  # the mark did not move: the new leads are seen
    assert report.incremental and report.rows > 0
    assert values(warehouse) != before


def test_write_failing_after_delete_rolls_back(
    tree: KpiTree,  # noqa: F811
    warehouse: SqlWarehouse,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(tree, warehouse, AS_OF)
    before = values(warehouse)
    _add_leads(warehouse)

    def fail(*_args: Any) -> None:
        raise RuntimeError("disk full while saving the mark")

    monkeypatch.setattr(refresh_changes, "save", fail)  # after kpi_values were replaced
    with pytest.raises(RuntimeError, match="disk full"):
        run(tree, warehouse, AS_OF, full=True)
    assert values(warehouse) == before


def test_nothing_changed_is_up_to_date(tree: KpiTree, warehouse: SqlWarehouse) -> None:  # noqa: F811
    first = run(tree, warehouse, AS_OF)
    again = run(tree, warehouse, AS_OF)
    assert again.up_to_date and again.rows == 0 and first.rows == len(values(warehouse))
    assert not run(tree, warehouse, AS_OF, full=True).up_to_date


def test_sql_cache_on_disk_serves_a_new_process(
    tree: KpiTree,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ikkan.warehouse.testing import temporary_warehouse

    from .test_refresh_support import base

    with temporary_warehouse("duckdb", tmp_path / "wh") as wh:
        base(wh)
        monkeypatch.setattr(SqlCache, "_memory", {})  # as in a fresh process
        first = refresh(tree, wh, as_of=AS_OF, grains=GRAINS, dimensions=["channel"])
        cache_file = tmp_path / "wh" / CACHE_FILE
        assert first.sql_compiled > 0 and cache_file.is_file()
        expected = values(wh)

        monkeypatch.setattr(SqlCache, "_memory", {})
        second = refresh(tree, wh, as_of=AS_OF, grains=GRAINS, dimensions=["channel"], full=True)
        assert second.sql_compiled == 0 and second.queries == first.queries
        assert values(wh) == expected

        cache_file.write_text("{not json", encoding="utf-8")  # damaged: only slower
        monkeypatch.setattr(SqlCache, "_memory", {})
        third = refresh(tree, wh, as_of=AS_OF, grains=GRAINS, dimensions=["channel"], full=True)
        assert third.sql_compiled == first.sql_compiled
        assert values(wh) == expected


def test_sql_cache_keeps_full_and_incremental_sql(
    tree: KpiTree,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Full and incremental refreshes compile different SQL; alternating them in new
    processes compiles nothing after the first of each."""
    from ikkan.warehouse.testing import temporary_warehouse

    from .test_refresh_support import base

    def fresh_process_refresh(wh: SqlWarehouse, import_id: int | None, full: bool) -> Any:
        if import_id is not None:  # new leads, so the refresh has work to do
            first = 100 + 10 * import_id
            load(wh, import_id, **funnel_rows(first, first + 3, datetime(2026, 9, 1, 10), 3))
        monkeypatch.setattr(SqlCache, "_memory", {})
        return refresh(tree, wh, as_of=AS_OF, grains=GRAINS, dimensions=["channel"], full=full)

    with temporary_warehouse("duckdb", tmp_path / "wh") as wh:
        base(wh)
        assert fresh_process_refresh(wh, None, True).sql_compiled > 0
        first_incremental = fresh_process_refresh(wh, 2, False)
        assert first_incremental.incremental and first_incremental.sql_compiled > 0
        again_full = fresh_process_refresh(wh, 3, True)
        assert not again_full.incremental and again_full.sql_compiled == 0
        again_incremental = fresh_process_refresh(wh, 4, False)
        assert again_incremental.incremental and again_incremental.sql_compiled == 0
        saved = json.loads((tmp_path / "wh" / CACHE_FILE).read_text("utf-8"))
        assert set(saved["ages"]) == set(saved["entries"])
        assert 0 in saved["ages"].values() and max(saved["ages"].values()) < KEEP_RUNS
