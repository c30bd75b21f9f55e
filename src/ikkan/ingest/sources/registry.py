"""The readers ikkan knows, and picking one for a file by sniffing its first rows."""

from __future__ import annotations

from pathlib import Path

from ikkan.errors import Location, SourceError
from ikkan.ingest.base import Reader
from ikkan.ingest.engine.tabular import head_text
from ikkan.ingest.sources.ga4 import Ga4Reader
from ikkan.ingest.sources.generic import GenericReader
from ikkan.ingest.sources.google_ads import GoogleAdsReader
from ikkan.ingest.sources.hubspot import HubspotContactsReader, HubspotDealsReader
from ikkan.ingest.sources.meta_ads import MetaAdsReader
from ikkan.ingest.sources.salesforce import (
    SalesforceLeadsReader,
    SalesforceOpportunitiesReader,
)
from ikkan.ingest.sources.yahoo_ads import YahooAdsReader
from ikkan.ingest.sources.zoom import ZoomWebinarReader

FORMAT_DESCRIPTIONS = {
    "zoom": "Zoom webinar attendee / registration report",
    "ga4": "Google Analytics 4 report download (CSV)",
    "meta_ads": "Meta Ads Manager export",
    "google_ads": "Google Ads report download",
    "yahoo_ads": "Yahoo!広告 report download",
    "hubspot_contacts": "HubSpot contacts export",
    "hubspot_deals": "HubSpot deals export",
    "salesforce_opportunities": "Salesforce opportunity report",
    "salesforce_leads": "Salesforce lead report",
    "generic": "any CSV/XLSX with a column mapping (never auto-detected)",
}


def all_readers() -> list[Reader]:
    """Every reader, most specific sniff first (detection order)."""
    return [
        ZoomWebinarReader(),
        Ga4Reader(),
        MetaAdsReader(),
        GoogleAdsReader(),
        YahooAdsReader(),
        HubspotDealsReader(),
        HubspotContactsReader(),
        SalesforceOpportunitiesReader(),
        SalesforceLeadsReader(),
        GenericReader(),
    ]


def reader_by_name(name: str) -> Reader:
    for reader in all_readers():
        if reader.name == name:
            return reader
    raise SourceError(
        f"unknown reader {name!r}",
        hint="readers are: " + ", ".join(FORMAT_DESCRIPTIONS),
    )


def detect_reader(path: Path) -> Reader:
    """The reader whose format the file's first rows look like; SourceError listing the
    known formats if none does."""
    head = head_text(path)
    for reader in all_readers():
        if reader.sniff(path, head):
            return reader
    first = next((line for line in head.splitlines() if line.strip()), "")
    known = "\n".join(f"  - {name}: {text}" for name, text in FORMAT_DESCRIPTIONS.items())
    raise SourceError(
        f"cannot tell which tool exported this file (first row: {first[:120]!r})",
        location=Location(str(path), 1),
        hint=f"known formats:\n{known}\nname the reader explicitly, or use 'generic' "
        "with a column mapping",
    )
