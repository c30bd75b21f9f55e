"""Demo data: realistic export files of a fictional Japanese B2B SaaS company.

``generate_exports(out_dir)`` writes HubSpot, Salesforce, GA4, Google Ads, Meta, Yahoo!広告,
Zoom and manual-value files in their real shapes and returns a ``DemoManifest`` that says
what a correct load of them must find.
"""

from ikkan.demo.generator import generate_exports
from ikkan.demo.manifest import BadRow, DemoManifest, FiscalYearTotals, Quirk, WrittenFile

__all__ = ["BadRow", "DemoManifest", "FiscalYearTotals", "Quirk", "WrittenFile", "generate_exports"]
