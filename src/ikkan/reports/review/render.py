"""The review as HTML (Jinja2, autoescaped) and as PDF (WeasyPrint, from that HTML).

Charts and the tree are SVG drawn by our own escaping renderers and put inline; every
other value goes through Jinja2's autoescape. WeasyPrint uses only the fonts the CSS names
(it does not fall back to a CJK font by itself), so the stack names Noto Sans CJK JP
(Debian ``fonts-noto-cjk``, installed by scripts/bootstrap.sh) first.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from markupsafe import Markup

from ikkan.reports.review.cards import slice_cuts, svg_slices, tree_svg
from ikkan.reports.review.svg_chart import render_chart_svg
from ikkan.reports.review.text import REVIEW_TEXT
from ikkan.web.i18n import Formatter

# a landscape A3 page's content box (mm), for cutting the tree into page-high slices: on
# A4 a tree of five or six levels came out at about 5 pt; A3 (the Japanese office's A3一枚
# sheet, or fitted to A4 by the printer) gives 1.4× that
TREE_PAGE_W_MM = 400.0
TREE_PAGE_H_MM = 257.0


def _template_text(name: str) -> str:
    return (files("ikkan.reports.review") / "templates" / name).read_text(encoding="utf-8")


def render_html(review: dict[str, Any], tree: Any) -> str:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_template_text("review.html"))
    lang = review["lang"]
    cards = review["tree"]["cards"]
    svg = tree_svg(tree, cards, Formatter(lang), review["tree"]["title"])
    width = _svg_width(svg)
    page_h = width * TREE_PAGE_H_MM / TREE_PAGE_W_MM
    slices = svg_slices(svg, slice_cuts(tree, cards, page_h))
    charts = {k: Markup(render_chart_svg(v)) for k, v in review["figures"].items()}  # noqa: S704 - escaped by svg_chart
    return template.render(
        r=review,
        t=REVIEW_TEXT[lang],
        css=Markup(_template_text("review.css")),  # noqa: S704 - our own stylesheet
        tree_slices=[Markup(s) for s in slices],  # noqa: S704 - escaped by web.tree_svg
        charts=charts,
    )


def _svg_width(svg: str) -> float:
    import re

    found = re.search(r'width="(\d+)"', svg)
    return float(found.group(1)) if found else 1000.0


def render_pdf(html: str) -> bytes:
    """The PDF of the report's HTML (WeasyPrint; needs Pango and a CJK font)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except OSError as exc:  # the Pango / GObject libraries are missing
        from ikkan.errors import UserError

        raise UserError(
            f"WeasyPrint cannot load its system libraries: {exc}",
            hint="run scripts/bootstrap.sh (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 fonts-noto-cjk)",
        ) from None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
