"""The review's XLSX and its sections hold the figures ``ikkan status`` computes (the same
services), the CLI's options and errors, the escaping of a hostile label, e-mail over a
real SMTP server on loopback."""

from __future__ import annotations

import io
import json
import math
import threading
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.cli.test_cli_plan import ikkan
from tests.reports.conftest import PERIOD, ReportProject
from tests.web.conftest import HOSTILE_EN, HOSTILE_JA

from ikkan.reports.review import render_review, review_data


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def test_xlsx_tree_sheet_equals_status_json(report_project: ReportProject, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root = report_project.root
    as_of = report_project.open().data_as_of().isoformat()
    out = tmp_path / "review.xlsx"
    ikkan(
        "--project",
        str(root),
        "report",
        "--period",
        PERIOD,
        "--format",
        "xlsx",
        "--lang",
        "en",
        "--as-of",
        as_of,
        "-o",
        str(out),
        cwd=tmp_path,
    )
    status = json.loads(
        ikkan(
            "--project",
            str(root),
            "status",
            "--period",
            PERIOD,
            "--json",
            "--as-of",
            as_of,
            cwd=tmp_path,
        ).stdout
    )
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Summary", "KPI tree", "Funnel", "Channels", "Alerts", "Actions", "Next period"
    ]  # fmt: skip
    sheet = wb["KPI tree"]
    head = [c.value for c in sheet[1]]
    rows = {
        r[0]: dict(zip(head, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    by_id = {n["id"]: n for n in status["nodes"]}
    assert set(rows) == set(by_id)
    for node_id, node in by_id.items():
        row = rows[node_id]
        assert _same(row["Actual"], node["actual"]), node_id
        assert _same(row["Target"], node["commit"]), node_id
        assert _same(row["Stretch"], node["stretch"]), node_id
        assert _same(row["Achievement"], node["achievement"]), node_id
        assert row["RAG"] == node["rag"], node_id
        assert _same(row["Previous"], node["previous"]["value"]), node_id
        assert _same(row["Year ago"], node["year_ago"]["value"]), node_id
        assert _same(row["Implied"], node["implied"]), node_id
    # the bottleneck's effect on the Summary sheet is status' contribution of that node
    bottleneck = status["bottleneck"]
    worst = next(c for c in bottleneck["contributions"] if c["node"] == bottleneck["node"])
    summary = list(wb["Summary"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(summary) if r[0] == "Bottleneck")
    assert _same(summary[header_at + 1][3], worst["contribution"])
    # channels: every cell equals ikkan status --by channel
    by = json.loads(
        ikkan(
            "--project",
            str(root),
            "status",
            "--period",
            PERIOD,
            "--by",
            "channel",
            "--json",
            "--as-of",
            as_of,
            cwd=tmp_path,
        ).stdout
    )
    by_rows = {r["value"]: r["nodes"] for r in by["by"]["rows"]}
    channels = list(wb["Channels"].iter_rows(values_only=True))
    _, inputs_review = review_data(report_project.open(), PERIOD, "en")
    columns = [c["id"] for c in inputs_review["channels"]["columns"]]
    labelled = {r["label"]: r["value"] for r in inputs_review["channels"]["rows"]}
    checked = 0
    for row in channels[1:]:
        if row[0] not in labelled:
            continue
        cells = by_rows[labelled[row[0]]]
        for i, node_id in enumerate(columns):
            expected = cells.get(node_id, {}).get("value")
            assert _same(row[1 + i], expected), (row[0], node_id)
            checked += 1
    assert checked >= 20


def test_sections_use_status_figures(report_project: ReportProject) -> None:
    ws = report_project.open()
    inputs, review = review_data(ws, PERIOD, "ja")
    status = ws.status(period=PERIOD)
    kgi = review["summary"]["kgi"]
    assert kgi["actual"] == status.nodes[kgi["id"]].actual
    assert review["summary"]["bottleneck"]["effect"] == status.bottleneck.bottleneck.contribution  # type: ignore[union-attr]
    year = ws.status(period="FY2026").nodes[kgi["id"]]
    assert review["summary"]["year"]["projected"] == year.pacing.projected  # type: ignore[union-attr]
    funnel = {f["stage"]: f for f in review["funnel"]}
    assert funnel["mql"]["count"] == status.nodes["mql"].actual
    assert funnel["mql"]["previous"] == ws.status(period="2026-09").nodes["mql"].actual
    # spend vs budget: the spend node's actual and the plan's month
    spend = review["spend"]
    assert spend["actual"] == status.nodes[spend["node"]].actual
    assert spend["target"] == inputs.plan.for_period("commit", PERIOD).values[spend["node"]].value
    # alerts fired in October only, with what the history recorded
    assert review["alerts"], "the fixture ran alerts in October"
    assert {a["rule"] for a in review["alerts"]} >= {"opportunities_target"}
    assert all(a["at_text"].startswith("2026/10/") for a in review["alerts"])
    # next period: November's commit targets from the plan
    nxt = review["next"]
    assert nxt["period"] == "2026-11"
    plan = inputs.plan.for_period("commit", "2026-11").values
    for row in nxt["rows"]:
        assert row["commit"] == plan[row["node"]].value
    # decisions are drafted, at most three, the bottleneck first
    decisions = review["summary"]["decisions"]
    worst = ws.tree.nodes[status.bottleneck.bottleneck.node]  # type: ignore[union-attr]
    assert 1 <= len(decisions) <= 3 and decisions[0].startswith(worst.name("ja"))
    # the fixture's two leads actions overlap October (test_review_actions.py checks them)
    assert review["actions"] is not None
    assert {r["node_id"] for r in review["actions"]["rows"]} == {"leads"}


def test_html_escapes_a_hostile_label(report_project: ReportProject) -> None:
    ws = report_project.open()
    html = render_review(ws, PERIOD, "html", "ja").decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "前回レビュー以降の施策と効果" in html  # the fixture logged actions
    english = render_review(ws, PERIOD, "html", "en").decode()
    assert "<img src=x" not in english and "Monthly review Oct 2026" in english


def test_xlsx_guards_formula_injection(report_project: ReportProject) -> None:
    from openpyxl import load_workbook

    data = render_review(report_project.open(), PERIOD, "xlsx", "en")
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert HOSTILE_EN in texts  # kept verbatim (it does not start a formula) …
    assert not any(c.data_type == "f" for c in cells)  # … and no cell is a formula
    assert not any(t.startswith(("=", "+", "@")) for t in texts)
    assert HOSTILE_JA not in texts  # the English workbook uses the English label


@pytest.mark.parametrize(
    ("period", "message"),
    [("FY2026", "a review covers a month or a quarter"), ("2027-02", "has not started")],
)
def test_bad_periods_are_clear_errors(
    report_project: ReportProject, tmp_path: Path, period: str, message: str
) -> None:
    result = ikkan(
        "--project",
        str(report_project.root),
        "report",
        "--period",
        period,
        "--format",
        "html",
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert message in result.stderr + result.stdout


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        self.received.set()
        return "250 OK"


def test_email_sends_the_report_over_smtp(report_project: ReportProject, tmp_path: Path) -> None:
    inbox = _Inbox()
    from tests.web.conftest import free_port

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        import os
        import subprocess
        import sys

        env = {
            **os.environ,
            "IKKAN_SMTP_HOST": "127.0.0.1",
            "IKKAN_SMTP_PORT": str(port),
            "IKKAN_SMTP_FROM": "ikkan@example.jp",
            "IKKAN_SMTP_STARTTLS": "0",
        }
        out = tmp_path / "r.xlsx"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ikkan",
                "--project",
                str(report_project.root),
                "report",
                "--period",
                PERIOD,
                "--format",
                "xlsx",
                "-o",
                str(out),
                "--email",
                "cmo@example.jp",
                "--smtp-from-env",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert inbox.received.wait(10)
    finally:
        controller.stop()
    mail = message_from_bytes(inbox.messages[0], policy=default_policy)
    assert mail["To"] == "cmo@example.jp"
    assert str(mail["Subject"]) == "株式会社サンプル 月次レビュー 2026年10月"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "ボトルネック: " in body and "決めていただきたいこと:" in body
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["ikkan-review-2026-10-ja.xlsx"]
    assert attachments[0].get_content() == out.read_bytes()


def test_email_without_smtp_settings_is_a_clear_error(
    report_project: ReportProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikkan.errors import UserError
    from ikkan.reports.review.mail import smtp_from_env

    with pytest.raises(UserError, match="IKKAN_SMTP_HOST, IKKAN_SMTP_FROM"):
        smtp_from_env({})
    with pytest.raises(UserError, match="not a port number"):
        smtp_from_env({"IKKAN_SMTP_HOST": "h", "IKKAN_SMTP_FROM": "f", "IKKAN_SMTP_PORT": "x"})
    result = ikkan(
        "--project",
        str(report_project.root),
        "report",
        "--format",
        "html",
        "--email",
        "a@example.jp",
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1 and "--smtp-from-env" in result.stderr + result.stdout
