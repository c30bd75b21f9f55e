from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from ikkan.errors import ConfigError, UserError
from ikkan.model.canonical import KPI_VALUES, LEADS, SCHEMA_VERSION, TABLES
from ikkan.warehouse import default_warehouse_url, open_warehouse
from ikkan.warehouse.ddl import create_table_sql
from ikkan.warehouse.duckdb import DuckDbWarehouse
from ikkan.warehouse.postgres import PostgresWarehouse
from ikkan.warehouse.sql import qmark_to_format, quote_ident
from ikkan.warehouse.upsert import upserted as upserted_table


def test_ddl_comes_from_the_canonical_table():
    sql = create_table_sql(LEADS, DuckDbWarehouse.TYPE_NAMES)
    assert sql.startswith('CREATE TABLE IF NOT EXISTS "leads"')
    assert '"lead_key" VARCHAR NOT NULL' in sql
    assert '"employees" BIGINT,' in sql
    assert '"attributes" JSON' in sql
    assert 'PRIMARY KEY ("lead_key")' in sql
    pg = create_table_sql(LEADS, PostgresWarehouse.TYPE_NAMES)
    assert '"score" DOUBLE PRECISION' in pg
    assert sql.count(",\n") == pg.count(",\n") == len(LEADS.columns)


def test_engine_differences_are_class_attributes():
    assert DuckDbWarehouse.UPSERT_STYLE == "update_then_insert"
    assert PostgresWarehouse.UPSERT_STYLE == "on_conflict"
    assert DuckDbWarehouse.SINGLE_WRITER_FILE and not PostgresWarehouse.SINGLE_WRITER_FILE


def test_placeholders_and_percent_signs_outside_literals_only():
    sql = "SELECT '?%' AS \"a?\" -- what?\n, x FROM t WHERE y = ? AND z LIKE '50%'"
    assert qmark_to_format(sql) == (
        "SELECT '?%%' AS \"a?\" -- what?\n, x FROM t WHERE y = %s AND z LIKE '50%%'"
    )
    assert quote_ident('we"ird') == '"we""ird"'
    with pytest.raises(ValueError):
        quote_ident("")


def test_migrate_creates_every_canonical_table(warehouse):
    for table in TABLES:
        columns = warehouse.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [table.name],
        )
        assert tuple(columns.column("column_name").to_pylist()) == table.column_names


def _keyed_tables(warehouse) -> set[str]:
    found = warehouse.query(
        "SELECT table_name FROM information_schema.table_constraints "
        "WHERE table_schema = current_schema() AND constraint_type = 'PRIMARY KEY'"
    )
    return set(found.column("table_name").to_pylist())


def test_primary_keys_where_the_engine_needs_them(warehouse):
    """PostgreSQL keeps every table's key (``ON CONFLICT`` needs it); DuckDB leaves it off
    the tables the loader upserts (its index makes bulk inserts slow; the loader keeps
    those keys unique: tests/ingest/test_load_keys.py) and off kpi_values (a refresh's
    writes and commit), and keeps every other."""
    upserted = {t.name for t in TABLES if upserted_table(t)}
    assert upserted >= {"leads", "deals", "lead_stages", "manual_values"}
    keyed = _keyed_tables(warehouse)
    if warehouse.NAME == "postgres":
        assert keyed >= {t.name for t in TABLES}
    else:
        assert not keyed & upserted
        assert "kpi_values" not in keyed  # written only by a refresh, unique by construction
        assert keyed >= {t.name for t in TABLES} - upserted - {"kpi_values"}
    duplicate = (
        'INSERT INTO "import_log" ("import_id", "source_system", "reader", "started_at", '
        "\"status\") VALUES (7, 't', 't', ?, 'ok')"
    )
    with (
        pytest.raises(Exception, match=r"(?i)(duplicate|constraint|unique)"),
        warehouse.transaction() as s,
    ):
        for _ in range(2):
            s.execute(duplicate, [datetime(2026, 4, 1)])
    assert warehouse.query('SELECT count(*) AS n FROM "import_log"').to_pylist() == [{"n": 0}]


def test_migrate_is_idempotent_and_keeps_data(warehouse):
    with warehouse.transaction() as s:
        s.execute(
            'INSERT INTO "manual_values" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            ["nps", "2026-04", "", "", 42.0, None, None, "h", 1, datetime(2026, 4, 1)],
        )
    assert warehouse.migrate() == SCHEMA_VERSION
    assert warehouse.migrate() == SCHEMA_VERSION
    assert warehouse.schema_version() == SCHEMA_VERSION
    versions = warehouse.query('SELECT "version" FROM "schema_version"')
    assert versions.column("version").to_pylist() == list(range(1, SCHEMA_VERSION + 1))
    assert warehouse.query('SELECT "value" FROM "manual_values"').to_pylist() == [{"value": 42.0}]


def test_newer_warehouse_is_refused(warehouse):
    with warehouse.transaction() as s:
        s.execute('INSERT INTO "schema_version" VALUES (?, ?)', [99, datetime(2030, 1, 1)])
    with pytest.raises(UserError) as err:
        warehouse.migrate()
    assert "schema version 99" in err.value.message
    assert "upgrade ikkan" in (err.value.hint or "")


def test_query_passes_values_as_parameters(warehouse):
    hostile = 'x\'); DROP TABLE "leads"; --'
    table = warehouse.query(
        "SELECT ? AS v, ? AS n, ? AS d, '100%' AS p", [hostile, 7, date(2026, 4, 1)]
    )
    assert table.to_pylist() == [{"v": hostile, "n": 7, "d": date(2026, 4, 1), "p": "100%"}]
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 0}]


def test_query_types_are_the_same_on_every_engine(warehouse):
    table = warehouse.query(
        "SELECT count(*) AS c, sum(x) AS s, avg(x) AS a, max(t) AS t FROM "
        "(SELECT 1 AS x, CAST('2026-04-01 09:00:00' AS TIMESTAMP) AS t "
        "UNION ALL SELECT 2, CAST('2026-04-02 09:00:00' AS TIMESTAMP)) q"
    )
    assert table.schema == pa.schema(
        [("c", pa.int64()), ("s", pa.int64()), ("a", pa.float64()), ("t", pa.timestamp("us"))]
    )
    assert table.to_pylist() == [{"c": 2, "s": 3, "a": 1.5, "t": datetime(2026, 4, 2, 9)}]


def _kpi_row(node, period, value, dim_value=""):
    return {
        "node_id": node,
        "grain": "month",
        "period": period,
        "period_start": date(2026, int(period[-2:]), 1),
        "period_end": date(2026, int(period[-2:]), 28),
        "dimension": "channel" if dim_value else "",
        "dimension_value": dim_value,
        "value": value,
        "numerator": None,
        "denominator": None,
        "maturing": False,
        "computed_at": datetime(2026, 5, 1),
    }


def _kpi_values(warehouse):
    rows = warehouse.query(
        'SELECT "node_id", "period", "dimension_value", "value" FROM "kpi_values" '
        'ORDER BY "node_id", "period", "dimension_value"'
    )
    return [tuple(r.values()) for r in rows.to_pylist()]


def test_replace_kpi_values_swaps_only_the_scope(warehouse):
    warehouse.replace_kpi_values(
        [
            _kpi_row("leads", "2026-04", 10),
            _kpi_row("leads", "2026-05", 20),
            _kpi_row("won", "2026-04", 1),
        ],
        {},
    )
    counts = warehouse.replace_kpi_values(
        [_kpi_row("leads", "2026-04", 11), _kpi_row("leads", "2026-04", 4, "web")],
        {"node_id": "leads", "period": ["2026-04"]},
    )
    assert (counts.deleted, counts.inserted) == (1, 2)
    assert _kpi_values(warehouse) == [
        ("leads", "2026-04", "", 11.0),
        ("leads", "2026-04", "web", 4.0),
        ("leads", "2026-05", "", 20.0),
        ("won", "2026-04", "", 1.0),
    ]


def test_replace_kpi_values_is_atomic_and_refuses_rows_outside_scope(warehouse):
    warehouse.replace_kpi_values([_kpi_row("leads", "2026-04", 10)], {"node_id": "leads"})
    with pytest.raises(ValueError, match="outside the scope"):
        warehouse.replace_kpi_values([_kpi_row("won", "2026-04", 1)], {"node_id": "leads"})
    duplicate = [_kpi_row("leads", "2026-04", 1), _kpi_row("leads", "2026-04", 2)]
    with pytest.raises(Exception, match=r"(?i)(duplicate|constraint|unique)"):
        warehouse.replace_kpi_values(duplicate, {"node_id": "leads"})
    assert _kpi_values(warehouse) == [("leads", "2026-04", "", 10.0)]
    table = pa.Table.from_pylist([_kpi_row("leads", "2026-04", 12)])
    assert warehouse.replace_kpi_values(table, {"node_id": ["leads"]}).inserted == 1
    assert _kpi_values(warehouse) == [("leads", "2026-04", "", 12.0)]
    assert KPI_VALUES.name == "kpi_values"


def test_ibis_backend_sees_the_same_tables(warehouse):
    warehouse.replace_kpi_values([_kpi_row("leads", "2026-04", 10)], {})
    with warehouse.ibis_backend() as con:
        t = con.table("kpi_values")
        assert t.filter(t.node_id == "leads").value.sum().execute() == 10.0


def test_urls(tmp_path):
    memory = open_warehouse("duckdb://:memory:")
    memory.migrate()
    assert memory.schema_version() == SCHEMA_VERSION
    memory.close()
    url = default_warehouse_url(tmp_path)
    assert url == f"duckdb://{tmp_path.resolve()}/.ikkan/warehouse.duckdb"
    wh = open_warehouse(url + "?lock_timeout=2.5")
    assert isinstance(wh, DuckDbWarehouse) and wh.lock_timeout == 2.5
    assert wh.path == tmp_path.resolve() / ".ikkan" / "warehouse.duckdb"
    pg = open_warehouse("postgresql://postgres@127.0.0.1:5432/test?schema=acme")
    assert isinstance(pg, PostgresWarehouse) and pg.schema == "acme"
    assert pg.conninfo == "postgresql://postgres@127.0.0.1:5432/test"
    with pytest.raises(ConfigError, match="unsupported warehouse URL"):
        open_warehouse("mysql://x")
    with pytest.raises(ConfigError, match="lock_timeout"):
        open_warehouse(url + "?lock_timeout=soon")
    with pytest.raises(ConfigError, match="schema name"):
        open_warehouse("postgresql://postgres@127.0.0.1/test?schema=a;drop")


def test_reading_a_missing_duckdb_file_says_what_to_do(tmp_path):
    wh = open_warehouse("duckdb://" + str(tmp_path / "none.duckdb"))
    with pytest.raises(UserError) as err:
        wh.query("SELECT 1")
    assert "no warehouse" in err.value.message and "ikkan" in (err.value.hint or "")
