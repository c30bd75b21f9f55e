"""The inside-sales call log (架電履歴): every MQL's call attempts, for the handoff SLA.

One row per call: 架電ID, 架電日時, 担当者 (the lead's owner), 会社名, 氏名, メールアドレス,
結果 (不在 = no answer, 通話 = connected, 商談設定 = meeting booked). UTF-8 with a BOM, as
CTI tools export for Excel. The first attempt comes a few business hours after the MQL
(most within 24 business hours; about one in ten later; a few MQLs are never called), so
the handoff SLA has both kept and breached leads, and the latest MQLs are still open.
Written beside the exports folder (``calls/``), read by the template's ``calls`` source
(the generic reader with a mapping): the exports folder is sniffed file by file.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from ikkan.demo.records import Lead, World
from ikkan.monitor.calendar import BusinessCalendar

HEADERS = ("架電ID", "架電日時", "担当者", "会社名", "氏名", "メールアドレス", "結果")
CALL_LOG = "inside-sales-calls.csv"
CALLS_FOLDER = "calls"


def first_call_delay(rng: random.Random) -> float | None:
    """Business hours from MQL to the first call attempt; None: never called."""
    draw = rng.random()
    if draw < 0.03:
        return None
    if draw < 0.13:
        return rng.uniform(25, 60)  # late: breaches a 24-business-hour SLA
    return rng.uniform(0.3, 20)


def calls_for(
    lead: Lead, rng: random.Random, calendar: BusinessCalendar, end: datetime
) -> list[tuple[datetime, str]]:
    assert lead.mql is not None
    delay = first_call_delay(rng)
    if delay is None:
        return []
    at = calendar.add_business_hours(lead.mql, delay)
    out: list[tuple[datetime, str]] = []
    attempts = rng.choice((1, 1, 2, 3))  # the last attempt connects; earlier ones: 不在
    for attempt in range(attempts):
        if at > end:
            break
        connected = attempt == attempts - 1
        result = "通話" if connected else "不在"
        if connected and lead.sql is not None and lead.sql >= at:
            result = "商談設定"
        out.append((at.replace(second=0, microsecond=0), result))
        at = calendar.add_business_hours(at, rng.uniform(2, 12))
    return out


def write_calls(world: World, out_dir: Path, seed: int) -> int:
    """Write ``out_dir / inside-sales-calls.csv``; returns the number of calls."""
    import csv
    import io

    rng = random.Random(seed * 7919 + 13)  # noqa: S311 - demo data, not security
    calendar = BusinessCalendar()
    end = datetime.combine(world.end, datetime.min.time()) + timedelta(days=1)
    rows: list[tuple[datetime, Lead, str]] = []
    for lead in world.leads:
        if lead.mql is None or lead.duplicate_of is not None or lead.legacy:
            continue
        rows += [(at, lead, result) for at, result in calls_for(lead, rng, calendar, end)]
    rows.sort(key=lambda r: (r[0], r[1].record_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for number, (at, lead, result) in enumerate(rows, start=1):
        writer.writerow(
            [
                f"CL-{number:06d}",
                at.strftime("%Y/%m/%d %H:%M"),
                lead.owner,
                lead.company_spelling,
                lead.person.full,
                lead.email,
                result,
            ]
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / CALL_LOG).write_text(buffer.getvalue(), encoding="utf-8-sig")
    return len(rows)
