"""The data-quality report's shapes: settings, findings and the report (JSON-ready)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from ikkan.clock import Clock, SystemClock
from ikkan.model.normalize import EmailPolicy

Severity = str  # "error" | "warning" | "info"


@dataclass(frozen=True)
class QualitySettings:
    stages: tuple[str, ...] = ("visit", "lead", "mql", "sql", "opportunity", "won")
    clock: Clock = field(default_factory=SystemClock)
    timezone: str = "Asia/Tokyo"
    outlier_k: float = 5.0  # how many robust standard deviations make an outlier
    max_examples: int = 5
    email_policy: EmailPolicy = field(default_factory=EmailPolicy)


@dataclass(frozen=True)
class Finding:
    """One distinct problem (a source/column, a raw value, a file/reason …), never capped.

    ``count`` is how many rows (or groups) it affects; ``examples`` holds at most
    ``max_examples`` of its ``examples_total`` instances; ``subject`` says what it is about.
    """

    check: str
    severity: Severity
    count: int
    message: str
    hint: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    subject: dict[str, Any] = field(default_factory=dict)
    examples_total: int = 0


def make_finding(
    check: str,
    severity: Severity,
    count: int,
    message: str,
    hint: str,
    settings: QualitySettings,
    *,
    examples: list[dict[str, Any]] | None = None,
    subject: dict[str, Any] | None = None,
) -> Finding:
    """A finding with its examples capped at ``settings.max_examples`` (the total kept)."""
    every = examples or []
    return Finding(
        check,
        severity,
        count,
        message,
        hint,
        [jsonable(e) for e in every[: settings.max_examples]],
        jsonable(subject or {}),
        len(every),
    )


@dataclass
class QualityReport:
    generated_at: str
    checks_run: list[str]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def finding(self, check: str) -> Finding | None:
        """The first finding of a check (see ``findings_for`` for all of them)."""
        return next((f for f in self.findings if f.check == check), None)

    def findings_for(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    def summary(self) -> dict[str, Any]:
        """True counts for headers: findings by severity and by check."""
        by_severity: dict[str, int] = {}
        by_check: dict[str, int] = {}
        for f in self.findings:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
            by_check[f.check] = by_check.get(f.check, 0) + 1
        return {"findings": len(self.findings), "by_severity": by_severity, "by_check": by_check}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "summary": self.summary()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=_json_value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Example rows with dates as ISO text, so reports serialise without help."""
    return {k: _json_value(v) if isinstance(v, datetime | date) else v for k, v in row.items()}
