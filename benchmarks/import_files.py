"""Generated N-row export files for ``bench_import.py``, one writer per reader.

Deterministic (row i gives the same cells every time); shapes mix the plain values the
vectorised path converts in bulk with a share of Japanese and hostile ones (¥/△ amounts,
full-width digits, 令和 dates) that go through the row-wise parsers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
_START = date(2000, 1, 1)
_CHANNELS = ("Organic Search", "Paid Search", "Direct", "Referral", "Email", "Paid Social")


def _day(i: int) -> date:
    return _START + timedelta(days=i % 36_500)


def _write(path: Path, header: str, rows: Iterator[str], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(header + "\n")
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            out.write("\n".join(batch) + "\n")


def _amount(i: int) -> str:
    """A CSV cell (quoted where it holds a comma)."""
    if i % 97 == 0:
        return '"△1,200"'
    if i % 89 == 0:
        return "１２万円"
    if i % 83 == 0:
        return '"￥300,000"'
    return str(1000 * (i % 500))


def hubspot_contacts(path: Path, rows: int, encoding: str) -> None:
    script = str(HERE / "make_leads.py")
    command = [sys.executable, script, "--leads", str(rows), "--encoding", encoding, str(path)]
    subprocess.run(command, check=True)


def hubspot_deals(path: Path, rows: int, encoding: str) -> None:
    header = (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Pipeline,Deal Type,"
        "Associated Contact IDs,Associated Company IDs"
    )
    stages = ("closedwon", "closedlost", "appointmentscheduled", "受注", "Closed Won")
    types = ("newbusiness", "existingbusiness", "更新", "")

    def lines() -> Iterator[str]:
        for i in range(rows):
            closed = "令和8年3月31日" if i % 101 == 0 else f"{_day(i)} 00:00"
            yield (
                f"{900000 + i},Deal {i % 5000},{stages[i % 5]},{_amount(i)},{closed},"
                f"{_day(i + 3)} 10:00,Sales,{types[i % 4]},{i};{i + 1},{i % 9000}"
            )

    _write(path, header, lines(), encoding)


def salesforce_leads(path: Path, rows: int, encoding: str) -> None:
    header = (
        "Lead ID,First Name,Last Name,Company / Account,Email,Lead Source,Lead Status,"
        "Created Date,Converted,Converted Date"
    )

    def lines() -> Iterator[str]:
        for i in range(rows):
            d = _day(i)
            created = f"{d.month}/{d.day}/{d.year} 9:05 AM"
            converted = f"{d.month}/{d.day}/{d.year}" if i % 7 == 0 else ""
            yield (
                f"00Q{i:012d},名{i % 300},姓{i % 700},Company {i % 20000},u{i}@example.com,"
                f"{_CHANNELS[i % 6]},Open - Not Contacted,{created},{int(i % 7 == 0)},{converted}"
            )

    _write(path, header, lines(), encoding)


def salesforce_opportunities(path: Path, rows: int, encoding: str) -> None:
    """A details-only report export with Salesforce's footer block (blank lines, Grand
    Totals, confidentiality, copyright)."""
    header = (
        "Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date,"
        "Lead Source,Type"
    )
    stages = ("Closed Won", "Closed Lost", "Negotiation/Review", "受注", "Prospecting")
    types = ("New Business", "Existing Business", "更新", "")

    def lines() -> Iterator[str]:
        for i in range(rows):
            d = _day(i)
            closed = "令和8年3月31日" if i % 101 == 0 else f"{d:%Y/%m/%d}"
            yield (
                f"006{i:012d},Deal {i % 5000},Account {i % 9000},{stages[i % 5]},"
                f"{_amount(i)},{closed},{_day(i + 3):%Y/%m/%d},{_CHANNELS[i % 6]},{types[i % 4]}"
            )
        yield ""
        yield f'"Grand Totals ({rows} records)"'
        yield ""
        yield '"Confidential Information - Do Not Distribute"'
        yield '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."'

    _write(path, header, lines(), encoding)


def google_ads(path: Path, rows: int, encoding: str) -> None:
    header = "Day,Campaign,Impr.,Clicks,Cost,Conversions,Currency code"

    def lines() -> Iterator[str]:
        for i in range(rows):
            yield (
                f'{_day(i)},Campaign {i // 36_500},"1,{i % 1000:03d}",{i % 90},'
                f'"{i % 9000}.00",{i % 4}.00,JPY'
            )

    _write(path, header, lines(), encoding)


def meta_ads(path: Path, rows: int, encoding: str) -> None:
    header = (
        "Day,Campaign name,Ad set name,Ad name,Results,Amount spent (JPY),Impressions,Link clicks"
    )

    def lines() -> Iterator[str]:
        for i in range(rows):
            yield (
                f"{_day(i)},Lead gen {i // 36_500},Set A,Ad A,{i % 5},"
                f'"{i % 12000:,}",{i % 5000},{i % 80}'
            )

    _write(path, header, lines(), encoding)


def yahoo_ads(path: Path, rows: int, encoding: str) -> None:
    header = (
        "日,アカウント名,キャンペーン名,広告グループ名,インプレッション数,クリック数,コスト,"
        "コンバージョン数"
    )

    def lines() -> Iterator[str]:
        for i in range(rows):
            d = _day(i)
            yield (
                f"{d.year}/{d.month:02d}/{d.day:02d},サンプル株式会社,検索_{i // 36_500},"
                f'グループA,"1,000",{i % 50},"{i % 5000:,}",{i % 3}.00'
            )

    _write(path, header, lines(), encoding)


def ga4(path: Path, rows: int, encoding: str) -> None:
    header = (
        "Date,Session default channel group,Sessions,Engaged sessions,Engagement rate,Key events"
    )

    def lines() -> Iterator[str]:
        for i in range(rows):
            yield f"{_day(i):%Y%m%d},Channel {i // 36_500},{i % 1200},{i % 800},0.6667,{i % 18}"

    _write(path, header, lines(), encoding)


GENERIC_LEADS_MAPPING = {
    "table": "leads",
    "source_system": "eventhub",
    "columns": {
        "source_id": "参加者ID",
        "email": "メールアドレス",
        "company": "会社名",
        "created_at": "申込日時",
        "lifecycle_stage": "ステータス",
        "channel_raw": "流入元",
    },
    "value_maps": {"lifecycle_stage": {"申込": "lead", "参加": "mql", "商談化": "sql"}},
    "stages": [{"stage": "lead"}],
}


def generic_leads(path: Path, rows: int, encoding: str) -> None:
    """An event-platform export read with ``GENERIC_LEADS_MAPPING`` (value map, channel,
    a stage rule); a share of 令和 dates and unlisted statuses."""
    header = "参加者ID,メールアドレス,会社名,申込日時,ステータス,流入元,セミナー名"
    statuses = ("申込", "参加", "商談化", "キャンセル")

    def lines() -> Iterator[str]:
        for i in range(rows):
            d = _day(i)
            created = "令和8年3月31日" if i % 101 == 0 else f"{d} {i % 24:02d}:{i % 60:02d}"
            yield (
                f"EH{i:09d},p{i}@example.co.jp,会社{i % 30000},{created},{statuses[i % 4]},"
                f"{_CHANNELS[i % 6]},セミナー{i % 40}"
            )

    _write(path, header, lines(), encoding)


def salesforce_leads_xlsx(path: Path, rows: int, encoding: str) -> None:
    """``salesforce_leads`` as an XLSX sheet (openpyxl write-only; ``encoding`` "xlsx"),
    or the same rows as CSV for the baseline."""
    if encoding != "xlsx":
        salesforce_leads(path, rows, encoding)
        return
    import csv
    from datetime import datetime

    from openpyxl import Workbook

    scratch = path.with_suffix(".rows.csv")
    salesforce_leads(scratch, rows, "utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Leads")
    with scratch.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        sheet.append(next(reader))
        for row in reader:  # dates as date cells (serials), the rest as text, as exported
            cells: list[object] = list(row)
            cells[7] = datetime.strptime(row[7], "%m/%d/%Y %I:%M %p")
            cells[9] = datetime.strptime(row[9], "%m/%d/%Y") if row[9] else None
            sheet.append(cells)
    book.save(path)
    scratch.unlink()


_ZOOM_HEAD = (
    "Attendee Report",
    'Report Generated:,"01/16/2026 10:00:00 AM"',
    "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,"
    "Unique Viewers,Total Users,Max Concurrent Views",
    "BtoBマーケ入門,812 3456 7890,01/15/2026 01:55:00 PM,65,3,0,2,3,2",
    "Host Details",
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),"
    "Country/Region Name",
    "Yes,Host,host@ourcompany.jp,01/15/2026 01:50:00 PM,01/15/2026 03:00:00 PM,70,Japan",
    "Attendee Details",
)
ZOOM_ATTENDEES = (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,"
    "Approval Status,Join Time,Leave Time,Time in Session (minutes),Country/Region Name"
)


def _zoom_rows(rows: int) -> Iterator[str]:
    """One row per join; people join one to three times."""
    for i in range(rows):
        person = i // 2 if i % 3 else i
        minute = i % 60
        joined = f"01/15/2026 02:{minute:02d}:00 PM"
        attended = "No" if i % 17 == 0 else "Yes"
        join, left, spent = ("--", "--", "") if attended == "No" else (joined, joined, i % 65)
        yield (
            f"{attended},名{person % 300} 姓{person % 700},名{person % 300},姓{person % 700},"
            f"u{person}@example.com,01/10/2026 09:{minute:02d}:00 AM,approved,"
            f"{join},{left},{spent},Japan"
        )


def zoom(path: Path, rows: int, encoding: str) -> None:
    """A webinar attendee report: the report head, one host, then ``rows`` attendee joins."""
    with path.open("w", encoding=encoding, newline="") as out:
        out.write("\n".join([*_ZOOM_HEAD, ZOOM_ATTENDEES]) + "\n")
    with path.open("a", encoding=encoding, newline="") as out:
        out.writelines(line + "\n" for line in _zoom_rows(rows))


def zoom_baseline(path: Path, rows: int) -> None:
    """The attendee table of ``zoom`` alone (what ``read_csv`` can read)."""
    _write(path, ZOOM_ATTENDEES, _zoom_rows(rows), "utf-8")


# reader name -> (writer, encodings measured); "xlsx" writes a workbook
FILES: dict[str, tuple[Callable[[Path, int, str], None], tuple[str, ...]]] = {
    "hubspot_contacts": (hubspot_contacts, ("utf-8", "cp932")),
    "hubspot_deals": (hubspot_deals, ("utf-8", "cp932")),
    "salesforce_leads": (salesforce_leads, ("utf-8",)),
    "salesforce_opportunities": (salesforce_opportunities, ("utf-8", "cp932")),
    "google_ads": (google_ads, ("utf-8",)),
    "meta_ads": (meta_ads, ("utf-8",)),
    "yahoo_ads": (yahoo_ads, ("cp932",)),
    "ga4": (ga4, ("utf-8",)),
    "generic_leads": (generic_leads, ("utf-8",)),
    "salesforce_leads_xlsx": (salesforce_leads_xlsx, ("xlsx",)),
    "zoom": (zoom, ("utf-8",)),
}
READERS = {"generic_leads": "generic", "salesforce_leads_xlsx": "salesforce_leads"}
"""Bench file -> the reader that reads it (default: the same name)."""
OPTIONS: dict[str, dict[str, object]] = {"generic_leads": {"mapping": GENERIC_LEADS_MAPPING}}
"""Bench file -> ``ReaderContext.options``."""
BASELINES: dict[str, Callable[[Path, int], None]] = {"zoom": zoom_baseline}
"""Bench file -> a writer of the rows ``read_csv`` measures, when not the file as UTF-8
CSV (a Zoom report's head is no table)."""
