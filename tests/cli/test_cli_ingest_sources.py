"""``ikkan ingest`` with no arguments reads every configured source: a source whose folder
is missing is reported and skipped, never a failure of the others; a source named on the
command line must exist. ``ikkan init`` creates the template's source folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.test_cli_plan import ikkan

CONTACTS = (
    "Record ID,First Name,Last Name,Email,Lifecycle Stage,Create Date,Original Source\n"
    "1,Taro,Yamada,taro@example.jp,lead,2026-04-01 10:00,Organic Search\n"
    "2,Hanako,Sato,hanako@example.jp,lead,2026-04-02 11:00,Paid Search\n"
)


def test_init_creates_the_source_folders_and_an_empty_ingest_says_what_to_do(
    tmp_path: Path,
) -> None:
    ikkan("init", "p", "--lang", "en", cwd=tmp_path)
    project = tmp_path / "p"
    assert (project / "exports").is_dir() and (project / "calls").is_dir()
    result = ikkan("ingest", cwd=project)
    assert "No export files found" in result.stdout
    assert json.loads(ikkan("ingest", "--json", cwd=project).stdout) == []


def test_a_missing_source_folder_is_reported_and_the_other_sources_are_imported(
    tmp_path: Path,
) -> None:
    ikkan("init", "p", "--lang", "ja", cwd=tmp_path)
    project = tmp_path / "p"
    shutil.rmtree(project / "calls")
    (project / "exports" / "hubspot-contacts.csv").write_text(CONTACTS, encoding="utf-8")
    shown = ikkan("ingest", cwd=project)  # exit 0: nothing failed
    assert "見つかりません" in shown.stdout and "calls/" in shown.stdout
    assert "hubspot-contacts.csv" in shown.stdout
    outcomes = json.loads(ikkan("ingest", "--json", "--force", cwd=project).stdout)
    by_file = {Path(o["file"]).name: o for o in outcomes}
    assert by_file["calls"]["missing"] is True and by_file["calls"]["error"] is None
    assert "source 'calls': calls does not exist" in by_file["calls"]["warnings"][0]
    assert by_file["hubspot-contacts.csv"]["rows_read"] == 2
    assert by_file["hubspot-contacts.csv"]["load"]["status"] == "ok"


def test_a_source_named_on_the_command_line_must_exist(tmp_path: Path) -> None:
    ikkan("init", "p", "--lang", "en", cwd=tmp_path)
    project = tmp_path / "p"
    shutil.rmtree(project / "calls")
    result = ikkan("ingest", "calls", cwd=project, check=False)
    assert result.returncode != 0
    assert "no such file or folder" in result.stdout + result.stderr
