"""The alert lifecycle on a fake clock: exactly which notifications are sent, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikkan.alerts.lifecycle import (
    AlertState,
    Instance,
    Notice,
    NoticeKind,
    Timers,
    acknowledge,
    mute,
    step,
)
from ikkan.clock import FixedClock

T0 = datetime(2026, 10, 1, 9, 0)
H = timedelta(hours=1)
FIRING, REPEAT, RESOLVED = NoticeKind.FIRING, NoticeKind.REPEAT, NoticeKind.RESOLVED


@dataclass
class Run:
    states: list[AlertState]
    notices: list[Notice]
    final: Instance


def drive(
    conditions: list[bool | None],
    timers: Timers,
    *,
    every: timedelta = H,
    ack_at: int | None = None,
    mute_window: tuple[int, int] | None = None,
    inhibited_at: frozenset[int] = frozenset(),
) -> Run:
    """Evaluate ``conditions`` one per ``every`` on a fake clock from T0."""
    inst = Instance()
    states: list[AlertState] = []
    notices: list[Notice] = []
    for index, condition in enumerate(conditions):
        clock = FixedClock(T0 + index * every)
        now = clock.now()
        if mute_window is not None and index == mute_window[0]:
            inst = mute(inst, T0 + mute_window[1] * every)
        if ack_at == index and inst.state in (AlertState.FIRING, AlertState.RECOVERING):
            inst = acknowledge(inst)
        result = step(inst, condition, now, timers, inhibited=index in inhibited_at)
        inst = result.instance
        states.append(inst.state)
        notices.extend(result.notices)
    return Run(states, notices, inst)


def kinds(run: Run) -> list[tuple[NoticeKind, int]]:
    """(kind, hour index) of every notification."""
    return [(n.kind, int((n.at - T0) / H)) for n in run.notices]


# -- exact scenarios ------------------------------------------------------------------
def test_pending_then_firing_then_resolved_after_keep_firing() -> None:
    run = drive(
        [False, True, True, True, False, False, True, False, False, False],
        Timers(pending=2 * H, keep_firing=2 * H),
    )
    assert kinds(run) == [(FIRING, 3), (RESOLVED, 9)]
    assert run.states[:4] == [
        AlertState.OK,
        AlertState.PENDING,
        AlertState.PENDING,
        AlertState.FIRING,
    ]
    assert run.states[4] is AlertState.RECOVERING
    assert run.states[5] is AlertState.RECOVERING  # 1 h clear < keep_firing
    assert run.states[6] is AlertState.FIRING  # back before keep_firing ended: no notice
    assert run.states[8] is AlertState.RECOVERING
    assert run.states[9] is AlertState.RESOLVED


def test_repeat_interval_and_acknowledge() -> None:
    conditions = [True] * 10
    assert kinds(drive(conditions, Timers(repeat=3 * H))) == [
        (FIRING, 0),
        (REPEAT, 3),
        (REPEAT, 6),
        (REPEAT, 9),
    ]
    assert kinds(drive(conditions, Timers(repeat=3 * H), ack_at=4)) == [(FIRING, 0), (REPEAT, 3)]


def test_flapping_faster_than_pending_never_notifies() -> None:
    run = drive([True, False] * 20, Timers(pending=2 * H))
    assert run.notices == []
    assert set(run.states) == {AlertState.PENDING, AlertState.OK}


def test_flapping_while_firing_is_one_alert_with_keep_firing() -> None:
    run = drive([True] + [False, True] * 10 + [False] * 4, Timers(keep_firing=2 * H))
    assert kinds(run) == [(FIRING, 0), (RESOLVED, 23)]


def test_flapping_without_timers_notifies_every_edge() -> None:
    run = drive([True, False, True, False], Timers())
    assert kinds(run) == [(FIRING, 0), (RESOLVED, 1), (FIRING, 2), (RESOLVED, 3)]
    assert [n.episode for n in run.notices] == [1, 1, 2, 2]


def test_mute_defers_the_firing_notice_until_it_ends() -> None:
    run = drive([True] * 6, Timers(), mute_window=(0, 3))
    assert kinds(run) == [(FIRING, 3)]
    assert run.states == [AlertState.FIRING] * 6  # state goes on while muted


def test_resolution_while_muted_is_not_announced_if_the_firing_was_not() -> None:
    run = drive([True, True, False, False], Timers(), mute_window=(0, 10))
    assert run.notices == []
    assert run.final.state is AlertState.RESOLVED


def test_inhibited_alert_is_silent_and_announced_when_inhibition_ends() -> None:
    run = drive([True, True, True, True], Timers(), inhibited_at=frozenset({0, 1}))
    assert kinds(run) == [(FIRING, 2)]


def test_missing_data_holds_state_and_timers() -> None:
    run = drive([True, None, None, True, None, False], Timers(pending=3 * H))
    assert kinds(run) == [(FIRING, 3), (RESOLVED, 5)]
    assert run.states[1:3] == [AlertState.PENDING, AlertState.PENDING]


def test_idempotency_keys_are_unique_per_notice() -> None:
    run = drive([True, True, True, False, True, True, False], Timers(repeat=H))
    keys = [n.key("r", "") for n in run.notices]
    assert len(keys) == len(set(keys)) == 7


def test_acknowledge_requires_an_active_alert() -> None:
    with pytest.raises(ValueError, match="only a firing alert"):
        acknowledge(Instance())


def test_time_must_not_go_backwards() -> None:
    inst = step(Instance(), True, T0, Timers(pending=H)).instance
    with pytest.raises(ValueError, match="before the state's start"):
        step(inst, True, T0 - H, Timers(pending=H))


# -- properties -----------------------------------------------------------------------
hours = st.integers(min_value=0, max_value=6).map(lambda n: n * H)
timers_strategy = st.builds(
    Timers,
    pending=hours,
    keep_firing=hours,
    repeat=st.one_of(st.none(), st.integers(min_value=1, max_value=6).map(lambda n: n * H)),
)
conditions_strategy = st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=60)


def _clear_run_start(conditions: list[bool | None], index: int) -> int | None:
    """Index of the first False of the run of non-True evaluations ending at ``index``."""
    start = None
    for i in range(index, -1, -1):
        if conditions[i] is True:
            break
        if conditions[i] is False:
            start = i
    return start


def _breach_run_start(conditions: list[bool | None], index: int) -> int | None:
    start = None
    for i in range(index, -1, -1):
        if conditions[i] is False:
            break
        if conditions[i] is True:
            start = i
    return start


@settings(max_examples=400, deadline=None)
@given(conditions=conditions_strategy, timers=timers_strategy)
def test_unsuppressed_notifications_follow_the_timers_exactly(
    conditions: list[bool | None], timers: Timers
) -> None:
    run = drive(conditions, timers)
    at = {int((n.at - T0) / H): n for n in run.notices}
    assert len(at) == len(run.notices)  # at most one notice per evaluation
    last_notice: Notice | None = None
    for index, notice in sorted(at.items()):
        if notice.kind is NoticeKind.FIRING:
            # the breach began at least `pending` ago and never cleared since
            start = _breach_run_start(conditions, index)
            assert conditions[index] is True and start is not None
            assert (index - start) * H >= timers.pending
            assert last_notice is None or last_notice.kind is NoticeKind.RESOLVED
            assert notice.episode == (last_notice.episode + 1 if last_notice else 1)
        elif notice.kind is NoticeKind.RESOLVED:
            start = _clear_run_start(conditions, index)
            assert conditions[index] is False and start is not None
            assert (index - start) * H >= timers.keep_firing
            assert last_notice is not None and last_notice.kind is not NoticeKind.RESOLVED
        else:
            assert conditions[index] is True and timers.repeat is not None
            assert last_notice is not None and last_notice.kind is not NoticeKind.RESOLVED
            assert notice.at - last_notice.at >= timers.repeat
        last_notice = notice
    # liveness: a breach held for `pending` is announced; a clearance held for
    # `keep_firing` after an announced firing is announced too
    firing = False
    for index, condition in enumerate(conditions):
        notice = at.get(index)
        if notice is not None:
            firing = notice.kind is not NoticeKind.RESOLVED
        if condition is True and not firing:
            start = _breach_run_start(conditions, index)
            assert start is not None
            assert (index - start) * H < timers.pending
        if condition is False and firing:
            start = _clear_run_start(conditions, index)
            assert start is not None and (index - start) * H < timers.keep_firing


@settings(max_examples=300, deadline=None)
@given(
    conditions=conditions_strategy,
    timers=timers_strategy,
    mute_from=st.integers(min_value=0, max_value=59),
    mute_hours=st.integers(min_value=1, max_value=30),
    inhibited=st.frozensets(st.integers(min_value=0, max_value=59), max_size=20),
    ack_at=st.one_of(st.none(), st.integers(min_value=0, max_value=59)),
)
def test_suppression_and_acknowledgement_only_remove_notices(
    conditions: list[bool | None],
    timers: Timers,
    mute_from: int,
    mute_hours: int,
    inhibited: frozenset[int],
    ack_at: int | None,
) -> None:
    plain = drive(conditions, timers)
    run = drive(
        conditions,
        timers,
        mute_window=(mute_from, mute_from + mute_hours),
        inhibited_at=inhibited,
        ack_at=ack_at,
    )
    # state never depends on suppression or acknowledgement
    assert run.states == plain.states
    muted = set(range(mute_from, mute_from + mute_hours))
    for notice in run.notices:
        index = int((notice.at - T0) / H)
        assert index not in muted and index not in inhibited
        if notice.kind is NoticeKind.REPEAT and ack_at is not None:
            assert index < ack_at or notice.episode != _episode_at(plain, ack_at)
    # every episode's notices: firing first (maybe late), repeats, then maybe resolved
    by_episode: dict[int, list[NoticeKind]] = {}
    for notice in run.notices:
        by_episode.setdefault(notice.episode, []).append(notice.kind)
    for sequence in by_episode.values():
        assert sequence[0] is NoticeKind.FIRING
        assert sequence.count(NoticeKind.FIRING) == 1
        assert NoticeKind.RESOLVED not in sequence[:-1]
    firing_episodes = {n.episode for n in plain.notices if n.kind is NoticeKind.FIRING}
    assert set(by_episode) <= firing_episodes


def _episode_at(run: Run, index: int) -> int | None:
    episodes = [n.episode for n in run.notices if int((n.at - T0) / H) <= index]
    return episodes[-1] if episodes else None


@settings(max_examples=200, deadline=None)
@given(
    flips=st.lists(st.integers(min_value=1, max_value=3), min_size=2, max_size=30),
    pending_extra=st.integers(min_value=0, max_value=3),
)
def test_flapping_shorter_than_pending_is_never_announced(
    flips: list[int], pending_extra: int
) -> None:
    """Breaches lasting fewer evaluations than the pending period never fire."""
    conditions: list[bool | None] = []
    for i, length in enumerate(flips):
        conditions += [i % 2 == 0] * length
    longest = max(flips[0::2])
    run = drive(conditions, Timers(pending=(longest + pending_extra) * H))
    assert run.notices == []
