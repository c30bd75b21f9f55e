"""Scheduled review reports: ``ikkan run`` (the alias of ``ikkan schedule run --once``) on
the first run after a month closes mails the report once, over real SMTP on loopback; later
runs in the month send nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from tests.reports.conftest import ReportProject
from tests.reports.test_review_data import _Inbox

from ikkan.workspace import Workspace

SCHEDULE = """
schedule:
  cron: "0 7 * * *"
  steps: [refresh]
  reports:
    - {every: monthly, format: html, lang: en, to: [cmo@example.jp]}
    - {every: quarterly, format: html, to: [cfo@example.jp]}
"""


def _ikkan(root: Path, port: int, *args: str) -> dict[str, object]:
    env = {
        **os.environ,
        "COLUMNS": "160",
        "NO_COLOR": "1",
        "IKKAN_SMTP_HOST": "127.0.0.1",
        "IKKAN_SMTP_PORT": str(port),
        "IKKAN_SMTP_FROM": "ikkan@example.jp",
        "IKKAN_SMTP_STARTTLS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "ikkan", "--project", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    out: dict[str, object] = json.loads(result.stdout)
    return out


def test_a_closed_month_is_mailed_once(report_project: ReportProject, tmp_path: Path) -> None:
    from tests.web.conftest import free_port

    root = tmp_path / "project"
    shutil.copytree(report_project.root, root)
    spec = root / "ikkan.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + SCHEDULE, encoding="utf-8")
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # the first run after October closed: the October report, not the quarter (Q2
        # closed in September, two months ago)
        first = _ikkan(root, port, "run", "--json", "--now", "2026-11-02T07:05")
        assert first["ran"] and first["status"] == "ok", first
        steps = first["steps"]
        assert isinstance(steps, list)
        assert [s["step"] for s in steps] == ["refresh", "reports"]
        assert "ikkan-review-2026-10-en.html" in steps[1]["message"]
        assert len(inbox.messages) == 1
        # the same slot again through the long name: done already
        again = _ikkan(
            root, port, "schedule", "run", "--once", "--json", "--now", "2026-11-02T08:00"
        )
        assert not again["ran"] and "done already" in str(again["reason"])
        # the next day's run: October is recorded as sent, nothing goes out
        second = _ikkan(root, port, "run", "--json", "--now", "2026-11-03T07:05")
        assert second["ran"] and second["status"] == "ok", second
        assert isinstance(second["steps"], list)
        assert second["steps"][-1] == {"step": "reports", "status": "ok", "message": "nothing due"}
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    mail = message_from_bytes(inbox.messages[0], policy=default_policy)
    assert mail["To"] == "cmo@example.jp"
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["ikkan-review-2026-10-en.html"]
    assert "Monthly review Oct 2026" in attachments[0].get_content()  # utf-8 decoded
    sent = (
        Workspace.open(root)
        .warehouse()
        .query("SELECT step, status FROM schedule_runs WHERE step LIKE 'report:%'")
        .to_pylist()
    )
    assert sent == [{"step": "report:2026-10:html:en:cmo@example.jp", "status": "ok"}]


def test_report_schedule_errors_name_the_yaml_line(tmp_path: Path) -> None:
    from tests.web.conftest import write_demo

    write_demo(tmp_path)
    spec = tmp_path / "ikkan.yml"
    text = spec.read_text(encoding="utf-8")
    line = text.count("\n") + 4
    spec.write_text(
        text + "\nschedule:\n  reports:\n    - {every: weekly, to: [cmo]}\n", encoding="utf-8"
    )
    issues = [str(i) for i in Workspace.open(tmp_path).issues]
    assert any(
        f"ikkan.yml:{line}:" in i and "schedule.reports.0.every" in i and "'monthly'" in i
        for i in issues
    ), issues
    assert any(f"ikkan.yml:{line}:" in i and "not an e-mail address: cmo" in i for i in issues), (
        issues
    )
