"""The generic mapping reader: the engine's vectorised read (``engine.columnar`` +
``generic_arrow``) gives the same ReadResult as the row path (``read_rows``) for every rule
of the mapping: value maps (rejects in order), constants, custom date formats, stage rules
on a condition, references, lookups, default dates, channels, lifecycle stages, aggregate
keys (summed spend, activities), duplicates, and more rows than one batch."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.ingest.test_generic_mapping import (
    ACCOUNTS,
    CALL_MAPPING,
    CALLS,
    DEALS,
    LOOKUPS,
    PIPELINE,
    TEAMS,
)
from tests.ingest.test_sources_ads_vectorised import assert_same

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.generic import GenericReader

STAGES = ("lead", "engaged", "closed", "won")


def _both(
    path: Path, mapping: dict[str, Any], stages: tuple[str, ...] = STAGES, **context: Any
) -> tuple[ReadResult, ReadResult]:
    ctx = ReaderContext(stages=stages, options={"mapping": mapping}, **context)
    fast = GenericReader().read(path, ctx)
    ctx = ReaderContext(stages=stages, options={"mapping": mapping}, **context)
    slow = GenericReader().read_rows(path, ctx)
    assert not slow.vectorised
    assert_same(fast, slow)
    return fast, slow


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    path = tmp_path / "sales_pipeline.csv"
    path.write_text(PIPELINE, encoding="utf-8")
    (tmp_path / "sales_teams.csv").write_text(TEAMS, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    return path


def _no_manager() -> dict[str, Any]:
    columns = {k: v for k, v in DEALS["columns"].items() if k != "manager"}
    value_maps = {k: v for k, v in DEALS["value_maps"].items() if k != "manager"}
    return {**DEALS, "columns": columns, "value_maps": value_maps}


PIPELINE_CASES: dict[str, dict[str, Any]] = {
    "value-maps-and-constants": DEALS,
    "unlisted-typed-value-rejected": {
        **DEALS,
        "value_maps": {**DEALS["value_maps"], "is_won": {"Won": True, "Lost": False}},
    },
    "stage-rules": {
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
            {"stage": "lead"},
        ],
    },
    "deal-stages-by-lead-reference": {
        **DEALS,
        "lead_id_column": "account",
        "lead_source_system": "crm",
        "stages": [{"stage": "won", "when_column": "deal_stage", "when_in": ["won"]}],
    },
    "account-references": {**DEALS, "account_id_column": "account"},
    "lookups": {**_no_manager(), "lookups": LOOKUPS},
    "lifecycle-stage": {
        "table": "leads",
        "source_system": "crm",
        "columns": {
            "source_id": "opportunity_id",
            "lifecycle_stage": "deal_stage",
            "channel_raw": "product",
        },
    },
}


@pytest.mark.parametrize("name", list(PIPELINE_CASES))
def test_vectorised_equals_row_path_on_the_pipeline(pipeline: Path, name: str) -> None:
    fast, _ = _both(pipeline, PIPELINE_CASES[name])
    assert fast.vectorised


def test_value_map_rejects_keep_row_numbers_and_order(pipeline: Path) -> None:
    fast, _ = _both(pipeline, PIPELINE_CASES["unlisted-typed-value-rejected"])
    assert [(r.row_number, r.raw_value) for r in fast.rejected] == [
        (5, "Engaging"),
        (6, "Prospecting"),
    ]


def test_default_date_and_constants(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("id,created\n1,2024-01-02\n2,\n3,\n", encoding="utf-8")
    mapping = {
        "table": "leads",
        "source_system": "x",
        "columns": {"source_id": "id", "created_at": "created"},
        "constants": {"lifecycle_stage": "lead"},
        "default_date": "2024-03-31",
        "stages": [{"stage": "lead"}],
    }
    fast, _ = _both(path, mapping)
    assert fast.vectorised and any("2 row(s) have no created_at" in w for w in fast.warnings)


def test_a_mapping_with_identity_stays_on_the_row_path(tmp_path: Path) -> None:
    """Made-up row ids are added by the row path's layout transform (an explicit rule)."""
    path = tmp_path / "calls_2024-05-07.csv"
    path.write_text(CALLS, encoding="utf-8")
    fast, _ = _both(path, {**CALL_MAPPING, "default_date": "file_name"})
    assert not fast.vectorised


def _spend_file(path: Path, rows: int) -> None:
    lines = ["日,キャンペーン名,インプレッション数,クリック数,ご利用金額,媒体"]
    for i in range(rows):
        day = date(2020, 1, 1).toordinal() + i % 2000
        d = date.fromordinal(day)
        cell = f"{d.day:02d}/{d.month:02d}/{d.year}"
        if i % 501 == 0:
            cell = f"{d:%Y-%m-%d}"  # not the declared format: the default parsers read it
        if i % 997 == 0:
            cell = "31/02/2026"  # no such day: rejected
        cost = '"5,000円"' if i % 7 == 0 else str(i % 900)
        medium = ("LINE", "Yahoo", "ＬＩＮＥ", "")[i % 4]
        lines.append(f"{cell},キャンペーン{i % 3},{i % 1000},{i % 10},{cost},{medium}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


SPEND = {
    "table": "spend",
    "source_system": "line_ads",
    "columns": {
        "day": "日",
        "campaign": "キャンペーン名",
        "impressions": "インプレッション数",
        "clicks": "クリック数",
        "cost": "ご利用金額",
        "channel": "媒体",
    },
    "value_maps": {"channel": {"LINE": "paid_social"}},
    "date_formats": ["%d/%m/%Y"],
}


def test_spend_with_a_custom_date_format_over_several_batches(tmp_path: Path) -> None:
    """A custom date format is honoured on the vectorised path: a column with
    ``date_formats`` never takes the ISO fast path (``arrow_convert.fast_values``), every
    distinct cell goes through the row path's parser, format first."""
    path = tmp_path / "line_ads.csv"
    _spend_file(path, 60_000)
    fast, _ = _both(path, SPEND, channels={"Yahoo": "paid_search"})
    assert fast.vectorised
    days = fast.tables["spend"].column("day").to_pylist()
    assert date(2020, 2, 1) in days and date(2020, 1, 2) in days  # 01/02/2020 is 1 Feb
    assert {r.raw_value for r in fast.rejected} == {"31/02/2026"}
    assert any("summed" in w or "merged" in w for w in fast.warnings) or fast.skipped


def test_activities_keyed_by_their_content(tmp_path: Path) -> None:
    path = tmp_path / "webinar.csv"
    rows = ["when,email,kind,topic"]
    for i in range(30_000):
        stamp = f"2026-0{1 + i % 9}-1{i % 10} 1{i % 10}:{i % 60:02d}:0{i % 7}"
        email = f"U{i % 20_000}@Example.com" if i % 13 else ""
        rows.append(f"{stamp},{email},{('view', 'join')[i % 2]},Topic {i % 5}")
    rows.append("not a date,a@b.jp,view,x")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    mapping = {
        "table": "activities",
        "source_system": "webinars",
        "columns": {"occurred_at": "when", "email": "email", "activity_type": "kind",
                    "detail": "topic"},
        "constants": {"channel": "webinar", "quantity": 1},
    }  # fmt: skip
    fast, _ = _both(path, mapping)
    assert fast.vectorised and fast.rejected
    first = fast.tables["activities"].to_pylist()[0]
    assert first["occurred_at"] == datetime(2026, 1, 10, 10, 0, 0)


@pytest.mark.parametrize("kind", ["date", "datetime"])
def test_a_custom_date_format_never_takes_the_iso_fast_path(kind: str) -> None:
    """The rule in ``arrow_convert.fast_values``: a field with ``formats`` gets no bulk ISO
    parse, so ``%Y-%d-%m`` reads 2026-01-02 as 1 February (the ISO shape the fast path
    would read as 2 January), in the dictionary and the nearly-distinct branches alike."""
    import pyarrow as pa

    from ikkan.ingest.engine.arrow_convert import convert_column
    from ikkan.ingest.engine.fields import FieldSpec, Kind, _parser

    formats = ("%Y-%d-%m",) if kind == "date" else ("%Y-%d-%m %H:%M",)
    spec = FieldSpec("day", Kind(kind), ("day",), formats)
    parse = _parser(spec, None)
    for rows in (3_000, 45_000):  # few distinct values; nearly every value distinct
        cells = [
            f"{2000 + i % 26}-{1 + i * 7 % 28:02d}-{1 + i % 12:02d}"
            + ("" if kind == "date" else f" {i % 24:02d}:{i // 24 % 60:02d}")
            for i in range(rows)
        ]
        converted = convert_column(pa.array(cells, pa.string()), spec, None)
        found = converted.values.to_pylist()
        assert found == [parse(c) for c in cells]
        assert cells[1].startswith("2001-08-02")  # ISO: 2 August
        assert (found[1].month, found[1].day) == (2, 8)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_empty_ids_bad_cells_and_unmapped_values_are_rejected_in_row_order(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "deals.csv"
    lines = ["ID,状態,作成日,金額,担当"]
    for i in range(60):
        ident = "" if i % 11 == 3 else f"D{i % 50}"  # empty ids; D0..D9 repeat: duplicates
        status = ("受注", "失注", "商談中", "保留")[i % 4]  # 保留: not in the typed map
        created = "2026-02-30" if i % 13 == 5 else f"令和8年{1 + i % 12}月{1 + i % 28}日"
        amount = "TBD" if i % 17 == 2 else f'"￥{i * 1000:,}"'
        lines.append(f"{ident},{status},{created},{amount},担当{i % 3}")
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    mapping = {
        "table": "deals",
        "source_system": "crm",
        "columns": {"source_id": "ID", "stage": "状態", "is_won": "状態", "created_at": "作成日",
                    "amount": "金額", "owner": "担当"},
        "value_maps": {"is_won": {"受注": True, "失注": False, "商談中": False}},
        "constants": {"is_closed": False},
    }  # fmt: skip
    fast, _ = _both(path, mapping)
    assert fast.vectorised
    reasons = [r.reason for r in fast.rejected]
    assert any("is empty" in r for r in reasons) and any("duplicate" in r for r in reasons)
    assert any("value_maps.is_won" in r for r in reasons)
    assert fast.tables["deals"].column("currency").to_pylist()[0] == "JPY"
