"""The first mappings a new user writes for a CRM pipeline export, got wrong in the ways
people get them wrong: each is a located ``validate`` message, never a wrong number (win
rate 100 % from a missing is_closed, funnel stages silently not written, rows rejected by
a value map that forgot a value) and never an internal error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ikkan.ingest.mapping.notes import default_date_notes
from ikkan.model.metrics import parse_metric
from ikkan.workspace import Workspace
from tests.services.test_generic_pipeline import DEALS_SOURCE, _line_of, _located, _write


def _one(found: dict[str, int | None], text: str) -> tuple[str, int | None]:
    matching = [(m, line) for m, line in found.items() if text in m]
    assert len(matching) == 1, found
    return matching[0]


def test_is_won_without_is_closed_is_an_error_not_a_100_percent_win_rate(tmp_path: Path) -> None:
    source = DEALS_SOURCE.replace("          is_closed: deal_stage\n", "").replace(
        '          is_closed: {Won: true, Lost: true, "*": false}\n', ""
    )
    message, line = _one(_located(tmp_path, source), "is_closed is not")
    assert "lost" in message and line == _line_of(tmp_path, "is_won: deal_stage")


def test_is_closed_without_is_won_is_an_error_not_zero_won(tmp_path: Path) -> None:
    source = DEALS_SOURCE.replace("          is_won: deal_stage\n", "").replace(
        '          is_won: {Won: true, "*": false}\n', ""
    )
    _, line = _one(_located(tmp_path, source), "is_won is not")
    assert line == _line_of(tmp_path, "is_closed: deal_stage")


def test_a_file_of_won_deals_with_constant_flags_is_fine(tmp_path: Path) -> None:
    source = (
        DEALS_SOURCE.replace("          is_closed: deal_stage\n", "")
        .replace("          is_won: deal_stage\n", "")
        .replace('          is_won: {Won: true, "*": false}\n', "")
        .replace('          is_closed: {Won: true, Lost: true, "*": false}\n', "")
        .replace("        value_maps:\n", "")
        .replace("deal_type: new}", "deal_type: new, is_won: true}")
    )
    assert not [m for m in _located(tmp_path, source) if "is_closed" in m or "is_won" in m]


def test_stages_on_deals_without_a_lead_id_are_an_error_not_silently_unwritten(
    tmp_path: Path,
) -> None:
    source = DEALS_SOURCE + "        stages: [{stage: engaged, column: engage_date}]\n"
    _, line = _one(_located(tmp_path, source), "lead_id_column")
    assert line == _line_of(tmp_path, "stages: [{stage: engaged")


def test_a_value_map_that_forgets_a_value_of_the_file_is_located(tmp_path: Path) -> None:
    source = DEALS_SOURCE.replace(
        'is_won: {Won: true, "*": false}', "is_won: {Won: true, Lost: false}"
    )
    message, line = _one(_located(tmp_path, source), "value_maps.is_won does not list")
    assert (
        "'Engaging'" in message and "'Prospecting'" in message and "sales_pipeline.csv" in message
    )
    assert line == _line_of(tmp_path, "is_won: {Won: true, Lost: false}")


def test_a_status_column_read_as_yes_no_without_a_map_is_located(tmp_path: Path) -> None:
    source = DEALS_SOURCE.replace('          is_won: {Won: true, "*": false}\n', "")
    message, line = _one(_located(tmp_path, source), "is_won reads")
    assert "'Won'" in message and line == _line_of(tmp_path, "is_won: deal_stage")


def test_a_lookup_key_listed_twice_is_found_by_validate(tmp_path: Path) -> None:
    _write(tmp_path)
    with (tmp_path / "data" / "sales_teams.csv").open("a", encoding="utf-8") as handle:
        handle.write("Moses Frase,Celia Rouche,West\n")
    issues = Workspace.open(tmp_path).validate()
    found = {i.message: i.location.line if i.location else None for i in issues}
    message, line = _one(found, "listed twice")
    assert "sales_teams.csv" in message and "rows 2 and 5" in message
    assert line == _line_of(tmp_path, "file: sales_teams.csv")


@pytest.mark.parametrize("text", ["2024/05/07", "2024年5月7日", "令和6年5月7日", "R6.5.7"])
def test_default_date_reads_dates_written_the_japanese_way(tmp_path: Path, text: str) -> None:
    from ikkan.ingest.mapping.spec import GenericMapping

    mapping = GenericMapping.model_validate(
        {
            "table": "activities",
            "source_system": "c",
            "constants": {"activity_type": "call"},
            "identity": "content",
            "default_date": text,
        }
    )
    assert mapping.default_date is not None and mapping.default_date.value == date(2024, 5, 7)


def test_a_misspelt_default_date_keyword_gets_a_suggestion(tmp_path: Path) -> None:
    source = DEALS_SOURCE + "        default_date: filename\n"
    message, line = _one(_located(tmp_path, source), "default_date")
    assert "'file_name'" in message and line == _line_of(tmp_path, "default_date: filename")


def test_explain_notes_only_sources_that_can_feed_the_metric(tmp_path: Path) -> None:
    calls = (
        "  calls:\n    reader: generic\n    path: data/calls.csv\n    options:\n      mapping:\n"
        "        table: activities\n        source_system: calls\n"
        "        constants: {activity_type: call}\n        identity: content\n"
        "        default_date: 2024-05-07\n"
    )
    _write(tmp_path, DEALS_SOURCE + calls)
    spec = Workspace.open(tmp_path).spec
    conversion = parse_metric({"type": "conversion", "from": "engaged", "to": "won"})
    assert default_date_notes(spec, conversion) == []  # the call list writes no funnel stages
    calls_count = parse_metric({"type": "activity_count", "activity": "call"})
    (note,) = default_date_notes(spec, calls_count)
    assert "source 'calls'" in note and "2024-05-07" in note


def test_deal_rows_without_a_lead_id_are_loaded_and_counted_in_a_warning(tmp_path: Path) -> None:
    from ikkan.ingest.base import ReaderContext
    from ikkan.ingest.sources.generic import GenericReader

    _write(tmp_path)
    mapping = {
        "table": "deals",
        "source_system": "crm",
        "columns": {"source_id": "opportunity_id", "created_at": "engage_date"},
        "lead_id_column": "account",
        "stages": [{"stage": "engaged", "column": "engage_date"}],
    }
    context = ReaderContext(stages=("engaged", "won"), options={"mapping": mapping})
    result = GenericReader().read(tmp_path / "data" / "sales_pipeline.csv", context)
    assert result.tables["deals"].num_rows == 7
    # O5 has no account; the other rows' four accounts (the "leads" here) reach "engaged"
    assert result.tables["lead_stages"].num_rows == 4
    assert any("1 row(s) have an empty 'account'" in w for w in result.warnings), result.warnings


def test_deal_rows_without_a_created_date_are_named_in_a_warning(tmp_path: Path) -> None:
    from ikkan.ingest.base import ReaderContext
    from ikkan.ingest.sources.generic import GenericReader

    _write(tmp_path)
    mapping = {
        "table": "deals",
        "source_system": "crm",
        "columns": {"source_id": "opportunity_id", "created_at": "engage_date"},
    }
    context = ReaderContext(stages=("engaged", "won"), options={"mapping": mapping})
    result = GenericReader().read(tmp_path / "data" / "sales_pipeline.csv", context)
    assert result.tables["deals"].num_rows == 7  # O5 (Prospecting, no engage date) is kept
    assert any(
        "1 row(s) have an empty created_at (column 'engage_date')" in w for w in result.warnings
    ), result.warnings
