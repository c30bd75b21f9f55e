"""HubSpot contacts and deals: encodings, EN/JA labels, stages, channels, rejects."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.hubspot import HubspotContactsReader, HubspotDealsReader
from ikkan.ingest.sources.registry import detect_reader
from ikkan.model.canonical import DEALS, LEAD_STAGES, LEADS

FIXTURES = Path(__file__).parent / "fixtures"


def variant(tmp_path: Path, name: str, encoding: str, delimiter: str = ",") -> Path:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if delimiter != ",":
        text = text.replace(",", delimiter)
    data = text.encode(encoding.replace("-sig", ""))
    bom = {"utf-8-sig": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE}.get(encoding, b"")
    path = tmp_path / f"{encoding}-{name}"
    path.write_bytes(bom + data)
    return path


def payload(table):
    return [
        c.name for c in table.columns if c.name not in ("content_hash", "import_id", "loaded_at")
    ]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ","), ("utf-16-le", "\t")]
)
def test_contacts_in_every_encoding(tmp_path, encoding, delimiter):
    path = variant(tmp_path, "hubspot_contacts_en.csv", encoding, delimiter)
    assert detect_reader(path).name == "hubspot_contacts"
    seen = []
    result = HubspotContactsReader().read(path, ReaderContext(progress=seen.append))
    leads = result.tables["leads"]
    assert leads.column_names == payload(LEADS)
    assert result.tables["lead_stages"].column_names == payload(LEAD_STAGES)
    rows = {r["source_id"]: r for r in leads.to_pylist()}
    assert set(rows) == {"51234", "51235", "51237"}
    sato = rows["51234"]
    assert sato["lead_key"] == "hubspot:51234"
    assert sato["email"] == "h.sato@example.co.jp"
    assert sato["created_at"] == datetime(2026, 1, 7, 10, 15)
    assert sato["lifecycle_stage"] == "mql"
    assert sato["channel"] == "paid_search" and sato["channel_raw"] == "Paid Search"
    assert sato["employees"] == 120
    assert json.loads(sato["attributes"]) == {"Favorite Color": "blue"}
    assert rows["51235"]["lifecycle_stage"] == "won"
    assert rows["51235"]["created_at"] == datetime(2026, 1, 8, 14, 30)
    assert rows["51235"]["channel"] == "organic_search"
    assert rows["51237"]["created_at"] == datetime(2026, 1, 7, 9, 0)  # ms-epoch, UTC → JST
    assert rows["51237"]["employees"] == 1200
    assert rows["51237"]["lifecycle_stage"] == "lead"
    assert rows["51237"]["channel"] is None
    assert result.rows_read == 5 and seen and seen[-1] == 5
    assert encoding == result.encoding


def test_contacts_stage_rows_take_the_earliest_date_per_stage(tmp_path):
    result = HubspotContactsReader().read(FIXTURES / "hubspot_contacts_en.csv", ReaderContext())
    stages = {(r["lead_key"], r["stage"]): r for r in result.tables["lead_stages"].to_pylist()}
    assert stages[("hubspot:51234", "mql")]["entered_at"] == datetime(2026, 1, 19, 9, 0)
    assert stages[("hubspot:51234", "mql")]["source"].startswith("Date entered")
    assert stages[("hubspot:51234", "lead")]["entered_at"] == datetime(2026, 1, 7, 10, 15)
    assert stages[("hubspot:51235", "won")]["entered_at"] == datetime(2026, 3, 1)
    assert ("hubspot:51236", "lead") not in stages  # its row was rejected
    assert len(stages) == 4


def test_contacts_rejects_bad_date_and_duplicate_and_warns_once(tmp_path):
    result = HubspotContactsReader().read(FIXTURES / "hubspot_contacts_en.csv", ReaderContext())
    bad = [r for r in result.rejected if r.column_name == "Create Date"]
    assert len(bad) == 1
    assert bad[0].row_number == 4 and bad[0].raw_value == "2026/13/07"
    assert "month" in bad[0].reason and bad[0].raw_record["Record ID"] == "51236"
    dup = [r for r in result.rejected if "duplicate" in r.reason]
    assert len(dup) == 1 and dup[0].row_number == 6 and "row 2" in dup[0].reason
    extra = [w for w in result.warnings if "attributes" in w]
    assert extra == [
        "1 column(s) have no canonical home and are kept in attributes: Favorite Color"
    ]
    assert any("Carrier Pigeon" in w for w in result.warnings)


def test_contacts_project_stage_and_channel_maps_win(tmp_path):
    context = ReaderContext(
        stages=("lead", "mql", "opportunity", "won"),
        stage_map={"Marketing Qualified Lead": "opportunity"},
        channels={"Carrier Pigeon": "offline"},
    )
    result = HubspotContactsReader().read(FIXTURES / "hubspot_contacts_en.csv", context)
    rows = {r["source_id"]: r for r in result.tables["leads"].to_pylist()}
    assert rows["51234"]["lifecycle_stage"] == "opportunity"
    assert rows["51237"]["channel"] == "offline"


def test_contacts_project_without_a_stage_skips_it_with_warning():
    context = ReaderContext(stages=("lead", "won"))
    result = HubspotContactsReader().read(FIXTURES / "hubspot_contacts_en.csv", context)
    stages = {r["stage"] for r in result.tables["lead_stages"].to_pylist()}
    assert stages == {"lead", "won"}
    assert any("does not define" in w for w in result.warnings)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_contacts_japanese_labels(tmp_path, encoding):
    path = variant(tmp_path, "hubspot_contacts_ja.csv", encoding)
    assert detect_reader(path).name == "hubspot_contacts"
    result = HubspotContactsReader().read(path, ReaderContext())
    rows = {r["source_id"]: r for r in result.tables["leads"].to_pylist()}
    assert rows["901"]["lifecycle_stage"] == "mql"
    assert rows["901"]["company"] == "㈱サンプル"
    assert rows["901"]["channel"] == "organic_search"
    assert rows["902"]["created_at"] == datetime(2026, 1, 8)
    assert rows["902"]["channel"] == "paid_search"
    assert rows["902"]["company"] == "髙橋商事"
    stages = result.tables["lead_stages"].to_pylist()
    assert stages == [
        {
            "lead_key": "hubspot:901",
            "stage": "mql",
            "entered_at": datetime(2026, 1, 10, 10, 0),
            "source": "MQL(マーケティング上の有望な見込み客)になった日付",
        }
    ]
    assert json.loads(rows["901"]["attributes"]) == {"役職": "部長"}


def test_deals(tmp_path):
    path = FIXTURES / "hubspot_deals.csv"
    assert detect_reader(path).name == "hubspot_deals"
    result = HubspotDealsReader().read(path, ReaderContext(stage_map={"受注": "won"}))
    deals = result.tables["deals"]
    assert deals.column_names == payload(DEALS)
    rows = {r["source_id"]: r for r in deals.to_pylist()}
    assert set(rows) == {"90011", "90012", "90014"}
    won = rows["90011"]
    assert (won["is_won"], won["is_closed"], won["amount"]) == (True, True, 1_200_000.0)
    assert won["closed_at"] == datetime(2026, 3, 31)
    assert won["deal_type"] == "new" and won["lead_key"] == "hubspot:51234"
    assert won["pipeline"] == "Sales Pipeline"
    lost = rows["90012"]
    assert (lost["is_won"], lost["is_closed"], lost["amount"]) == (False, True, 300_000.0)
    assert lost["currency"] == "JPY" and lost["deal_type"] == "upsell"
    custom = rows["90014"]
    assert (custom["is_won"], custom["amount"], custom["deal_type"]) == (True, 12_000.0, "renewal")
    (rejected,) = result.rejected
    assert (rejected.row_number, rejected.column_name, rejected.raw_value) == (4, "Amount", "TBD")
