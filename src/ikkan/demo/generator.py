"""Write a full set of demo exports for a fictional Japanese B2B SaaS company.

    from ikkan.demo import generate_exports
    manifest = generate_exports(Path("demo/exports"))

Same arguments → the same bytes. See ``ikkan.demo.manifest`` for what the result promises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ikkan.demo.manifest import DemoManifest, FiscalYearTotals
from ikkan.demo.output import FileSet
from ikkan.demo.records import ENTERPRISE, MAIN, World
from ikkan.demo.world import build_world
from ikkan.demo.write_ads import refund_amount, write_ga4, write_google_ads, write_meta, write_yahoo
from ikkan.demo.write_calls import CALLS_FOLDER, write_calls
from ikkan.demo.write_events import write_manual_values, write_webinars
from ikkan.demo.write_hubspot import write_contacts, write_deals
from ikkan.demo.write_salesforce import write_opportunities
from ikkan.model.periods import fiscal_year_of

Progress = Callable[[str], None]


def default_end(start_fy: int, fiscal_years: int) -> date:
    """Mid-November of the last fiscal year: H1 complete, part of the current month in."""
    return date(start_fy + fiscal_years - 1, 11, 15)


def generate_exports(
    out_dir: Path,
    *,
    leads: int = 6000,
    seed: int = 42,
    start_fy: int = 2025,
    fiscal_years: int = 2,
    company: str = "株式会社サンプル",
    end: date | None = None,
    progress: Progress | None = None,
) -> DemoManifest:
    """Write the demo export files under ``out_dir`` and describe them, and the
    inside-sales call log in ``calls/`` beside ``out_dir`` (the project layout: the
    template's ``calls`` source; the exports folder is sniffed file by file).

    The window runs from April 1 of ``start_fy`` to ``end`` (default: Nov 15 of the last
    fiscal year), which must lie within the ``fiscal_years`` fiscal years."""
    start = date(start_fy, 4, 1)
    last_day = date(start_fy + fiscal_years, 3, 31)
    end = end or default_end(start_fy, fiscal_years)
    if fiscal_years < 1 or not start < end <= last_day:
        raise ValueError(f"end {end} must be after {start} and not after {last_day}")
    if leads < 100:
        raise ValueError("leads must be at least 100")

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("simulating leads, deals, webinars, ads and traffic")
    world = build_world(seed, leads, start, end, company)
    files = FileSet(Path(out_dir))
    export_time = datetime.combine(end + timedelta(days=1), time(9, 0))
    step("HubSpot contacts and deals")
    write_contacts(world, files, unit=MAIN)
    write_contacts(world, files, unit=ENTERPRISE)
    write_deals(world, files)
    step("Salesforce opportunity report")
    write_opportunities(world, files, export_time)
    step("GA4 and ad platform reports")
    write_ga4(world, files)
    write_google_ads(world, files)
    write_meta(world, files)
    write_yahoo(world, files)
    step("Zoom webinar reports and manual values")
    write_webinars(world, files, export_time, seed)
    write_manual_values(world, files)
    step("inside-sales call log")
    write_calls(world, Path(out_dir).parent / CALLS_FOLDER, seed)
    return _manifest(world, files, seed, range(start_fy, start_fy + fiscal_years))


def _fiscal_totals(world: World, fiscal_year: int) -> FiscalYearTotals:
    def in_fy(moment: datetime | date | None) -> bool:
        if moment is None:
            return False
        day = moment.date() if isinstance(moment, datetime) else moment
        return fiscal_year_of(day) == fiscal_year

    people = [lead for lead in world.leads if lead.duplicate_of is None]
    won = [d for d in world.deals if d.is_won and in_fy(d.closed)]
    new_won = [d for d in won if d.kind == "new"]
    by_source: dict[str, tuple[int, int]] = {}
    for source, unit in (("hubspot", MAIN), ("salesforce", ENTERPRISE)):
        mine = [d for d in won if d.unit == unit]
        by_source[source] = (len(mine), sum(d.amount for d in mine))
    spend: dict[str, int] = defaultdict(int)
    for ad in world.ad_days:
        if in_fy(ad.day):
            spend[ad.platform] += ad.cost
    refund_day, refund = refund_amount(world)
    if in_fy(refund_day):
        spend["yahoo"] += refund
    traffic = [t for t in world.traffic if in_fy(t.day)]
    return FiscalYearTotals(
        fiscal_year=fiscal_year,
        leads=sum(in_fy(p.created) for p in people),
        mqls=sum(in_fy(p.mql) for p in people),
        sqls=sum(in_fy(p.sql) for p in people),
        opportunities=sum(in_fy(p.opportunity) for p in people),
        customers=sum(in_fy(p.customer) for p in people),
        won_deals=len(won),
        won_amount=sum(d.amount for d in won),
        new_won_deals=len(new_won),
        new_won_amount=sum(d.amount for d in new_won),
        won_by_source=by_source,
        spend=sum(spend.values()),
        spend_by_platform=dict(sorted(spend.items())),
        ad_conversions=sum(a.conversions for a in world.ad_days if in_fy(a.day)),
        sessions=sum(t.sessions for t in traffic),
        key_events=sum(t.key_events for t in traffic),
    )


def _manifest(world: World, files: FileSet, seed: int, years: range) -> DemoManifest:
    people = [lead for lead in world.leads if lead.duplicate_of is None]
    by_id = {lead.record_id: lead for lead in world.leads}
    spellings: dict[str, set[str]] = defaultdict(set)
    for lead in world.leads:
        spellings[lead.company.canonical].add(lead.company_spelling)
    for deal in world.deals:
        spellings[deal.company.canonical].add(deal.company_spelling)
    won = [d for d in world.deals if d.is_won]
    return DemoManifest(
        out_dir=files.out_dir,
        company=world.company,
        seed=seed,
        period_start=world.start,
        period_end=world.end,
        files=tuple(files.files),
        bad_rows=tuple(files.bad_rows),
        quirks=tuple(files.quirks),
        fiscal_years=tuple(_fiscal_totals(world, fy) for fy in years),
        unique_leads=len({lead.email.lower() for lead in people}),
        contact_records=len(world.leads),
        exact_duplicate_ids=tuple(str(i) for i in world.exact_duplicate_ids),
        near_duplicates=tuple(
            (by_id[lead.duplicate_of].email, lead.email)
            for lead in world.leads
            if lead.duplicate_of is not None
        ),
        company_spellings={k: tuple(sorted(v)) for k, v in sorted(spellings.items())},
        webinars=len(world.webinars),
        webinar_registrations=sum(len(w.registrations) for w in world.webinars),
        webinar_attendees=sum(sum(r.attended for r in w.registrations) for w in world.webinars),
        won_deals=len(won),
        won_amount=sum(d.amount for d in won),
    )
