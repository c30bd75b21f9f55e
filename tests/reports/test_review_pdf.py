"""The demo's review rendered to PDF for real (WeasyPrint, Pango, the CJK font), every page
turned into a PNG (pdftoppm; kept under test-artifacts/report/), the Japanese labels read
back as text (pdftotext) and the fonts checked (pdffonts: a CJK font embedded, no Type 3).
Under CI=true a missing piece fails the test instead of skipping it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import in_ci
from tests.reports.conftest import ACTION_TITLE, ARTIFACTS, PERIOD, ReportProject

from ikkan.web.i18n import Formatter

POPPLER = ("pdftoppm", "pdftotext", "pdffonts")


def _require_pdf_stack() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    try:
        import weasyprint  # noqa: F401 - loads Pango through cffi
    except OSError as exc:
        missing.append(f"weasyprint's system libraries ({exc})")
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True)
    if "Noto Sans CJK JP" not in fonts.stdout:
        missing.append("the font Noto Sans CJK JP (fonts-noto-cjk)")
    if missing:
        message = "PDF report test needs: " + ", ".join(missing) + " (scripts/bootstrap.sh --test)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def pdf(report_project: ReportProject) -> Path:
    _require_pdf_stack()
    from ikkan.reports.review import render_review

    ws = report_project.open()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"review-{PERIOD}-ja.pdf"
    target.write_bytes(render_review(ws, PERIOD, "pdf", "ja"))
    return target


def _grey_ink(pgm: bytes) -> float:
    """Share of non-white pixels in a binary PGM (P5) image."""
    parts = pgm.split(maxsplit=4)
    assert parts[0] == b"P5", parts[0]
    pixels = parts[4]
    return sum(1 for p in pixels if p < 240) / max(len(pixels), 1)


def test_every_page_renders_to_an_image(pdf: Path) -> None:
    for old in ARTIFACTS.glob("review-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "review-page")], check=True
    )
    pages = sorted(ARTIFACTS.glob("review-page-*.png"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages:")))
    assert len(pages) == count >= 5
    for page in pages:
        assert page.read_bytes().startswith(b"\x89PNG")
    # the first page (the summary) carries ink, it is not a blank page
    grey = subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    assert _grey_ink(grey) > 0.01


def test_japanese_labels_are_text_with_the_status_figures(
    pdf: Path, report_project: ReportProject
) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    first = subprocess.run(
        ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for label in (
        "月次レビュー",
        "2026年10月",
        "サマリー",
        "ボトルネック",
        "決めていただきたいこと",
        "うまくいったこと",
        "年度の進捗",
        "期末見込み",
    ):
        assert label in first, label
    for label in (
        "KPIツリー",
        "ファネル",
        "チャネル",
        "費用と予算",
        "期間中のアラート",
        "次期の目標と担当",
        "商談化率",
        "許容CPA（MQL単価）",
        "前回レビュー以降の施策と効果",  # the PDCA section (the fixture logs an action)
        ACTION_TITLE,
    ):
        assert label in text, label
    assert "\ufffd" not in text  # no replacement characters
    # page 1 shows the bottleneck's effect in yen exactly as ikkan status computes it
    ws = report_project.open()
    status = ws.status(period=PERIOD)
    assert status.bottleneck is not None and status.bottleneck.bottleneck is not None
    worst = status.bottleneck.bottleneck
    kgi_unit = ws.tree.nodes[status.bottleneck.root].unit  # type: ignore[union-attr]
    effect = Formatter("ja").change(worst.contribution, kgi_unit)
    assert effect.startswith("-¥") or effect.startswith("-￥")
    assert effect in first
    # the fiscal year's projected landing, as ikkan status --period FY2026
    year = ws.status(period="FY2026").nodes[status.bottleneck.root]
    assert year.pacing is not None
    assert Formatter("ja").value(year.pacing.projected, kgi_unit) in first
    # the hostile label is printed as text, not run or dropped
    assert "<script>alert('ja')</script>平均&受注単価" in text.replace("\n", "")


def test_fonts_are_embedded_cjk_and_never_type3(pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "no fonts in the PDF"
    assert any("CJK" in line and "JP" in line for line in listing), listing
    for line in listing:
        columns = line.split()
        assert "Type 3" not in line, line
        emb = columns[-5]  # emb sub uni object ID
        assert emb == "yes", line


def test_the_summary_is_a4_and_the_tree_pages_a3_landscape(pdf: Path) -> None:
    """pdfinfo's page sizes: A4 portrait (595 × 842 pt) for the report, A3 landscape
    (1191 × 842 pt) for the pages holding the tree (their text says so: the KGI's label)."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [
        (round(float(m[0])), round(float(m[1])))
        for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    ]
    assert sizes[0] == (595, 842)  # the summary page
    a3 = [i for i, size in enumerate(sizes, start=1) if size == (1191, 842)]
    assert a3, sizes
    assert set(sizes) == {(595, 842), (1191, 842)}
    first_tree = subprocess.run(
        ["pdftotext", "-f", str(a3[0]), "-l", str(a3[0]), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "KPIツリー" in first_tree or "KPI tree" in first_tree
