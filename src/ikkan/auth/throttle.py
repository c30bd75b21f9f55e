"""Sign-in throttling: after ``max_failures`` wrong passwords for one username from one
address within ``window``, that pair waits ``lockout`` before it may try again. A success
clears the pair. Pure (takes the time); kept in the server's memory."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_TRACKED = 10_000  # pairs kept; the oldest are forgotten first


@dataclass
class SignInThrottle:
    max_failures: int = MAX_FAILURES
    window: timedelta = WINDOW
    lockout: timedelta = LOCKOUT
    _failures: dict[tuple[str, str], deque[datetime]] = field(default_factory=dict)
    _locked_until: dict[tuple[str, str], datetime] = field(default_factory=dict)

    @staticmethod
    def key(username: str, ip: str) -> tuple[str, str]:
        return (username.strip().lower(), ip)

    def wait(self, username: str, ip: str, now: datetime) -> timedelta | None:
        """How long this pair must still wait, or ``None`` when it may try."""
        until = self._locked_until.get(self.key(username, ip))
        if until is None or until <= now:
            return None
        return until - now

    def failed(self, username: str, ip: str, now: datetime) -> None:
        key = self.key(username, ip)
        times = self._failures.setdefault(key, deque())
        times.append(now)
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.max_failures:
            self._locked_until[key] = now + self.lockout
            times.clear()
        if len(self._failures) > MAX_TRACKED:
            oldest = next(iter(self._failures))
            self._failures.pop(oldest)
            self._locked_until.pop(oldest, None)

    def succeeded(self, username: str, ip: str) -> None:
        key = self.key(username, ip)
        self._failures.pop(key, None)
        self._locked_until.pop(key, None)
