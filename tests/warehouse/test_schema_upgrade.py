"""A warehouse made by schema version 1 gains the lookup dimension columns of version 2
(manager, region; deals: industry, employees) and the import identity of version 3
(import_log: source, import_key), and keeps its rows."""

from __future__ import annotations

from dataclasses import replace

from ikkan.model.canonical import ADDED_COLUMNS, SCHEMA_VERSION, TABLES, TABLES_BY_NAME
from ikkan.warehouse import ddl
from ikkan.warehouse.sql import quote_ident
from ikkan.warehouse.testing import temporary_warehouse


def _version_one_tables() -> list:
    added = {pair for pairs in ADDED_COLUMNS.values() for pair in pairs}
    return [
        replace(t, columns=tuple(c for c in t.columns if (t.name, c.name) not in added))
        for t in TABLES
    ]


def test_version_one_warehouse_is_upgraded(engine, tmp_path) -> None:
    with temporary_warehouse(engine, tmp_path, migrate=False) as wh:
        with wh.transaction() as session:
            wh._prepare_namespace(session)
            session.execute(ddl.create_schema_version_sql(wh.TYPE_NAMES))
            for table in _version_one_tables():
                session.execute(ddl.create_table_sql(table, wh.TYPE_NAMES))
            session.execute(ddl.create_sequence_sql())
            session.execute(
                f"INSERT INTO {quote_ident(ddl.SCHEMA_VERSION_TABLE)} VALUES (1, '2026-01-01')"
            )
            session.execute(
                "INSERT INTO deals (deal_key, source_system, source_id, content_hash, "
                "import_id, loaded_at) VALUES ('crm:1', 'crm', '1', 'h', 1, '2026-01-01')"
            )
        assert wh.schema_version() == 1
        assert wh.migrate() == SCHEMA_VERSION
        assert wh.migrate() == SCHEMA_VERSION  # safe to run again
        names = set(wh.query("SELECT * FROM deals").column_names)
        assert set(TABLES_BY_NAME["deals"].column_names) == names
        assert {"manager", "region"} <= set(wh.query("SELECT * FROM leads").column_names)
        # version 3: an import's identity
        log = set(wh.query("SELECT * FROM import_log").column_names)
        assert {"source", "import_key"} <= log
        rows = wh.query("SELECT deal_key, manager, industry FROM deals").to_pylist()
        assert rows == [{"deal_key": "crm:1", "manager": None, "industry": None}]
