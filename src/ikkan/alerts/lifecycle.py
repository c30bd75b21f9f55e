"""The life of one alert instance (a rule, maybe one dimension value), on explicit timers.

States: ``ok → pending → firing ⇄ recovering → resolved`` (and back to pending on the next
breach). Pure: every step takes ``now`` from the caller (a clock), nothing reads time.

- ``pending`` (``for:``): a breach must last this long, measured from the first breached
  evaluation, before firing. A clear evaluation while pending returns to ok silently.
- ``keep_firing``: once firing, the condition must stay clear this long before resolving;
  a breach while recovering returns to firing silently.
- Timers are checked at evaluations: an instance fires at the first evaluation at or after
  the pending period has elapsed.
- Notifications only on → firing and → resolved, plus ``repeat``: re-notify while firing,
  at the first evaluation ``repeat`` after the last notification, unless acknowledged.
- "Cannot judge" (``breached=None``: no value, maturing cohort) holds the state and its
  timers: missing data neither fires nor resolves an alert.
- Suppression (a mute with an end, or an inhibiting stale-data alert) never changes state
  or timers, only notifications: a firing that was suppressed is announced at the first
  evaluation after the suppression ends if it is still firing; a resolution while
  suppressed is not announced; no repeats while suppressed (like Alertmanager silences).
- Acknowledging stops repeats for the current episode only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class AlertState(StrEnum):
    OK = "ok"
    PENDING = "pending"
    FIRING = "firing"
    RECOVERING = "recovering"
    RESOLVED = "resolved"

    def label(self, lang: str = "en") -> str:
        return _STATE_LABELS[self][0 if lang == "ja" else 1]


_STATE_LABELS = {
    AlertState.OK: ("正常", "OK"),
    AlertState.PENDING: ("保留中", "Pending"),
    AlertState.FIRING: ("発報中", "Firing"),
    AlertState.RECOVERING: ("回復待ち", "Recovering"),
    AlertState.RESOLVED: ("解消", "Resolved"),
}

ACTIVE = frozenset({AlertState.FIRING, AlertState.RECOVERING})


class NoticeKind(StrEnum):
    FIRING = "firing"
    REPEAT = "repeat"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Timers:
    pending: timedelta = timedelta(0)
    keep_firing: timedelta = timedelta(0)
    repeat: timedelta | None = None

    def __post_init__(self) -> None:
        if self.pending < timedelta(0) or self.keep_firing < timedelta(0):
            raise ValueError("pending and keep_firing must not be negative")
        if self.repeat is not None and self.repeat <= timedelta(0):
            raise ValueError("repeat must be positive")


@dataclass(frozen=True)
class Instance:
    """The stored state of one alert instance."""

    state: AlertState = AlertState.OK
    since: datetime | None = None  # when the state was entered
    breach_since: datetime | None = None  # start of the breach being timed (pending)
    clear_since: datetime | None = None  # start of the clearance being timed (recovering)
    last_notified: datetime | None = None
    announced: bool = False  # this episode's firing notification was sent
    acknowledged: bool = False
    muted_until: datetime | None = None
    episode: int = 0  # firing episodes so far (part of the idempotency key)
    sequence: int = 0  # notifications sent in this episode

    def suppressed(self, now: datetime, inhibited: bool) -> bool:
        return inhibited or (self.muted_until is not None and now < self.muted_until)


@dataclass(frozen=True)
class Transition:
    at: datetime
    before: AlertState
    after: AlertState


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    at: datetime
    episode: int
    sequence: int  # 0 for the firing notice, then 1, 2 … (repeats, resolution)

    def key(self, rule_id: str, instance: str) -> str:
        """Idempotency key: one per (instance, episode, notification)."""
        return f"{rule_id}|{instance}|{self.episode}|{self.sequence}"


@dataclass(frozen=True)
class Step:
    instance: Instance
    transitions: tuple[Transition, ...] = ()
    notices: tuple[Notice, ...] = ()


def step(
    inst: Instance,
    breached: bool | None,
    now: datetime,
    timers: Timers,
    *,
    inhibited: bool = False,
) -> Step:
    """One evaluation of the condition at ``now``."""
    if inst.since is not None and now < inst.since:
        raise ValueError(f"evaluation at {now} is before the state's start {inst.since}")
    if breached is None:
        return Step(inst)
    moves: list[Transition] = []
    notices: list[Notice] = []
    quiet = inst.suppressed(now, inhibited)

    def move(current: Instance, to: AlertState, **changes: object) -> Instance:
        moves.append(Transition(now, current.state, to))
        return replace(current, state=to, since=now, **changes)  # type: ignore[arg-type]

    def notify(current: Instance, kind: NoticeKind) -> Instance:
        sequence = 0 if kind is NoticeKind.FIRING else current.sequence + 1
        notices.append(Notice(kind, now, current.episode, sequence))
        return replace(current, last_notified=now, sequence=sequence)

    def fire(current: Instance) -> Instance:
        current = move(
            current,
            AlertState.FIRING,
            breach_since=current.breach_since or now,
            clear_since=None,
            episode=current.episode + 1,
            sequence=0,
            announced=False,
            acknowledged=False,
            last_notified=None,
        )
        if not quiet:
            current = replace(notify(current, NoticeKind.FIRING), announced=True)
        return current

    def resolve(current: Instance) -> Instance:
        announced = current.announced
        current = move(
            current,
            AlertState.RESOLVED,
            breach_since=None,
            clear_since=None,
            acknowledged=False,
            announced=False,
        )
        if announced and not quiet:
            current = notify(current, NoticeKind.RESOLVED)
        return current

    state = inst.state
    if breached:
        if state in (AlertState.OK, AlertState.RESOLVED):
            if timers.pending == timedelta(0):
                inst = fire(replace(inst, breach_since=now))
            else:
                inst = move(inst, AlertState.PENDING, breach_since=now, clear_since=None)
        elif state is AlertState.PENDING:
            assert inst.breach_since is not None
            if now - inst.breach_since >= timers.pending:
                inst = fire(inst)
        else:
            if state is AlertState.RECOVERING:
                inst = move(inst, AlertState.FIRING, clear_since=None)
            if not quiet and not inst.announced:
                inst = replace(notify(inst, NoticeKind.FIRING), announced=True)
            elif (
                not quiet
                and timers.repeat is not None
                and not inst.acknowledged
                and inst.last_notified is not None
                and now - inst.last_notified >= timers.repeat
            ):
                inst = notify(inst, NoticeKind.REPEAT)
        return Step(inst, tuple(moves), tuple(notices))
    # the condition is clear
    if state is AlertState.PENDING:
        inst = move(inst, AlertState.OK, breach_since=None)
    elif state is AlertState.FIRING:
        if timers.keep_firing == timedelta(0):
            inst = resolve(inst)
        else:
            inst = move(inst, AlertState.RECOVERING, clear_since=now)
    elif state is AlertState.RECOVERING:
        assert inst.clear_since is not None
        if now - inst.clear_since >= timers.keep_firing:
            inst = resolve(inst)
    return Step(inst, tuple(moves), tuple(notices))


def acknowledge(inst: Instance) -> Instance:
    """Stop repeats for the current episode (only an active alert can be acknowledged)."""
    if inst.state not in ACTIVE:
        raise ValueError(f"only a firing alert can be acknowledged (this one is {inst.state})")
    return replace(inst, acknowledged=True)


def mute(inst: Instance, until: datetime) -> Instance:
    """Silence notifications until ``until`` (evaluation and state go on)."""
    return replace(inst, muted_until=until)


def unmute(inst: Instance) -> Instance:
    return replace(inst, muted_until=None)
