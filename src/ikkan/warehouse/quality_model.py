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
    check: str
    severity: Severity
    count: int
    message: str
    hint: str
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class QualityReport:
    generated_at: str
    checks_run: list[str]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def finding(self, check: str) -> Finding | None:
        return next((f for f in self.findings if f.check == check), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=_json_value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Example rows with dates as ISO text, so reports serialise without help."""
    return {k: _json_value(v) if isinstance(v, datetime | date) else v for k, v in row.items()}
