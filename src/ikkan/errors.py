"""The exception hierarchy.

`UserError` and its subclasses carry what went wrong, where (file:line[:column]) and how to
fix it. The CLI and the web app turn them into one clear message; anything else is an
internal error and gets a traceback only under ``--debug``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches


@dataclass(frozen=True)
class Location:
    """A place in a file: ``path:line:column`` (line and column are 1-based)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class KpiError(Exception):
    """Base of every error ikkan raises on purpose."""


class UserError(KpiError):
    """A mistake the user can fix: bad input, a wrong setting, a missing file."""

    def __init__(
        self, message: str, *, location: Location | None = None, hint: str | None = None
    ) -> None:
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class SpecError(UserError):
    """The project's YAML cannot be read at all (syntax, missing file)."""


class SourceError(UserError):
    """A source file cannot be read (encoding, header, format)."""


class ProjectInvalid(UserError):
    """The project has validation errors; ``issues`` lists every one of them."""

    def __init__(self, issues: Sequence[object]) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        lines = "\n".join(str(issue) for issue in self.issues)
        super().__init__(f"the project has {count} problem(s):\n{lines}")


class ConfigError(UserError):
    """A setting or an environment variable is wrong or missing."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidates to ``word``, or None."""
    matches = get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def valid_values(candidates: Iterable[str]) -> str:
    """'valid values are: a, b, c' for a hint."""
    return "valid values are: " + ", ".join(sorted(candidates))
