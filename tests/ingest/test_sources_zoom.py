"""Zoom webinar reports → activities: sections, one row per join, minutes per e-mail."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.registry import detect_reader
from ikkan.ingest.sources.zoom import ZoomWebinarReader

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_attendee_report(tmp_path, bom):
    path = tmp_path / "attendee.csv"
    path.write_bytes(bom + (FIXTURES / "zoom_attendee.csv").read_bytes())
    assert detect_reader(path).name == "zoom"
    result = ZoomWebinarReader().read(path, ReaderContext())
    rows = {(r["email"], r["activity_type"]): r for r in result.tables["activities"].to_pylist()}
    assert set(rows) == {
        ("h.sato@example.co.jp", "webinar_registration"),
        ("h.sato@example.co.jp", "webinar_attendance"),
        ("j.tanaka@example.jp", "webinar_registration"),
    }
    attended = rows[("h.sato@example.co.jp", "webinar_attendance")]
    assert attended["quantity"] == 59.0  # 49 + 10 minutes over two joins
    assert attended["occurred_at"] == datetime(2026, 1, 15, 13, 58, 40)
    assert attended["detail"] == "BtoBマーケ入門" and attended["channel"] == "webinar"
    assert json.loads(attended["attributes"])["joins"] == 2
    assert json.loads(attended["attributes"])["webinar_id"] == "81234567890"
    registered = rows[("j.tanaka@example.jp", "webinar_registration")]
    assert registered["occurred_at"] == datetime(2026, 1, 6, 11, 0)
    assert len({r["activity_key"] for r in rows.values()}) == 3
    reasons = {(r.row_number, r.column_name): r.reason for r in result.rejected}
    assert "no e-mail" in reasons[(16, "Email")]
    assert "'ten'" in reasons[(17, "Time in Session (minutes)")]
    assert any("host/panelist" in w and w.startswith("2 ") for w in result.warnings)


def test_registration_report(tmp_path):
    path = tmp_path / "registration.csv"
    path.write_text(
        "Registration Report\nReport Generated:,01/16/2026 10:00:00 AM\n"
        "Topic,Webinar ID,Scheduled Start Time\nWebinar X,811 1111 2222,01/20/2026 02:00 PM\n"
        "\nFirst Name,Last Name,Email,Registration Time,Approval Status\n"
        "花子,佐藤,h.sato@example.co.jp,01/05/2026 09:12:03 AM,approved\n"
        "次郎,田中,j.tanaka@example.jp,01/06/2026 11:00:00 PM,approved\n",
        encoding="utf-8",
    )
    assert detect_reader(path).name == "zoom"
    result = ZoomWebinarReader().read(path, ReaderContext())
    rows = result.tables["activities"].to_pylist()
    assert {(r["email"], r["activity_type"], r["occurred_at"]) for r in rows} == {
        ("h.sato@example.co.jp", "webinar_registration", datetime(2026, 1, 5, 9, 12, 3)),
        ("j.tanaka@example.jp", "webinar_registration", datetime(2026, 1, 6, 23, 0)),
    }
    assert result.rejected == []


def test_a_webinar_nobody_registered_for_is_an_empty_report_not_an_error(tmp_path):
    """Zoom writes the registrant table's header even when nobody registered (seen in the
    demo's generator with a small seed): zero activities and a warning, never a failed file."""
    path = tmp_path / "81544289432_20250417_registration_report.csv"
    path.write_text(
        "\ufeffRegistration Report\nReport Generated:,11/16/2026 09:00:00 AM\n"
        "Topic,Webinar ID,Scheduled Time,Duration (minutes),# Registered,# Cancelled\n"
        "KPIツリーの作り方,815 4428 9432,04/17/2025 02:00:00 PM,60,0,0\n"
        "Registrant Details\nFirst Name,Last Name,Email,Registration Time,Approval Status\n",
        encoding="utf-8",
    )
    assert detect_reader(path).name == "zoom"
    result = ZoomWebinarReader().read(path, ReaderContext())
    assert result.tables["activities"].num_rows == 0 and result.rejected == []
    assert any("lists nobody" in w for w in result.warnings)


def test_a_file_without_a_people_table_is_still_refused(tmp_path):
    from ikkan.errors import SourceError

    path = tmp_path / "webinar.csv"
    path.write_text(
        "Attendee Report\nTopic,Webinar ID,Actual Start Time\nX,811 1111 2222,01/20/2026\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="no attendee or registrant table"):
        ZoomWebinarReader().read(path, ReaderContext())
