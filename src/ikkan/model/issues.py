"""Validation and lint issues: every problem at once, each with where and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ikkan.errors import Location


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str  # stable id, e.g. "unknown-name", "smart-specific"
    message: str
    location: Location | None = None
    hint: str | None = None
    node: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "file": self.location.path if self.location else None,
            "line": self.location.line if self.location else None,
            "column": self.location.column if self.location else None,
            "hint": self.hint,
            "node": self.node,
        }


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]


def error(
    code: str,
    message: str,
    location: Location | None = None,
    hint: str | None = None,
    node: str | None = None,
) -> Issue:
    return Issue(Severity.ERROR, code, message, location, hint, node)


def warning(
    code: str,
    message: str,
    location: Location | None = None,
    hint: str | None = None,
    node: str | None = None,
) -> Issue:
    return Issue(Severity.WARNING, code, message, location, hint, node)
