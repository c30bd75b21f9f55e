"""Google Analytics 4 report / exploration downloads → ``web_traffic``.

The file starts with a ``#`` preamble (``# Start date: 20260701`` / ``# 開始日: 20260801``,
or ``# 20251001-20260228`` in explorations). Several tables may follow, separated by
``# ----`` lines (chart series first, then the report table): the main table is the widest
one that has a Sessions column (the last one on a tie). ``Grand total`` rows are dropped;
``Date`` is ``YYYYMMDD``. Without a Date column a row covers the whole report range, so it
is rejected unless the range is one day (see ``spend_common.resolve_days``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from ikkan.errors import Location, SourceError
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.channels import ChannelMapper
from ikkan.ingest.engine.arrow_convert import mapped_by_distinct
from ikkan.ingest.engine.arrow_rows import ArrowBatch, stable_keys
from ikkan.ingest.engine.builder import TableBuilder, stable_key
from ikkan.ingest.engine.fields import Converted, Kind, spec
from ikkan.ingest.engine.runner import ReadState, finish, looks_like, pick, read_tabular
from ikkan.ingest.engine.tabular import FileRows, LocatedTable, NumberedRow
from ikkan.ingest.parsing.dates import parse_date_range, parse_loose_date
from ikkan.ingest.parsing.layout import header_matches, is_blank_row, is_comment_row
from ikkan.ingest.parsing.values import ParseError, normalise
from ikkan.ingest.sources.spend_arrow import resolve_days_arrow
from ikkan.ingest.sources.spend_common import resolve_days
from ikkan.model.canonical import WEB_TRAFFIC

SOURCE = "ga4"
FIELDS = (
    spec("day", Kind.DATE, "Date", "日付"),
    spec(
        "channel_raw",
        Kind.TEXT,
        "Session default channel group",
        "セッションのデフォルト チャネル グループ",
        "Default channel group",
        "デフォルト チャネル グループ",
        "Session primary channel group",
        "セッションのメイン チャネル グループ",
    ),
    spec("source_medium", Kind.TEXT, "Session source / medium", "セッションの参照元 / メディア"),
    spec(
        "landing_page",
        Kind.TEXT,
        "Landing page",
        "ランディング ページ",
        "Landing page + query string",
        "ランディング ページ + クエリ文字列",
    ),
    spec("sessions", Kind.INT, "Sessions", "セッション", "セッション数"),
    spec(
        "users",
        Kind.INT,
        "Total users",
        "Users",
        "Active users",
        "総ユーザー数",
        "ユーザー",
        "アクティブ ユーザー数",
    ),
    spec("page_views", Kind.INT, "Views", "Screen page views", "表示回数", "ページビュー数"),
    spec("conversions", Kind.FLOAT, "Key events", "キーイベント", "Conversions", "コンバージョン"),
)
MEASURES = ("sessions", "users", "page_views", "conversions")
_START = re.compile(r"^#\s*(?:start date|開始日)\s*[:：]\s*(\S+)", re.I)
_END = re.compile(r"^#\s*(?:end date|終了日)\s*[:：]\s*(\S+)", re.I)
_SESSIONS = next(s for s in FIELDS if s.name == "sessions").aliases
_ALIASES = [a for s in FIELDS for a in s.aliases]


def report_range(lines: list[str]) -> tuple[date, date] | None:
    """The report's date range from the ``#`` preamble."""
    start = end = None
    for line in lines:
        text = normalise(line)
        if m := _START.match(text):
            start = m.group(1)
        elif m := _END.match(text):
            end = m.group(1)
        elif (found := parse_date_range(text.lstrip("#").strip())) is not None:
            return found
    if start and end:
        try:
            return parse_loose_date(start), parse_loose_date(end)
        except ParseError:
            return None
    return None


def locate_main_table(rows: FileRows) -> tuple[LocatedTable, tuple[date, date] | None]:
    """The widest table with a Sessions column. ``#`` lines separate tables only when a
    table header (two known GA4 columns) follows them: inside a table they are left out
    and the table goes on."""
    blocks: list[list[NumberedRow]] = [[]]
    comments: list[str] = []
    after_comment = False
    for number, cells in rows.rows:
        if is_comment_row(cells) and not (blocks[-1] and _filled(cells) > 1):
            # inside a table, a row of several cells is data even if it starts with '#'
            comments.append(",".join(str(c) for c in cells))
            after_comment = True
            continue
        if is_blank_row(cells) and not blocks[-1]:
            continue
        if after_comment and not is_blank_row(cells):
            after_comment = False
            if blocks[-1] and header_matches(cells, _ALIASES) >= 2:
                blocks.append([])  # another table's header
        blocks[-1].append((number, cells))
    candidates = []
    for index, block in enumerate(blocks):
        if block and header_matches(block[0][1], _SESSIONS):
            candidates.append((len(block[0][1]), index, block))
    if not candidates:
        raise SourceError(
            "no table with a Sessions / セッション column found",
            location=Location(str(rows.path)),
            hint="download the GA4 report as CSV with the Sessions metric",
        )
    _, _, block = max(candidates, key=lambda c: (c[0], c[1]))
    header_number, header_cells = block[0]
    header = ["" if c is None else str(c).strip() for c in header_cells]
    body: Iterator[NumberedRow] = iter(block[1:])
    return LocatedTable(header, header_number, [], body), report_range(comments)


def _plain_header(cells: list[object]) -> bool:
    """A header on line 1 that ``locate_main_table`` takes as such (not a ``#`` line)."""
    return not is_comment_row(cells) and bool(header_matches(cells, _SESSIONS))


def _filled(cells: list[object]) -> int:
    return sum(1 for c in cells if c is not None and str(c).strip() != "")


class Ga4Reader:
    name = "ga4"
    source_system = SOURCE

    def sniff(self, path: Path, head: str) -> bool:
        has_preamble = head.lstrip().startswith("#")
        return looks_like(head, FIELDS, ("sessions",), scan=8 if has_preamble else 1) and (
            has_preamble or looks_like(head, FIELDS, ("sessions", "channel_raw"))
        )

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        """The vectorised path for a plain CSV table (header on line 1, no ``#`` lines),
        else row by row (same result)."""
        return self.read_rows(path, context, vectorised=True)

    def read_rows(self, path: Path, context: ReaderContext, vectorised: bool = False) -> ReadResult:
        """Row by row unless ``vectorised`` (the reference for the vectorised path)."""
        channels = ChannelMapper(context.channels)
        found_range: list[tuple[date, date] | None] = [None]

        def locate(rows: FileRows) -> LocatedTable:
            located, span = locate_main_table(rows)
            found_range[0] = span
            return located

        def handle(state: ReadState, conv: Converted) -> None:
            keep, days = resolve_days(conv, state, found_range[0], "web traffic")
            raw = pick(conv.get("channel_raw"), keep)
            sm = pick(conv.get("source_medium"), keep)
            lp = pick(conv.get("landing_page"), keep)
            columns: dict[str, list[Any]] = {
                "traffic_key": [
                    stable_key(SOURCE, d, c, s, page)
                    for d, c, s, page in zip(days, raw, sm, lp, strict=True)
                ],
                "source_system": [SOURCE] * len(keep),
                "day": days,
                "channel": [channels(r) for r in raw],
                "source_medium": sm,
                "landing_page": lp,
                "attributes": pick(conv.attributes, keep),
            }
            for name in MEASURES:
                columns[name] = pick(conv.get(name), keep)
            state.builders["web_traffic"].add(columns, pick(conv.numbers, keep))

        def handle_arrow(state: ReadState, batch: ArrowBatch) -> None:
            kept, days = resolve_days_arrow(batch, state, found_range[0], "web traffic")
            raw, sm = kept.get("channel_raw"), kept.get("source_medium")
            lp = kept.get("landing_page")
            columns: dict[str, Any] = {
                "traffic_key": stable_keys([SOURCE, days, raw, sm, lp], kept.size),
                "source_system": SOURCE,
                "day": days,
                "channel": mapped_by_distinct(raw, channels),
                "source_medium": sm,
                "landing_page": lp,
                "attributes": kept.attributes,
            }
            for name in MEASURES:
                columns[name] = kept.get(name, pa.float64())
            state.builders["web_traffic"].add_arrow(columns, kept.numbers)

        result, state = read_tabular(
            path,
            context,
            reader=self.name,
            source_system=SOURCE,
            specs=FIELDS,
            is_header=lambda cells: False,
            tables=(TableBuilder(WEB_TRAFFIC),),
            handle=handle,
            locate=locate,
            vectorised=vectorised,
            handle_arrow=handle_arrow,
            columnar_header=_plain_header,
        )
        state.builders["web_traffic"].sum_duplicates(state.log, MEASURES)
        if message := channels.warning():
            state.log.warn(message)
        return finish(result, state)
