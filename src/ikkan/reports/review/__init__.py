"""The monthly (or quarterly) review report: ``ikkan report --period 2026-10``.

``gather`` reads the figures through the façade (the dashboard's and ``ikkan status``'s
services), ``build_review`` arranges them (pure), and ``render`` turns them into HTML,
PDF or XLSX. See docs/report.md.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ikkan.workspace import Workspace

FORMATS = ("pdf", "xlsx", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def review_data(
    ws: Workspace,
    period: str,
    lang: str,
    *,
    as_of: date | None = None,
    alerts_ws: Workspace | None = None,
) -> tuple[Any, dict[str, Any]]:
    """(the inputs, the review as plain data)."""
    from ikkan.reports.review.inputs import gather
    from ikkan.reports.review.sections import build_review

    inputs = gather(ws, period, as_of=as_of, alerts_ws=alerts_ws)
    return inputs, build_review(inputs, lang)


def render_review(
    ws: Workspace, period: str, fmt: str = "pdf", lang: str = "ja", *, as_of: date | None = None
) -> bytes:
    """The report file's bytes in ``fmt`` (pdf, xlsx or html)."""
    return render_with_data(ws, period, fmt, lang, as_of=as_of)[1]


def render_with_data(
    ws: Workspace,
    period: str,
    fmt: str = "pdf",
    lang: str = "ja",
    *,
    as_of: date | None = None,
    alerts_ws: Workspace | None = None,
) -> tuple[dict[str, Any], bytes]:
    """(the review as data, the file's bytes); ``alerts_ws`` as in ``inputs.gather``."""
    from ikkan.errors import UserError, valid_values

    if fmt not in FORMATS:
        raise UserError(f"unknown report format '{fmt}'", hint=valid_values(FORMATS))
    if lang not in ("ja", "en"):
        raise UserError(f"unknown language '{lang}'", hint=valid_values(("ja", "en")))
    inputs, review = review_data(ws, period, lang, as_of=as_of, alerts_ws=alerts_ws)
    if fmt == "xlsx":
        from ikkan.reports.review.xlsx import review_xlsx

        return review, review_xlsx(inputs, review)
    from ikkan.reports.review.render import render_html, render_pdf

    html = render_html(review, inputs.tree)
    return review, html.encode("utf-8") if fmt == "html" else render_pdf(html)


def file_name(period: str, fmt: str, lang: str) -> str:
    return f"ikkan-review-{period}-{lang}.{fmt}"
