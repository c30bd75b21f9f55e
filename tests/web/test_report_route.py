"""The dashboard's review report download (``/report``): the overview links it for the
period shown, the file holds the figures the pages show, bad input is a clear 400."""

from __future__ import annotations

import io
import math
from html.parser import HTMLParser

import httpx

from tests.reports.test_review_pdf import _require_pdf_stack


class _Links(HTMLParser):
    """href of every <a> with an id, from the parsed page."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("id"):
            self.by_id[str(found["id"])] = found.get("href") or ""


def _links(client: httpx.Client, url: str) -> dict[str, str]:
    parser = _Links()
    parser.feed(client.get(url).text)
    return parser.by_id


def _link(client: httpx.Client, url: str, anchor_id: str) -> str:
    links = _links(client, url)
    assert anchor_id in links, sorted(links)
    return links[anchor_id]


def test_overview_links_the_report_of_its_period(client: httpx.Client) -> None:
    from openpyxl import load_workbook

    href = _link(client, "/?period=2026-10&lang=en", "report-xlsx")
    assert href.startswith("/report?") and "period=2026-10" in href and "format=xlsx" in href
    response = client.get(href)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        'attachment; filename="ikkan-review-2026-10-en.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content))["KPI tree"]
    head = [c.value for c in sheet[1]]
    rows = {
        r[0]: dict(zip(head, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    tree = client.get("/api/tree?period=2026-10&lang=en").json()
    for card in tree["nodes"]:  # the same numbers as the dashboard's tree page
        for column, key in (("Actual", "actual"), ("Target", "target")):
            got, want = rows[card["id"]][column], card[key]
            assert (got is None and want is None) or math.isclose(got, want, rel_tol=1e-12), (
                card["id"],
                column,
            )


def test_report_pdf_download(client: httpx.Client) -> None:
    _require_pdf_stack()
    href = _link(client, "/?period=2026-10&lang=ja", "report-pdf")
    response = client.get(href)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="ikkan-review-2026-10-ja.pdf"' in response.headers["content-disposition"]


def test_no_report_link_for_a_fiscal_year_and_clear_errors(client: httpx.Client) -> None:
    assert "report-pdf" not in _links(client, "/?period=FY2026")
    bad_period = client.get("/report?period=FY2026&format=html")
    assert bad_period.status_code == 400 and "a month or a quarter" in bad_period.text
    bad_format = client.get("/report?period=2026-10&format=docx")
    assert bad_format.status_code == 400 and "pdf" in bad_format.text
    html = client.get("/report?period=2026-10&format=html&lang=en")
    assert html.status_code == 200 and "Monthly review Oct 2026" in html.text
    assert "<script>alert" not in html.text  # the hostile label stays text
