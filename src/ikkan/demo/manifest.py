"""What the demo generator wrote, and what a correct load of it must find.

Tests across the code base check importers and KPIs against this: row counts per file, the
deliberately bad rows (each must be rejected or flagged with its reason), the odd-but-valid
rows (each must be read correctly) and expected totals per fiscal year.

Counting rules for the expected totals
- Bad rows are extra rows outside the simulation: no total includes them.
- People are counted once per lower-cased e-mail (exact duplicate rows and near duplicates
  whose e-mail differs only in case are the same person); a stage counts in the fiscal year
  of the person's first entry into it. Stages are counted as recorded (strict): a lead with an
  SQL date but no MQL date is not counted as an MQL.
- Won deals count in the fiscal year of their close date, from both CRMs (HubSpot deals and
  the Salesforce report), all deal types unless the field says ``new``.
- Spend is every ad platform's cost, refunds (negative rows) included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class WrittenFile:
    path: str  # relative to DemoManifest.out_dir, "/"-separated
    format: str  # e.g. hubspot_contacts, salesforce_opportunities, zoom_attendees
    encoding: str  # Python codec: utf-8, utf-8-sig (BOM), utf-16 (LE with BOM), cp932
    delimiter: str
    language: str  # en or ja
    header_line: int  # 1-based physical line of the (first data table's) header
    data_rows: int  # record rows: no preamble, header, totals or footer; bad rows included
    period_start: date
    period_end: date
    note: str = ""


@dataclass(frozen=True)
class BadRow:
    """A row written wrong on purpose; a loader must reject or flag it with this reason."""

    path: str
    line: int  # 1-based physical line in the file
    record_id: str
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class Quirk:
    """A valid row in an unusual shape; a loader must read it correctly."""

    path: str
    line: int
    column: str
    value: str
    meaning: str


@dataclass(frozen=True)
class FiscalYearTotals:
    fiscal_year: int
    leads: int  # people first created in the year
    mqls: int
    sqls: int
    opportunities: int
    customers: int  # people who became customers in the year
    won_deals: int  # all deal types, both CRMs
    won_amount: int  # yen
    new_won_deals: int
    new_won_amount: int
    won_by_source: dict[str, tuple[int, int]]  # hubspot / salesforce -> (deals, yen)
    spend: int  # yen, all platforms, refunds included
    spend_by_platform: dict[str, int]
    ad_conversions: int  # sum of platform-reported conversions
    sessions: int  # GA4 sessions
    key_events: int  # GA4 key events


@dataclass(frozen=True)
class DemoManifest:
    out_dir: Path
    company: str
    seed: int
    period_start: date
    period_end: date
    files: tuple[WrittenFile, ...]
    bad_rows: tuple[BadRow, ...]
    quirks: tuple[Quirk, ...]
    fiscal_years: tuple[FiscalYearTotals, ...]
    unique_leads: int  # distinct lower-cased e-mails over both contact exports, bad rows out
    contact_records: int  # distinct Record IDs over both contact exports, bad rows out
    exact_duplicate_ids: tuple[str, ...]  # Record IDs whose row appears twice
    near_duplicates: tuple[tuple[str, str], ...]  # (first e-mail, e-mail of the later record)
    company_spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    webinars: int = 0
    webinar_registrations: int = 0
    webinar_attendees: int = 0  # distinct (webinar, e-mail) that attended
    won_deals: int = 0  # over the whole window
    won_amount: int = 0

    def file(self, format: str, language: str | None = None) -> WrittenFile:
        """The one file of ``format`` (and ``language``); KeyError if none or several."""
        found = [f for f in self.files if f.format == format and language in (None, f.language)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} files of format {format!r} language {language!r}")
        return found[0]

    def files_of(self, format: str) -> tuple[WrittenFile, ...]:
        return tuple(f for f in self.files if f.format == format)

    def path(self, written: WrittenFile) -> Path:
        return self.out_dir / written.path

    def totals(self, fiscal_year: int) -> FiscalYearTotals:
        for totals in self.fiscal_years:
            if totals.fiscal_year == fiscal_year:
                return totals
        raise KeyError(f"FY{fiscal_year} is not in the demo window")

    def bad_rows_in(self, written: WrittenFile) -> tuple[BadRow, ...]:
        return tuple(b for b in self.bad_rows if b.path == written.path)
