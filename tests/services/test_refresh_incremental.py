"""Incremental refresh: after any kind of change, kpi_values equal a full refresh exactly,
and only the periods from the touched day on were recomputed (DuckDB and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ikkan.model.tree import KpiTree
from ikkan.services.refresh import changes
from ikkan.services.refresh.funnel import TABLE as FUNNEL_TABLE
from ikkan.services.refresh.funnel_store import HASH_COLUMN
from ikkan.services.refresh.rollup import DAILY
from ikkan.services.refresh.run import RefreshReport, refresh
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.testing import require_postgres, temporary_warehouse
from ikkan.workspace import Workspace

from .test_refresh_support import (
    AS_OF,
    PROJECT,
    START,
    base,
    deal,
    funnel_rows,
    lead,
    load,
    manual,
    spend,
    stage,
)

ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
COLUMNS = (
    "node_id, grain, period, period_start, period_end, dimension, dimension_value, "
    "value, numerator, denominator, maturing"
)
GRAINS = ["day", "week", "month", "quarter", "fiscal_year"]


@pytest.fixture
def tree(tmp_path: Path) -> KpiTree:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "ikkan.yml").write_text(PROJECT, encoding="utf-8")
    ws = Workspace.open(folder)
    assert ws.tree is not None and not ws.has_errors, ws.issues
    return ws.tree


@pytest.fixture(params=ENGINES)
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlWarehouse]:
    if request.param == "postgres":
        require_postgres()
    with temporary_warehouse(request.param, tmp_path) as wh:
        base(wh)
        yield wh


def run(tree: KpiTree, warehouse: SqlWarehouse, as_of: date, **kwargs: Any) -> RefreshReport:
    kwargs.setdefault("computed_at", datetime(2026, 11, 1, 12))
    return refresh(tree, warehouse, as_of=as_of, grains=GRAINS, dimensions=["channel"], **kwargs)


def values(warehouse: SqlWarehouse) -> list[tuple[Any, ...]]:
    table = warehouse.query(f"SELECT {COLUMNS} FROM kpi_values ORDER BY {COLUMNS}")
    return [tuple(row.values()) for row in table.to_pylist()]


def at(days: int, hours: int = 10) -> datetime:
    return START + timedelta(days=days, hours=hours)


# Each change is import 2; returns the new as_of and the latest day it may recompute from.
Change = Callable[[SqlWarehouse], tuple[date, date]]


def new_leads(wh: SqlWarehouse) -> tuple[date, date]:
    october = datetime(2026, 10, 2, 11)
    rows = funnel_rows(60, 66, october, 4)
    days = [date(2026, 10, 1) + timedelta(days=d) for d in range(31)]
    load(wh, 2, **rows, spend=[spend(d, "web") for d in days])
    return date(2026, 10, 31), date(2026, 10, 1)


def late_stage(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 4 (created 2026-04-13) reaches opportunity 20 days later: its April cohort
    changes, though the entry is in May."""
    load(wh, 2, lead_stages=[stage(4, "opportunity", at(12 + 20))])
    return AS_OF, date(2026, 5, 3) - timedelta(days=30)


def moved_close(wh: SqlWarehouse) -> tuple[date, date]:
    """Deal 0's close moves from 2026-04-26 to 2026-08-14: April loses a won deal, which
    only the day digest can tell (the row no longer shows its old date)."""
    load(wh, 2, deals=[deal(0, at(12, 0), at(135), True, "web")])
    return AS_OF, date(2026, 4, 26)


def channel_change(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 7 (2026-04-22) moves from 'event' to 'partner': its April stage entries move to
    another dimension value."""
    load(wh, 2, leads=[lead(7, at(21, 7), "partner")])
    return AS_OF, date(2026, 4, 22)


def manual_update(wh: SqlWarehouse) -> tuple[date, date]:
    load(wh, 2, manual_values=[manual("2026-05", 99.0)])
    return AS_OF, date(2026, 5, 1)


def as_of_only(wh: SqlWarehouse) -> tuple[date, date]:
    """No import: only the cohort metric (and the formula reading it) change with as_of."""
    return date(2026, 10, 15), AS_OF + timedelta(days=1) - timedelta(days=30)


def moved_stage(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 6's mql entry (2026-04-24) is re-exported as 2026-07-10: a changed stage row
    whose old day (April) only the day digest shows."""
    load(wh, 2, lead_stages=[stage(6, "mql", datetime(2026, 7, 10, 9))])
    return AS_OF, date(2026, 4, 24)


def new_spend(wh: SqlWarehouse) -> tuple[date, date]:
    """One new spend row for a June day and a channel without spend so far."""
    load(wh, 2, spend=[spend(date(2026, 6, 3), "partner")])
    return AS_OF, date(2026, 6, 3)


def deleted_lead(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 9 (2026-04-28) and its rows are gone (the importer keeps records a newer export
    lacks, docs/data.md; a data team deleting rows in the warehouse does this), then an
    unrelated import lands: the day digest finds the days that lost rows."""
    with wh.transaction() as session:
        for table in ("lead_stages", "deals", "leads"):
            session.execute(f"DELETE FROM {table} WHERE lead_key = ?", ["t:9"])
    load(wh, 2, manual_values=[manual("2026-09", 40.0)])
    return AS_OF, date(2026, 4, 28)


def deleted_stage_row(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 12's mql entry (2026-05-12) alone is deleted in the warehouse, then an
    unrelated import lands: only the day digest shows it, and only lead 12's kept funnel
    row may be rebuilt."""
    with wh.transaction() as session:
        session.execute("DELETE FROM lead_stages WHERE lead_key = ? AND stage = ?", ["t:12", "mql"])
    load(wh, 2, manual_values=[manual("2026-09", 40.0)])
    return AS_OF, date(2026, 5, 12)


def deleted_lead_row(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 13's ``leads`` row (2026-05-10, channel 'event') is deleted, its stage entries
    stay: they lose their channel, which the kept funnel carried."""
    with wh.transaction() as session:
        session.execute("DELETE FROM leads WHERE lead_key = ?", ["t:13"])
    load(wh, 2, manual_values=[manual("2026-09", 40.0)])
    return AS_OF, date(2026, 5, 10)


def cancelled_deletion(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 12's mql entry (2026-05-12 14:30) is deleted in the warehouse and lead 13 enters
    mql at that very moment by import: 2026-05-12 keeps its row count and seconds, so its
    digest equals the stored one; only the stored digest plus the new rows' shows the
    loss (and only lead 12's and 13's kept funnel rows may be rebuilt)."""
    with wh.transaction() as session:
        session.execute("DELETE FROM lead_stages WHERE lead_key = ? AND stage = ?", ["t:12", "mql"])
    load(wh, 2, lead_stages=[stage(13, "mql", datetime(2026, 5, 12, 14, 30))])
    return AS_OF, date(2026, 5, 12)


def new_fiscal_year(wh: SqlWarehouse) -> tuple[date, date]:
    """Leads in April 2027: periods (a new fiscal year among them) no refresh had."""
    load(wh, 2, **funnel_rows(70, 74, datetime(2027, 4, 5, 10), 2))
    return date(2027, 4, 30), date(2027, 4, 5)


def changed_old_stage(wh: SqlWarehouse) -> tuple[date, date]:
    """Lead 2's lead entry (2026-04-07) is re-exported a day later, with a new lead
    entry: a changed row of an old lead, by import."""
    load(wh, 2, lead_stages=[stage(2, "lead", at(7, 15)), stage(2, "mql", at(9, 8))])
    return AS_OF, date(2026, 4, 7)


CHANGES = [
    new_leads,
    deleted_stage_row,
    deleted_lead_row,
    cancelled_deletion,
    new_fiscal_year,
    changed_old_stage,
    late_stage,
    moved_close,
    channel_change,
    manual_update,
    as_of_only,
    moved_stage,
    new_spend,
    deleted_lead,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_incremental_equals_full(change: Change, tree: KpiTree, warehouse: SqlWarehouse) -> None:
    first = run(tree, warehouse, AS_OF)
    assert not first.incremental and first.rows > 0
    before = values(warehouse)
    as_of, latest_start = change(warehouse)

    report = run(tree, warehouse, as_of)
    incremental = values(warehouse)
    incremental_parts = day_parts(warehouse)
    incremental_digest = stored_digest(warehouse)
    incremental_funnel = kept_funnel(warehouse)
    assert report.incremental and not report.up_to_date
    assert report.recomputed_from is not None and report.recomputed_from <= latest_start
    assert 0 < report.rows < first.rows  # only the touched periods were written
    assert first.funnel_leads is None  # a full refresh builds the whole funnel table
    assert report.funnel_leads is not None and report.funnel_leads <= TOUCHED_LEADS_AT_MOST

    full = run(tree, warehouse, as_of, full=True)
    assert not full.incremental
    assert incremental == values(warehouse)
    assert incremental != before  # the change mattered, so the equality means something
    assert incremental_parts == day_parts(warehouse)  # the stored parts too
    assert incremental_digest == stored_digest(warehouse)  # and the day digest
    assert incremental_funnel == kept_funnel(warehouse)  # and the kept funnel table


# Funnel rows an incremental refresh rebuilds: the changed leads (6 new ones at most),
# never the 60 of the first import.
TOUCHED_LEADS_AT_MOST = 6


def kept_funnel(warehouse: SqlWarehouse) -> list[tuple[Any, ...]]:
    table = warehouse.query(f"SELECT * FROM {FUNNEL_TABLE}")
    return sorted((tuple(row.values()) for row in table.to_pylist()), key=lambda r: r[0])


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        (new_leads, 6),
        (deleted_stage_row, 1),
        (deleted_lead_row, 1),
        (channel_change, 1),
        (cancelled_deletion, 2),
    ],
    ids=lambda c: getattr(c, "__name__", str(c)),
)
def test_incremental_rebuilds_only_the_touched_leads_funnel(
    change: Change, rebuilt: int, tree: KpiTree, warehouse: SqlWarehouse
) -> None:
    run(tree, warehouse, AS_OF)
    before = {row[0]: row for row in kept_funnel(warehouse)}
    as_of, _ = change(warehouse)
    report = run(tree, warehouse, as_of)
    assert report.funnel_leads == rebuilt
    after = {row[0]: row for row in kept_funnel(warehouse)}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert 0 < len(changed) <= rebuilt


def test_deleted_undated_lead_row_is_caught(tree: KpiTree, warehouse: SqlWarehouse) -> None:
    """Lead 13's ``leads`` row has no creation date (an export without one) and is deleted
    in the warehouse, its stage entries stay: they lose their channel, which the kept
    funnel carried. No dated row changed, so only the count of undated rows shows it."""
    with warehouse.transaction() as session:
        session.execute("UPDATE leads SET created_at = NULL WHERE lead_key = ?", ["t:13"])
    run(tree, warehouse, AS_OF)
    with warehouse.transaction() as session:
        session.execute("DELETE FROM leads WHERE lead_key = ?", ["t:13"])
    load(warehouse, 2, manual_values=[manual("2026-09", 40.0)])

    report = run(tree, warehouse, AS_OF)
    incremental, incremental_funnel = values(warehouse), kept_funnel(warehouse)
    incremental_digest = stored_digest(warehouse)
    assert report.incremental

    run(tree, warehouse, AS_OF, full=True)
    assert incremental_funnel == kept_funnel(warehouse)
    assert incremental == values(warehouse)
    assert incremental_digest == stored_digest(warehouse)


def stored_digest(warehouse: SqlWarehouse) -> list[tuple[Any, ...]]:
    table = warehouse.query(f"SELECT * FROM {changes.DIGEST.name} ORDER BY source, day")
    return [tuple(row.values()) for row in table.to_pylist()]


@pytest.mark.parametrize(
    ("change", "by_new_rows"),
    [(new_leads, True), (late_stage, True), (moved_close, False), (channel_change, False)],
    ids=lambda c: getattr(c, "__name__", str(c)),
)
def test_digest_from_new_rows_equals_a_full_scan(
    change: Change, by_new_rows: bool, tree: KpiTree, warehouse: SqlWarehouse
) -> None:
    """Stored digest + the newer rows' digest is the whole digest when no older row
    changed; a changed older row (a moved close date, a lead re-imported) makes it
    decline."""
    run(tree, warehouse, AS_OF)
    change(warehouse)
    dialect = warehouse.NAME
    with warehouse.transaction() as session:
        stored = changes.stored_digest(session)
        assert stored is not None and stored.num_rows > 0
        fast = changes.digest_by_new_rows(session, 1, stored, changes.new_rows_digest_sql(dialect))
        whole = changes.current_digest(session, changes.digest_sql(dialect))
    if not by_new_rows:
        assert fast is None
        return
    assert fast is not None

    def rows(table: Any) -> list[tuple[Any, ...]]:
        ordered = table.sort_by([("source", "ascending"), ("day", "ascending")])
        return [(r["source"], r["day"], r["n"], r["seconds"]) for r in ordered.to_pylist()]

    assert rows(fast) == rows(whole)
    assert rows(fast) != rows(stored)  # the change added rows, so equality means something


def day_parts(warehouse: SqlWarehouse) -> list[tuple[Any, ...]]:
    columns = ", ".join(DAILY.column_names)
    table = warehouse.query(f"SELECT {columns} FROM {DAILY.name} ORDER BY {columns}")
    return [tuple(row.values()) for row in table.to_pylist()]


def test_kept_tables_are_remade_without_a_primary_key(
    tree: KpiTree, warehouse: SqlWarehouse
) -> None:
    """The day parts and the digest are unique by construction; keeping an index of them
    up to date cost more than writing them, so a full refresh remakes them without (those
    an earlier ikkan made with a key too)."""
    from ikkan.warehouse import ddl

    with warehouse.transaction() as session:
        for table in (DAILY, changes.DIGEST):
            session.execute(ddl.create_table_sql(table, warehouse.TYPE_NAMES))
    keyed = (
        "SELECT table_name FROM information_schema.table_constraints "
        "WHERE table_schema = current_schema() AND constraint_type = 'PRIMARY KEY' "
        "AND table_name IN (?, ?)"
    )
    assert warehouse.query(keyed, [DAILY.name, changes.DIGEST.name]).num_rows == 2
    run(tree, warehouse, AS_OF, full=True)
    assert warehouse.query(keyed, [DAILY.name, changes.DIGEST.name]).num_rows == 0
    assert day_parts(warehouse) and stored_digest(warehouse)


def test_refresh_without_stored_day_parts_is_full(tree: KpiTree, warehouse: SqlWarehouse) -> None:
    """A warehouse refreshed before day parts were stored: the next refresh does it all."""
    run(tree, warehouse, AS_OF)
    parts = day_parts(warehouse)
    assert {p[0] for p in parts} >= {"won_deals", "deal_size", "leads", "mql_rate", "cpl"}
    assert "days_to_opp" not in {p[0] for p in parts}  # a median is measured per grain
    with warehouse.transaction() as session:
        session.execute(f"DROP TABLE {DAILY.name}")
    as_of, _ = new_leads(warehouse)
    report = run(tree, warehouse, as_of)
    assert not report.incremental and report.rows > 0
    after, stored = values(warehouse), day_parts(warehouse)
    assert stored and after != []
    run(tree, warehouse, as_of, full=True)
    assert (after, stored) == (values(warehouse), day_parts(warehouse))


def test_one_statement_for_all_day_parts_and_one_per_other_node(
    tree: KpiTree, warehouse: SqlWarehouse
) -> None:
    report = run(tree, warehouse, AS_OF)
    measured = [n for n in tree.order if tree.nodes[n].metric is not None]
    per_grain = {"days_to_opp", "nps", "open_deals"}  # a median, manual values, a snapshot
    assert report.queries == 1 + len(per_grain)
    assert report.nodes_measured == len(measured)
    as_of, _ = new_leads(warehouse)
    incremental = run(tree, warehouse, as_of)
    assert incremental.incremental
    # the day parts, the stored parts, the median, the snapshot; new facts leave manual
    # values alone
    assert incremental.queries == 1 + 1 + 1 + 1


def test_unchanged_reimport_recomputes_nothing(tree: KpiTree, warehouse: SqlWarehouse) -> None:
    first = run(tree, warehouse, AS_OF)
    before = values(warehouse)
    assert run(tree, warehouse, AS_OF).up_to_date
    load(warehouse, 2, leads=[lead(3, at(9, 3), "web")])  # the same row: unchanged
    report = run(tree, warehouse, AS_OF)
    assert report.incremental and report.rows == 0 and report.recomputed_from is None
    assert values(warehouse) == before and first.rows == len(before)
    assert run(tree, warehouse, AS_OF).up_to_date


def test_changed_grains_refresh_everything(tree: KpiTree, warehouse: SqlWarehouse) -> None:
    run(tree, warehouse, AS_OF)
    report = refresh(tree, warehouse, as_of=AS_OF, grains=["month"], dimensions=[])
    assert not report.incremental
    grains = warehouse.query("SELECT DISTINCT grain, dimension FROM kpi_values").to_pylist()
    assert grains == [{"grain": "month", "dimension": ""}]


def test_changed_metric_in_ikkan_yml_falls_back_to_full(
    tree: KpiTree, warehouse: SqlWarehouse, tmp_path: Path
) -> None:
    """An edited metric (here the cohort window) changes the tree's fingerprint: the next
    refresh is full and equals a forced full refresh of the edited tree."""
    run(tree, warehouse, AS_OF)
    before = values(warehouse)
    folder = tmp_path / "edited"
    folder.mkdir()
    edited_yml = PROJECT.replace("window_days: 30", "window_days: 10")
    assert edited_yml != PROJECT
    (folder / "ikkan.yml").write_text(edited_yml, encoding="utf-8")
    edited = Workspace.open(folder).tree
    assert edited is not None

    report = run(edited, warehouse, AS_OF)
    assert not report.incremental and not report.up_to_date
    after = values(warehouse)
    assert after != before  # the edit changed values, so the equality below means something
    assert not run(edited, warehouse, AS_OF, full=True).incremental
    assert after == values(warehouse)


@pytest.mark.parametrize(
    ("change", "recomputed"),
    [
        (new_spend, {"cpl"}),  # spend only: the cost per lead alone reads it
        (moved_close, {"won_deals", "deal_size", "revenue", "open_deals"}),  # deals only
    ],
    ids=lambda c: getattr(c, "__name__", None) or "-".join(sorted(c)),
)
def test_only_the_nodes_reading_a_touched_table_are_recomputed(
    change: Change, recomputed: set[str], tree: KpiTree, warehouse: SqlWarehouse
) -> None:
    """A node whose tables (read off its SQL) no import touched keeps its rows: new spend
    leaves the funnel counts alone, a moved deal close leaves the leads alone."""
    run(tree, warehouse, AS_OF)
    as_of, _ = change(warehouse)
    later = datetime(2026, 11, 2, 12)
    report = run(tree, warehouse, as_of, computed_at=later)  # stamps the rows it writes
    assert report.incremental
    written = warehouse.query(
        "SELECT DISTINCT node_id FROM kpi_values WHERE computed_at = ?", [later]
    ).column("node_id")
    assert set(written.to_pylist()) == recomputed
    after = values(warehouse)
    run(tree, warehouse, as_of, full=True)
    assert after == values(warehouse)


def test_a_lead_sharing_a_touched_leads_hash_is_kept(tree: KpiTree, tmp_path: Path) -> None:
    """Where the kept funnel table carries a hash of the lead key (DuckDB), the touched
    leads' rows are found by it, then by the key: lead 8, given lead 7's hash (a
    collision), keeps its row when lead 7 changes, and the values still equal a full
    refresh's."""
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        assert warehouse.KEY_HASH is not None
        base(warehouse)
        run(tree, warehouse, AS_OF)
        with warehouse.transaction() as session:
            session.execute(
                f"UPDATE {FUNNEL_TABLE} SET {HASH_COLUMN} = "
                f"(SELECT {HASH_COLUMN} FROM {FUNNEL_TABLE} WHERE lead_key = ?) "
                "WHERE lead_key = ?",
                ["t:7", "t:8"],
            )
        before = {row[0]: row for row in kept_funnel(warehouse)}
        as_of, _ = channel_change(warehouse)  # lead 7 moves to another channel
        report = run(tree, warehouse, as_of)
        assert report.incremental and report.funnel_leads == 1
        after = {row[0]: row for row in kept_funnel(warehouse)}
        assert after["t:8"] == before["t:8"]  # the other lead's row stayed as it was
        assert after["t:7"] != before["t:7"]
        assert len(after) == len(before)
        incremental = values(warehouse)
        run(tree, warehouse, as_of, full=True)
        assert incremental == values(warehouse)


def test_another_engine_version_makes_the_refresh_full(
    tree: KpiTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept funnel table's lead hashes are the engine's (DuckDB's ``hash``): after an
    engine upgrade, which may change that function, the refresh is full (the table is
    rebuilt), never incremental over stale hashes."""
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        base(warehouse)
        run(tree, warehouse, AS_OF)
        as_of, _ = channel_change(warehouse)
        monkeypatch.setattr(warehouse, "engine_version", lambda: "duckdb 0.0.1")
        report = run(tree, warehouse, as_of)
        assert not report.incremental and report.funnel_leads is None
