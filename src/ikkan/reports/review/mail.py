"""E-mail a review report over SMTP: a short text body (the summary's conclusion) and the
report attached. Settings come from the environment (``smtp_from_env``), never from a
file in git."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from ikkan.errors import UserError
from ikkan.reports.review import MEDIA_TYPES

if TYPE_CHECKING:
    from ikkan.workspace import Workspace

ENV_PREFIX = "IKKAN_SMTP_"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


def smtp_from_env(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """IKKAN_SMTP_HOST, IKKAN_SMTP_FROM (required), IKKAN_SMTP_PORT (587),
    IKKAN_SMTP_STARTTLS (1 / 0), IKKAN_SMTP_USERNAME, IKKAN_SMTP_PASSWORD."""
    values = os.environ if env is None else env
    missing = [k for k in ("HOST", "FROM") if not values.get(ENV_PREFIX + k)]
    if missing:
        raise UserError(
            "SMTP settings missing: " + ", ".join(ENV_PREFIX + k for k in missing),
            hint="export IKKAN_SMTP_HOST=smtp.example.jp IKKAN_SMTP_FROM=ikkan@example.jp "
            "(and IKKAN_SMTP_PORT, IKKAN_SMTP_USERNAME, IKKAN_SMTP_PASSWORD as needed)",
        )
    port_text = values.get(ENV_PREFIX + "PORT", "587")
    if not port_text.isdigit():
        raise UserError(f"IKKAN_SMTP_PORT is not a port number: '{port_text}'", hint="e.g. 587")
    return SmtpSettings(
        host=values[ENV_PREFIX + "HOST"],
        port=int(port_text),
        sender=values[ENV_PREFIX + "FROM"],
        starttls=values.get(ENV_PREFIX + "STARTTLS", "1").lower() not in ("0", "false", "no"),
        username=values.get(ENV_PREFIX + "USERNAME") or None,
        password=values.get(ENV_PREFIX + "PASSWORD") or None,
    )


def summary_text(review: dict[str, Any]) -> str:
    """The conclusion in a few lines: KGI, landing, bottleneck, decisions."""
    from ikkan.reports.review.text import REVIEW_TEXT

    t = REVIEW_TEXT[review["lang"]]
    h, s = review["header"], review["summary"]
    lines = [f"{h['company']} {h['title']} {h['period_label']}", ""]
    k = s["kgi"]
    if k:
        lines.append(
            f"{t['kgi']} {k['label']}: {t['actual']} {k['actual_text']} / {t['target']} "
            f"{k['target_text']} ({t['achievement']} {k['achievement_text']})"
        )
    y = s["year"]
    if y and y["projected_text"]:
        lines.append(f"{t['projected']} ({y['label']}): {y['projected_text']} / {y['target_text']}")
    b = s["bottleneck"]
    if b:
        lines.append(f"{t['bottleneck']}: {b['label']} {t['effect']} {b['effect_text']}")
    if s["decisions"]:
        lines += ["", t["decisions"] + ":"] + [f"{i}. {d}" for i, d in enumerate(s["decisions"], 1)]
    return "\n".join(lines) + "\n"


def review_message(
    review: dict[str, Any], data: bytes, fmt: str, filename: str, sender: str, to: list[str]
) -> EmailMessage:
    h = review["header"]
    mail = EmailMessage()
    mail["Subject"] = f"{h['company']} {h['title']} {h['period_label']}"
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail.set_content(summary_text(review))
    maintype, subtype = MEDIA_TYPES[fmt].split(";")[0].split("/")
    params = {"charset": "utf-8"} if maintype == "text" else {}  # HTML reads right in mailers
    mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)
    return mail


def last_closed_period(ws: Workspace, day: date, *, quarterly: bool = False) -> str:
    """The key of the month (or fiscal quarter) before the one containing ``day``."""
    from ikkan.model.periods import Grain, period_containing, shift

    fy_start = ws.spec.company.fiscal_year_start
    grain = Grain.QUARTER if quarterly else Grain.MONTH
    return shift(period_containing(day, grain, fy_start), -1, fy_start).key


def send_review(
    settings: SmtpSettings, review: dict[str, Any], data: bytes, fmt: str, to: list[str]
) -> str:
    """Mail a rendered review (``ikkan report --email`` and scheduled reports); returns the
    attachment's file name."""
    from ikkan.reports.review import file_name

    name = file_name(review["header"]["period"], fmt, review["lang"])
    send(settings, review_message(review, data, fmt, name, settings.sender, to))
    return name


def send(settings: SmtpSettings, mail: EmailMessage) -> None:
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username and settings.password:
                smtp.login(settings.username, settings.password)
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise UserError(
            f"the report could not be sent via SMTP {settings.host}:{settings.port}: {exc}",
            hint="check IKKAN_SMTP_HOST / IKKAN_SMTP_PORT and that the server accepts mail",
        ) from None
