"""Zoom webinar reports (attendee and registration, one file each per webinar) and the
manual values CSV (monthly NPS and operating margin).

Zoom: layout from reference §6. Unverified: the exact meta header of the registration report,
"--" for the times of registrants who did not attend, and no blank lines between sections.
The registration questions 会社名 and 役職 are the webinar's own custom questions.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ikkan.demo.manifest import WrittenFile
from ikkan.demo.names import JOB_TITLES, spelling_for
from ikkan.demo.output import FileSet, Sheet, zoom_datetime
from ikkan.demo.records import Registration, Webinar, World

ATTENDEE_HEADERS = (
    "Attended",
    "User Name (Original Name)",
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Registration Time",
    "Approval Status",
    "Join Time",
    "Leave Time",
    "Time in Session (minutes)",
    "Is Guest",
    "Country/Region Name",
    "Source Name",
    "会社名",
    "役職",
)
STAFF_HEADERS = (
    "Attended",
    "User Name (Original Name)",
    "Email",
    "Join Time",
    "Leave Time",
    "Time in Session (minutes)",
    "Country/Region Name",
)
REGISTRANT_HEADERS = (
    "First Name",
    "Last Name",
    "Email",
    "Registration Time",
    "Approval Status",
    "会社名",
    "役職",
)


def _stem(webinar: Webinar) -> str:
    return f"zoom/{webinar.webinar_id.replace(' ', '')}_{webinar.day:%Y%m%d}"


def _answers(rng: random.Random, registration: Registration) -> tuple[str, str]:
    lead = registration.lead
    return spelling_for(rng, lead.company, allow_cp932_only=True), rng.choice(JOB_TITLES)


def write_webinars(world: World, files: FileSet, generated: datetime, seed: int) -> None:
    rng = random.Random(seed + 7)  # noqa: S311 - demo data, not security
    for webinar in world.webinars:
        answers = {id(r): _answers(rng, r) for r in webinar.registrations}
        _attendee_report(world, files, webinar, generated, answers)
        _registration_report(world, files, webinar, generated, answers)


def _attendee_report(
    world: World,
    files: FileSet,
    webinar: Webinar,
    generated: datetime,
    answers: dict[int, tuple[str, str]],
) -> None:
    sheet = Sheet()
    sheet.raw("Attendee Report")
    sheet.row(["Report Generated:", zoom_datetime(generated)])
    attendees = [r for r in webinar.registrations if r.attended]
    joins = sum(len(r.joins) for r in attendees)
    sheet.row(
        [
            "Topic",
            "Webinar ID",
            "Actual Start Time",
            "Actual Duration (minutes)",
            "# Registered",
            "# Cancelled",
            "Unique Viewers",
            "Total Users",
            "Max Concurrent Views",
        ]
    )
    sheet.row(
        [
            webinar.topic,
            webinar.webinar_id,
            zoom_datetime(webinar.start - timedelta(minutes=2)),
            webinar.duration_minutes + 4,
            len(webinar.registrations),
            webinar.cancelled,
            len(attendees),
            joins + 3,
            round(len(attendees) * 0.9),
        ]
    )
    host_end = webinar.start + timedelta(minutes=webinar.duration_minutes + 2)
    host_start = webinar.start - timedelta(minutes=15)
    minutes = round((host_end - host_start).total_seconds() / 60)
    sheet.raw("Host Details")
    sheet.row(STAFF_HEADERS)
    sheet.row(
        [
            "Yes",
            f"{world.company} マーケティング部",
            "webinar@sample.co.jp",
            zoom_datetime(host_start),
            zoom_datetime(host_end),
            minutes,
            "Japan",
        ]
    )
    sheet.raw("Panelist Details")
    sheet.row(STAFF_HEADERS)
    for name, email in (("山田 隆", "t.yamada@sample.co.jp"), ("佐藤 花子", "h.sato@sample.co.jp")):
        sheet.row(
            [
                "Yes",
                name,
                email,
                zoom_datetime(host_start),
                zoom_datetime(host_end),
                minutes,
                "Japan",
            ]
        )
    sheet.raw("Attendee Details")
    header_line = sheet.row(ATTENDEE_HEADERS)
    rows = 0
    for registration in webinar.registrations:
        lead = registration.lead
        company, title = answers[id(registration)]
        common = [
            lead.person.full,
            lead.person.first,
            lead.person.last,
            registration.email_as_typed,
            "",
            zoom_datetime(registration.registered),
            "approved",
        ]
        if not registration.joins:
            sheet.row(["No", *common, "--", "--", "--", "Yes", "Japan", "", company, title])
            rows += 1
        for join in registration.joins:
            line = sheet.row(
                [
                    "Yes",
                    *common,
                    zoom_datetime(join.joined),
                    zoom_datetime(join.left),
                    join.minutes,
                    "Yes",
                    "Japan",
                    "",
                    company,
                    title,
                ]
            )
            rows += 1
            if len(registration.joins) > 1:
                files.quirk(
                    f"{_stem(webinar)}_attendee_report.csv",
                    line,
                    "Join Time",
                    zoom_datetime(join.joined),
                    "one of several joins by the same person",
                )
    files.write(
        sheet,
        WrittenFile(
            path=f"{_stem(webinar)}_attendee_report.csv",
            format="zoom_attendees",
            encoding="utf-8-sig",
            delimiter=",",
            language="en",
            header_line=header_line,
            data_rows=rows,
            period_start=webinar.day,
            period_end=webinar.day,
            note=webinar.topic,
        ),
    )


def _registration_report(
    world: World,
    files: FileSet,
    webinar: Webinar,
    generated: datetime,
    answers: dict[int, tuple[str, str]],
) -> None:
    sheet = Sheet()
    sheet.raw("Registration Report")
    sheet.row(["Report Generated:", zoom_datetime(generated)])
    sheet.row(
        [
            "Topic",
            "Webinar ID",
            "Scheduled Time",
            "Duration (minutes)",
            "# Registered",
            "# Cancelled",
        ]
    )
    sheet.row(
        [
            webinar.topic,
            webinar.webinar_id,
            zoom_datetime(webinar.start),
            webinar.duration_minutes,
            len(webinar.registrations),
            webinar.cancelled,
        ]
    )
    sheet.raw("Registrant Details")
    header_line = sheet.row(REGISTRANT_HEADERS)
    for registration in webinar.registrations:
        lead = registration.lead
        company, title = answers[id(registration)]
        sheet.row(
            [
                lead.person.first,
                lead.person.last,
                registration.email_as_typed,
                zoom_datetime(registration.registered),
                "approved",
                company,
                title,
            ]
        )
    files.write(
        sheet,
        WrittenFile(
            path=f"{_stem(webinar)}_registration_report.csv",
            format="zoom_registrations",
            encoding="utf-8-sig",
            delimiter=",",
            language="en",
            header_line=header_line,
            data_rows=len(webinar.registrations),
            period_start=webinar.day,
            period_end=webinar.day,
            note=webinar.topic,
        ),
    )


MANUAL_HEADERS = (
    "node_id",
    "period",
    "dimension",
    "dimension_value",
    "value",
    "note",
    "entered_by",
)


def write_manual_values(world: World, files: FileSet) -> None:
    """Values people type in: the monthly NPS survey (CS) and the operating margin of each
    closed month (finance, from the monthly close)."""
    sheet = Sheet()
    sheet.row(MANUAL_HEADERS)
    for month, nps, responses in world.nps:
        sheet.row(
            ["nps", month, "", "", f"{nps:.1f}", f"顧客アンケート 回答{responses}件", "CS 松本"]
        )
    for month, margin in world.operating_margin:
        sheet.row(["operating_margin", month, "", "", f"{margin:.4f}", "月次決算", "経理 岡田"])
    files.write(
        sheet,
        WrittenFile(
            path="manual/kpi_inputs.csv",
            format="manual_values",
            encoding="utf-8",
            delimiter=",",
            language="en",
            header_line=1,
            data_rows=len(world.nps) + len(world.operating_margin),
            period_start=world.start,
            period_end=world.end,
            note="monthly NPS survey and operating margin (columns = the manual_values table)",
        ),
    )
