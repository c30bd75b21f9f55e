"""Zoom webinar attendee and registration reports → ``activities``.

Layout: ``Attendee Report`` / ``Report Generated:`` lines, a meta header (``Topic``,
``Webinar ID`` …) with its values, then sections (``Host Details``, ``Panelist Details``,
``Attendee Details``; registration reports list registrants) each with its own header.
Attendee rows are one per join: minutes are summed per e-mail into one
``webinar_attendance`` activity (quantity = minutes, at the first join); every e-mail with a
registration time gives one ``webinar_registration`` (the same payload from either
report, so importing both is idempotent; names stay on the attendance activity). Hosts and
panelists are staff, not leads: their rows are counted in a warning. Activities are keyed
by e-mail (``lead_key`` is left empty; metrics count people by e-mail).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.builder import TableBuilder, stable_key
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.engine.tabular import open_rows
from ikkan.ingest.sources.zoom_arrow import read_arrow
from ikkan.ingest.sources.zoom_layout import SOURCE, Person, Walk, is_blank, report_meta
from ikkan.model.canonical import ACTIVITIES


class ZoomWebinarReader:
    name = "zoom"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        text = head.casefold()
        return ("webinar id" in text or "attendee report" in text or "ウェビナーid" in text) and (
            "email" in text or "メール" in text
        )

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        found = read_arrow(path, context)
        return found if found is not None else self.read_rows(path, context)

    def read_rows(self, path: Path, context: ReaderContext) -> ReadResult:
        """The whole file row by row (the reference for ``zoom_arrow``)."""
        file_rows = open_rows(path)
        rows = list(file_rows.rows)
        walk = Walk(ReadLog(str(path)), ZoneInfo(context.timezone), context)
        topic, webinar_id, started = report_meta(rows, walk.tz)
        body = [(n, c) for n, c in rows if not is_blank(c)]  # blanks: no data
        for at, (number, cells) in enumerate(body):
            walk.row(number, cells, body[at + 1 : at + 2])
        walk.finish(path)
        builder = TableBuilder(ACTIVITIES)
        _emit(builder, walk.people, topic, webinar_id, started)
        return ReadResult(
            source_system=SOURCE,
            reader=self.name,
            file_path=str(path),
            tables={"activities": builder.to_arrow()},
            rejected=walk.log.rejected,
            skipped=walk.log.skipped,
            warnings=walk.log.warnings,
            rows_read=walk.log.rows_seen,
            encoding=file_rows.encoding or "xlsx",
            loaded_rows=walk.loaded,
        )


def _emit(
    builder: TableBuilder,
    people: dict[str, Person],
    topic: str | None,
    webinar_id: str | None,
    started: datetime | None,
) -> None:
    data: dict[str, list[Any]] = {name: [] for name in builder.names}
    numbers: list[int] = []
    for email, person in people.items():
        attrs = {**person.extra, "webinar_id": webinar_id}
        events: list[tuple[str, datetime | None, float | None, dict[str, Any]]] = []
        if person.registered_at is not None:
            # The attendee and the registration report both carry this registration, with
            # different extra columns; the same payload from both keeps re-imports no-ops.
            registration = {"webinar_id": webinar_id}
            events.append(("webinar_registration", person.registered_at, None, registration))
        if person.joins:
            events.append(
                (
                    "webinar_attendance",
                    person.joined_at or started,
                    person.minutes,
                    {**attrs, "joins": person.joins},
                )
            )
        for kind, at, quantity, extra in events:
            data["activity_key"].append(stable_key(SOURCE, webinar_id, kind, email))
            data["source_system"].append(SOURCE)
            data["source_id"].append(f"{webinar_id}:{email}")
            data["lead_key"].append(None)
            data["email"].append(email)
            data["occurred_at"].append(at)
            data["activity_type"].append(kind)
            data["campaign"].append(None)
            data["channel"].append("webinar")
            data["detail"].append(topic)
            data["quantity"].append(quantity)
            data["attributes"].append(json.dumps(extra, ensure_ascii=False))
            numbers.append(person.row)
    builder.add(data, numbers)
