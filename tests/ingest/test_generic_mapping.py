"""The generic mapping on small files of our own: one per rule of docs/data.md
("The generic reader"): value maps per mapped use, project stages, stage rules on a
condition, default dates, made-up row ids, side files (lookups)."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.generic import GenericReader

PIPELINE = """\
opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
O1,Moses Frase,GTX Plus,Acme,Won,2017-10-20,2017-11-02,1054
O2,Darcel Schlecht,MG Special,Betasoft,Won,2017-10-25,2017-11-03,55
O3,Moses Frase,GTX Pro,Acme,Lost,2017-10-25,2017-12-01,0
O4,Zane Levy,GTX Basic,Gamma Inc,Engaging,2017-11-01,,
O5,Darcel Schlecht,GTX Basic,,Prospecting,,,
O6,Zane Levy,MG Advanced,Betasoft,Won,2017-11-10,2017-12-24,3180
O7,Nobody Known,MG Special,Unlisted Co,Lost,2017-11-11,2017-12-30,0
"""
TEAMS = """sales_agent,manager,regional_office
Moses Frase,Dustin Brinkmann,Central
Darcel Schlecht,Melvin Marxen,Central
Zane Levy,Summer Sewald,West
"""
ACCOUNTS = """account,sector,employees
Acme,technolgy,2822
Betasoft,services,1095
Gamma Inc,retail,40
"""


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read(
    path: Path, mapping: dict[str, Any], stages: tuple[str, ...] = ("lead", "mql", "won")
) -> ReadResult:
    context = ReaderContext(stages=stages, options={"mapping": mapping})
    return GenericReader().read(path, context)


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    path = tmp_path / "sales_pipeline.csv"
    path.write_text(PIPELINE, encoding="utf-8")
    (tmp_path / "sales_teams.csv").write_text(TEAMS, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    return path


DEALS = {
    "table": "deals",
    "source_system": "crm",
    "columns": {
        "source_id": "opportunity_id",
        "stage": "deal_stage",
        "is_won": "deal_stage",
        "is_closed": "deal_stage",
        "owner": "sales_agent",
        "manager": "sales_agent",
        "created_at": "engage_date",
        "closed_at": "close_date",
        "amount": "close_value",
    },
    "value_maps": {
        "is_won": {"Won": True, "*": False},
        "is_closed": {"Won": True, "Lost": True, "*": False},
        "manager": {
            "Moses Frase": "Dustin Brinkmann",
            "Darcel Schlecht": "Melvin Marxen",
            "Zane Levy": "Summer Sewald",
        },
    },
    "constants": {"currency": "USD"},
}


# -- 1. value maps, one per mapped use ------------------------------------------------------
def test_one_status_column_feeds_stage_is_won_and_is_closed_each_with_its_own_map(
    pipeline: Path,
) -> None:
    source = _csv(pipeline)
    deals = {d["source_id"]: d for d in _read(pipeline, DEALS).tables["deals"].to_pylist()}
    assert len(deals) == len(source) == 7
    for row in source:
        deal = deals[row["opportunity_id"]]
        assert deal["stage"] == row["deal_stage"]  # the raw status, not rewritten by a map
        assert deal["is_won"] is (row["deal_stage"] == "Won")
        assert deal["is_closed"] is (row["deal_stage"] in ("Won", "Lost"))
        assert deal["owner"] == row["sales_agent"]  # owner unmapped, manager mapped
    won = sum(1 for d in deals.values() if d["is_won"])
    closed = sum(1 for d in deals.values() if d["is_closed"])
    assert (won, closed) == (3, 5)  # win rate 3/5, not 100 %
    assert deals["O1"]["manager"] == "Dustin Brinkmann"
    assert deals["O7"]["manager"] == "Nobody Known"  # unlisted: kept as exported


def test_a_value_a_typed_map_does_not_list_is_rejected_naming_the_map(pipeline: Path) -> None:
    value_maps = {**DEALS["value_maps"], "is_won": {"Won": True, "Lost": False}}
    mapping = {**DEALS, "value_maps": value_maps}
    result = _read(pipeline, mapping)
    assert result.tables["deals"].num_rows == 5  # Engaging and Prospecting rows rejected
    reasons = {r.raw_value: r.reason for r in result.rejected}
    assert set(reasons) == {"Engaging", "Prospecting"}
    assert all("value_maps.is_won" in reason for reason in reasons.values())
    assert [r.row_number for r in result.rejected] == [5, 6]


# -- 2. every stage of the project's funnel -------------------------------------------------
def test_stages_of_the_project_funnel_load_by_date_and_by_condition(pipeline: Path) -> None:
    mapping = {
        "table": "leads",
        "source_system": "crm",
        "columns": {"source_id": "opportunity_id", "created_at": "engage_date"},
        "stages": [
            {"stage": "engaged", "column": "engage_date"},
            {"stage": "closed", "column": "close_date"},
            {
                "stage": "won",
                "column": "close_date",
                "when_column": "deal_stage",
                "when_in": ["Won"],
            },
        ],
    }
    result = _read(pipeline, mapping, stages=("engaged", "closed", "won"))
    rows = result.tables["lead_stages"].to_pylist()
    source = _csv(pipeline)
    expected = {
        ("crm:" + r["opportunity_id"], stage, datetime.fromisoformat(r[column]))
        for r in source
        for stage, column in (("engaged", "engage_date"), ("closed", "close_date"))
        if r[column]
    } | {
        ("crm:" + r["opportunity_id"], "won", datetime.fromisoformat(r["close_date"]))
        for r in source
        if r["deal_stage"] == "Won"
    }
    assert {(r["lead_key"], r["stage"], r["entered_at"]) for r in rows} == expected
    assert result.warnings == [] or all("stage" not in w for w in result.warnings)


def test_lifecycle_values_equal_to_project_stage_ids_need_no_map(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("id,status\n1,Engaged\n2,closed\n3,Prospecting\n", encoding="utf-8")
    mapping = {
        "table": "leads",
        "source_system": "crm",
        "columns": {"source_id": "id", "lifecycle_stage": "status"},
    }
    result = _read(path, mapping, stages=("engaged", "closed"))
    stages = result.tables["leads"].column("lifecycle_stage").to_pylist()
    assert stages == ["engaged", "closed", None]
    (warning,) = result.warnings
    assert "Prospecting" in warning and "value_maps.lifecycle_stage" in warning
    assert "'stage_map:' in ikkan.yml" not in warning


def test_a_stage_outside_the_funnel_is_an_error_not_zero_rows(pipeline: Path) -> None:
    mapping = {
        "table": "leads",
        "source_system": "crm",
        "columns": {"source_id": "opportunity_id"},
        "stages": [{"stage": "engagd", "column": "engage_date"}],
    }
    with pytest.raises(SourceError, match="not a stage of the project's funnel") as info:
        _read(pipeline, mapping, stages=("engaged", "won"))
    assert "engaged" in str(info.value.hint)


# -- 4. a wrong mapping is a clear error at ingest too (never a crash) -----------------------
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"columns": {**DEALS["columns"], "account_key": "account"}}, "account_id_column"),
        ({"columns": {"stage": "deal_stage"}}, "source_id is required"),
        ({"constants": {"closed_at": "yesterday"}}, "constants.closed_at"),
        ({"constants": {"amount": "lots"}}, "constants.amount"),
        ({"columns": {**DEALS["columns"], "stagee": "deal_stage"}}, "did you mean 'stage'"),
    ],
)
def test_mapping_mistakes_are_source_errors(
    pipeline: Path, change: dict[str, Any], expected: str
) -> None:
    with pytest.raises(SourceError, match="the generic mapping is wrong") as info:
        _read(pipeline, {**DEALS, **change})
    assert expected in str(info.value)


def test_account_id_column_writes_account_keys(pipeline: Path) -> None:
    mapping = {**DEALS, "account_id_column": "account"}
    deals = _read(pipeline, mapping).tables["deals"].to_pylist()
    assert [d["account_key"] for d in deals] == [
        "crm:Acme", "crm:Betasoft", "crm:Acme", "crm:Gamma Inc", None, "crm:Betasoft",
        "crm:Unlisted Co",
    ]  # fmt: skip


# -- 11. a default date for files without one ----------------------------------------------
CALLS = """Name,Phone,Outcome
Ito,03-1111-2222,connected
Sato,03-3333-4444,no answer
Ito,03-1111-2222,connected
Kato,,voicemail
"""

CALL_MAPPING: dict[str, Any] = {
    "table": "activities",
    "source_system": "calls",
    "columns": {"detail": "Outcome"},
    "constants": {"activity_type": "call"},
    "identity": "content",
}


def test_default_date_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "calls_2024-05-07.csv"
    path.write_text(CALLS, encoding="utf-8")
    result = _read(path, {**CALL_MAPPING, "default_date": "file_name"})
    rows = result.tables["activities"].to_pylist()
    assert len(rows) == 4
    assert {r["occurred_at"] for r in rows} == {datetime(2024, 5, 7)}
    assert any(
        "4 row(s)" in w and "2024-05-07" in w and "file's name" in w for w in result.warnings
    )


def test_default_date_constant_fills_only_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("id,created\n1,2024-01-02\n2,\n", encoding="utf-8")
    mapping = {
        "table": "leads",
        "source_system": "x",
        "columns": {"source_id": "id", "created_at": "created"},
        "default_date": "2024-03-31",
    }
    result = _read(path, mapping)
    assert result.tables["leads"].column("created_at").to_pylist() == [
        datetime(2024, 1, 2),
        datetime(2024, 3, 31),
    ]
    assert any("1 row(s) have no created_at" in w for w in result.warnings)


def test_default_date_from_file_modified_and_a_name_without_a_date(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    stamp = datetime(2023, 8, 9, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    context = ReaderContext(
        timezone="UTC", options={"mapping": {**CALL_MAPPING, "default_date": "file_modified"}}
    )
    rows = GenericReader().read(path, context).tables["activities"].to_pylist()
    assert {r["occurred_at"].date() for r in rows} == {date(2023, 8, 9)}
    with pytest.raises(SourceError, match="has no date matching"):
        _read(path, {**CALL_MAPPING, "default_date": "file_name"})


# -- 12. row ids for files without an id column ---------------------------------------------
def test_content_identity_is_stable_and_counts_repeated_rows(tmp_path: Path) -> None:
    path = tmp_path / "calls_2024-05-07.csv"
    path.write_text(CALLS, encoding="utf-8")
    mapping = {**CALL_MAPPING, "default_date": "file_name"}
    first = _read(path, mapping).tables["activities"].to_pylist()
    again = _read(path, mapping).tables["activities"].to_pylist()
    ids = [r["source_id"] for r in first]
    assert ids == [r["source_id"] for r in again]  # same file, same ids
    assert len(set(ids)) == 4  # the repeated Ito row is its own row (#2), not a duplicate
    assert ids[0].split("#")[0] == ids[2].split("#")[0]
    assert (ids[0].split("#")[1], ids[2].split("#")[1]) == ("1", "2")
    assert len({r["activity_key"] for r in first}) == 4
    assert all("(ikkan row id)" not in (r["attributes"] or "") for r in first)


def test_identity_from_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(CALLS, encoding="utf-8")
    mapping = {
        "table": "leads",
        "source_system": "list",
        "columns": {"last_name": "Name"},
        "identity": {"columns": ["Name", "Phone"]},
    }
    result = _read(path, mapping)
    ids = result.tables["leads"].column("source_id").to_pylist()
    assert ids == ["Ito|03-1111-2222", "Sato|03-3333-4444", "Kato|"]
    (duplicate,) = result.rejected
    assert duplicate.row_number == 4 and "duplicate" in duplicate.reason


# -- 13. side files joined on import --------------------------------------------------------
LOOKUPS = [
    {
        "file": "sales_teams.csv",
        "key": "sales_agent",
        "match": "owner",
        "columns": {"manager": "manager", "region": "regional_office"},
    },
    {
        "file": "accounts.csv",
        "key": "account",
        "match_column": "account",
        "columns": {"industry": "sector", "employees": "employees"},
    },
]


def test_lookups_fill_manager_region_sector_and_size(pipeline: Path) -> None:
    columns = {k: v for k, v in DEALS["columns"].items() if k != "manager"}
    value_maps = {k: v for k, v in DEALS["value_maps"].items() if k != "manager"}
    mapping = {**DEALS, "columns": columns, "value_maps": value_maps, "lookups": LOOKUPS}
    result = _read(pipeline, mapping)
    deals = {d["source_id"]: d for d in result.tables["deals"].to_pylist()}
    teams = {r["sales_agent"]: r for r in _csv(pipeline.parent / "sales_teams.csv")}
    accounts = {r["account"]: r for r in _csv(pipeline.parent / "accounts.csv")}
    for row in _csv(pipeline):
        deal = deals[row["opportunity_id"]]
        team = teams.get(row["sales_agent"])
        assert deal["manager"] == (team["manager"] if team else None)
        assert deal["region"] == (team["regional_office"] if team else None)
        account = accounts.get(row["account"])
        assert deal["industry"] == (account["sector"] if account else None)
        assert deal["employees"] == (int(account["employees"]) if account else None)
    assert len(deals) == 7  # rows without a match are kept, not dropped
    warnings = " ".join(result.warnings)
    assert "1 row(s) have a owner value not found in sales_teams.csv" in warnings
    assert "Nobody Known" in warnings and "Unlisted Co" in warnings


def test_lookups_chain_agent_to_manager_to_office(pipeline: Path) -> None:
    (pipeline.parent / "managers.csv").write_text(
        "manager,office\nDustin Brinkmann,Central\nMelvin Marxen,Central\nSummer Sewald,West\n",
        encoding="utf-8",
    )
    lookups = [
        {"file": "sales_teams.csv", "key": "sales_agent", "match": "owner",
         "columns": {"manager": "manager"}},
        {"file": "managers.csv", "key": "manager", "match": "manager",
         "columns": {"region": "office"}},
    ]  # fmt: skip
    columns = {k: v for k, v in DEALS["columns"].items() if k != "manager"}
    value_maps = {k: v for k, v in DEALS["value_maps"].items() if k != "manager"}
    mapping = {**DEALS, "columns": columns, "value_maps": value_maps, "lookups": lookups}
    deals = {d["source_id"]: d for d in _read(pipeline, mapping).tables["deals"].to_pylist()}
    assert (deals["O4"]["manager"], deals["O4"]["region"]) == ("Summer Sewald", "West")
    assert (deals["O7"]["manager"], deals["O7"]["region"]) == (None, None)


def test_a_lookup_key_listed_twice_with_different_values_is_an_error(pipeline: Path) -> None:
    (pipeline.parent / "sales_teams.csv").write_text(
        TEAMS + "Zane Levy,Someone Else,East\n", encoding="utf-8"
    )
    mapping = {**DEALS, "columns": {k: v for k, v in DEALS["columns"].items() if k != "manager"},
               "value_maps": {}, "lookups": LOOKUPS[:1]}  # fmt: skip
    with pytest.raises(SourceError, match="listed twice") as info:
        _read(pipeline, mapping)
    assert "rows 4 and 5" in str(info.value) and "sales_teams.csv:5" in str(info.value)


def test_stage_warnings_of_other_readers_name_a_key_that_exists() -> None:
    from ikkan.ingest.stages import StageMapper
    from ikkan.model.spec import SourceSpec

    mapper = StageMapper(ReaderContext(stages=("lead", "engaged"), options={}))
    assert mapper("Engaged") == "engaged" and mapper("Nurturing") is None
    (warning,) = mapper.warnings()
    assert "sources.<name>.options.stage_map in ikkan.yml" in warning
    SourceSpec.model_validate({"reader": "hubspot", "path": "x", "options": {"stage_map": {}}})
    mapped = StageMapper(
        ReaderContext(stages=("lead", "engaged"), options={"stage_map": {"Nurturing": "engaged"}})
    )
    assert mapped("nurturing") == "engaged" and mapped.warnings() == []


def test_mapping_keys_directly_under_options_work_with_the_service_context(
    pipeline: Path,
) -> None:
    options = {**DEALS, "fiscal_year_start": 4}
    result = GenericReader().read(pipeline, ReaderContext(options=options))
    assert result.tables["deals"].num_rows == 7


def test_value_maps_of_one_column_do_not_collide_without_any_other_rule(pipeline: Path) -> None:
    mapping = {
        "table": "deals",
        "source_system": "crm",
        "columns": {
            "source_id": "opportunity_id",
            "stage": "deal_stage",
            "is_won": "deal_stage",
            "is_closed": "deal_stage",
        },
        "value_maps": {
            "is_won": {"Won": True, "Lost": False, "Engaging": False, "Prospecting": False},
            "is_closed": {"Won": True, "Lost": True, "Engaging": False, "Prospecting": False},
        },
    }
    deals = _read(pipeline, mapping).tables["deals"].to_pylist()
    assert [d["stage"] for d in deals] == [r["deal_stage"] for r in _csv(pipeline)]
    assert [d["is_won"] for d in deals] == [True, True, False, False, False, True, False]
    assert [d["is_closed"] for d in deals] == [True, True, True, False, False, True, True]


def test_the_generic_reader_without_a_mapping_says_how_to_give_one(pipeline: Path) -> None:
    context = ReaderContext(options={"fiscal_year_start": 4})
    with pytest.raises(SourceError, match="needs a mapping") as info:
        GenericReader().read(pipeline, context)
    assert "options.mapping" in str(info.value.hint)
