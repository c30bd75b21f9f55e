"""The generic mapped reader, the shipped Olist mapping on the real dataset, and detection."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.generic import GenericMapping, GenericReader
from ikkan.ingest.sources.registry import detect_reader

REPO = Path(__file__).resolve().parents[2]
OLIST = REPO.parent / "shared" / "datasets" / "olist-funnel"
MAPPING = REPO / "examples" / "olist" / "mapping.yaml"


def olist(name: str) -> tuple[Path, dict]:
    entry = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))[name]
    return OLIST / Path(entry["file"]).name, entry["mapping"]


def test_shipped_mappings_validate():
    for entry in yaml.safe_load(MAPPING.read_text(encoding="utf-8")).values():
        GenericMapping.model_validate(entry["mapping"])


def test_olist_mqls_load_as_leads_with_mql_stage():
    path, mapping = olist("olist_mqls")
    with path.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    result = GenericReader().read(path, ReaderContext(options={"mapping": mapping}))
    leads = result.tables["leads"]
    assert leads.num_rows == len(source) == 8000
    assert result.rejected == []
    stages = result.tables["lead_stages"].to_pylist()
    assert len(stages) == 8000 and {s["stage"] for s in stages} == {"mql"}
    first = source[0]
    row = next(r for r in leads.to_pylist() if r["source_id"] == first["mql_id"])
    assert row["lead_key"] == f"olist:{first['mql_id']}"
    assert row["created_at"] == datetime.fromisoformat(first["first_contact_date"])
    expected_social = sum(1 for r in source if r["origin"] == "social")
    channels = leads.column("channel").to_pylist()
    assert channels.count("organic_social") == expected_social
    unknown = sum(1 for r in source if r["origin"] in ("unknown", ""))
    assert channels.count(None) == unknown
    assert all("landing_page_id" in a for a in leads.column("attributes").to_pylist())


def test_olist_closed_deals_load_as_won_deals_joined_to_mqls():
    path, mapping = olist("olist_won_deals")
    with path.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    with (OLIST / "olist_marketing_qualified_leads_dataset.csv").open(encoding="utf-8") as handle:
        mql_ids = {r["mql_id"] for r in csv.DictReader(handle)}
    result = GenericReader().read(path, ReaderContext(options={"mapping": mapping}))
    deals = result.tables["deals"].to_pylist()
    assert len(deals) == len(source) == 842
    assert all(d["is_won"] and d["is_closed"] for d in deals)
    assert {d["lead_key"] for d in deals} == {f"olist:{r['mql_id']}" for r in source}
    assert all(d["lead_key"].removeprefix("olist:") in mql_ids for d in deals)
    won = result.tables["lead_stages"].to_pylist()
    assert len(won) == 842 and {w["stage"] for w in won} == {"won"}
    by_lead = {w["lead_key"]: w["entered_at"] for w in won}
    assert by_lead[f"olist:{source[0]['mql_id']}"] == datetime.fromisoformat(source[0]["won_date"])


def test_generic_spend_with_value_maps_constants_and_formats(tmp_path):
    path = tmp_path / "line_ads.csv"
    path.write_text(
        "日,キャンペーン名,インプレッション数,クリック数,ご利用金額,媒体\n"
        '07/01/2026,春キャンペーン,1000,10,"5,000円",LINE\n'
        '08/01/2026,春キャンペーン,900,9,"￥4,000",LINE\n'
        "99/99/2026,春キャンペーン,900,9,1,LINE\n",
        encoding="cp932",
    )
    mapping = {
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
    result = GenericReader().read(path, ReaderContext(options={"mapping": mapping}))
    rows = result.tables["spend"].to_pylist()
    assert [(str(r["day"]), r["cost"], r["currency"], r["channel"]) for r in rows] == [
        ("2026-01-07", 5000.0, "JPY", "paid_social"),
        ("2026-01-08", 4000.0, "JPY", "paid_social"),
    ]
    assert len({r["spend_key"] for r in rows}) == 2
    (bad,) = result.rejected
    assert (bad.row_number, bad.column_name) == (4, "日")


def test_mapping_errors_are_clear():
    with pytest.raises(ValidationError, match="did you mean 'created_at'"):
        GenericMapping.model_validate(
            {"table": "leads", "source_system": "x", "columns": {"source_id": "id", "created": "c"}}
        )
    with pytest.raises(ValidationError, match="source_id is required"):
        GenericMapping.model_validate({"table": "leads", "source_system": "x", "columns": {}})
    with pytest.raises(ValidationError, match="Extra inputs"):
        GenericMapping.model_validate(
            {"table": "leads", "source_system": "x", "columns": {"source_id": "id"}, "oops": 1}
        )


def test_missing_source_column_names_it_with_a_hint(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("mql_id,first_contact\n1,2026-01-01\n", encoding="utf-8")
    mapping = {
        "table": "leads",
        "source_system": "x",
        "columns": {"source_id": "mql_id", "created_at": "first_contact_date"},
    }
    with pytest.raises(SourceError) as info:
        GenericReader().read(path, ReaderContext(options={"mapping": mapping}))
    assert "first_contact_date" in str(info.value) and "first_contact" in str(info.value.hint)


def test_detect_reader_lists_known_formats_when_nothing_matches(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        detect_reader(path)
    text = str(info.value)
    assert "mystery.csv" in text and "hubspot_contacts" in text and "generic" in text
