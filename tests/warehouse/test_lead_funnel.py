from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from ikkan.errors import ConfigError
from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.warehouse.funnel import lead_funnel_select, stage_column
from ikkan.warehouse.sql import quote_ident

STAGES = ("lead", "mql", "sql", "opportunity", "won")


def d(day):
    return datetime(2026, 4, day, 10)


def _load(warehouse, stages_rows, leads=("h:1", "h:2", "h:3")):
    lead_table = pa.table(
        {
            "lead_key": list(leads),
            "source_system": ["h"] * len(leads),
            "source_id": [k.split(":")[1] for k in leads],
            "created_at": [d(1)] * len(leads),
            "channel": ["web"] * len(leads),
        }
    )
    keys, stages, times = zip(*stages_rows, strict=True) if stages_rows else ((), (), ())
    stage_table = pa.table(
        {
            "lead_key": pa.array(keys, pa.string()),
            "stage": pa.array(stages, pa.string()),
            "entered_at": pa.array(times, pa.timestamp("us")),
        }
    )
    result = ReadResult(
        "h", "test", "f.csv", tables={"leads": lead_table, "lead_stages": stage_table}
    )
    load(warehouse, result, "sha-funnel")


def _funnel(warehouse, stages):
    cols = ", ".join(quote_ident(stage_column(s)) for s in stages)
    rows = warehouse.query(f'SELECT "lead_key", {cols} FROM "lead_funnel" ORDER BY "lead_key"')
    return {r.pop("lead_key"): r for r in rows.to_pylist()}


ROWS = [
    ("h:1", "lead", d(1)),
    ("h:1", "opportunity", d(9)),  # skipped mql and sql
    ("h:1", "won", d(20)),
    ("h:2", "lead", d(2)),
    ("h:2", "mql", d(3)),
    ("h:2", "won", d(7)),  # won before the recorded opportunity below
    ("h:2", "opportunity", d(8)),
]


def test_strict_funnel_keeps_only_recorded_dates(warehouse):
    _load(warehouse, ROWS)
    assert warehouse.rebuild_lead_funnel(STAGES, "strict") == 3
    funnel = _funnel(warehouse, STAGES)
    assert funnel["h:1"] == {
        "lead_at": d(1),
        "mql_at": None,
        "sql_at": None,
        "opportunity_at": d(9),
        "won_at": d(20),
    }
    assert funnel["h:3"] == dict.fromkeys(funnel["h:3"])  # a lead with no stages is a row
    dims = warehouse.query('SELECT "channel", "created_at" FROM "lead_funnel" LIMIT 1')
    assert dims.to_pylist() == [{"channel": "web", "created_at": d(1)}]


def test_inferred_funnel_fills_earlier_stages_from_the_earliest_later_one(warehouse):
    _load(warehouse, ROWS)
    warehouse.rebuild_lead_funnel(STAGES, "inferred")
    funnel = _funnel(warehouse, STAGES)
    assert funnel["h:1"]["mql_at"] == d(9) and funnel["h:1"]["sql_at"] == d(9)
    assert funnel["h:1"]["lead_at"] == d(1)  # recorded dates are never replaced
    # h:2 has no sql date: the earliest later-stage time is won (7th), not opportunity (8th)
    assert funnel["h:2"]["sql_at"] == d(7)
    assert funnel["h:2"]["opportunity_at"] == d(8)
    # rebuilding in strict mode drops the inferred dates again
    warehouse.rebuild_lead_funnel(STAGES, "strict")
    assert _funnel(warehouse, STAGES)["h:1"]["mql_at"] is None


def test_stage_ids_are_quoted_identifiers_and_parameters(warehouse):
    odd = ('it\'s "new"', 'x"); DROP TABLE "leads"; --')
    _load(warehouse, [("h:1", odd[0], d(1)), ("h:1", odd[1], d(2))])
    assert warehouse.rebuild_lead_funnel(odd, "inferred") == 3
    assert _funnel(warehouse, odd)["h:1"] == {
        stage_column(odd[0]): d(1),
        stage_column(odd[1]): d(2),
    }
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 3}]
    sql, params = lead_funnel_select(("lead", "won"), "strict")
    assert params == ["lead", "won"]
    assert "'lead'" not in sql and "'won'" not in sql


def test_bad_stage_lists_are_refused(warehouse):
    with pytest.raises(ConfigError, match="unique"):
        warehouse.rebuild_lead_funnel(("lead", "lead"), "strict")
    with pytest.raises(ConfigError, match="created_at"):
        warehouse.rebuild_lead_funnel(("created", "won"), "strict")
    with pytest.raises(ConfigError, match="63 bytes"):
        warehouse.rebuild_lead_funnel(("商談" * 11,), "strict")
    with pytest.raises(ConfigError, match="mode"):
        warehouse.rebuild_lead_funnel(("lead",), "loose")
