"""Grouping and digests: one message per owner (or department) instead of one per alert.

- ``group_by: owner | department`` combines the notifications of one run that go to the
  same channels into one message per group. A group of one is sent as the alert itself.
- A digest (``digest: daily | weekly | <cron>``) holds notifications in the outbox
  (status ``held``) and sends them, grouped the same way, at the first run at or after the
  digest time; alerts held after that time wait for the next one.

The group of an alert is its node's owner (``department / person``; for a per-owner rule,
the owner of the instance), or its department. Pipeline alerts (stale, failed import or
refresh) have no owner and form their own group. Pure: no clock, no warehouse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from ikkan.alerts.messages import Message

NO_OWNER = {"ja": "担当なし", "en": "No owner"}


def group_of(message: Message, by: str) -> str:
    value = message.department if by == "department" else message.owner
    return value or ""


def group_messages(
    messages: Sequence[Message], by: str, *, digest: str | None = None
) -> list[Message]:
    """One message per group, in order of first appearance. ``digest``: the digest's slot
    (a label for the subject and the idempotency key), or None for a run's group."""
    if by == "none" and digest is None:
        return list(messages)
    groups: dict[str, list[Message]] = {}
    for message in messages:
        key = group_of(message, by) if by != "none" else ""
        groups.setdefault(key, []).append(message)
    out: list[Message] = []
    for name, items in groups.items():
        if len(items) == 1 and digest is None:
            out.append(items[0])
            continue
        out.append(_combine(name, items, by, digest))
    return out


def _combine(name: str, items: list[Message], by: str, digest: str | None) -> Message:
    lang = items[0].lang
    who = name or (NO_OWNER["ja"] if lang == "ja" else NO_OWNER["en"])
    count = len(items)
    if lang == "ja":
        head = f"[ダイジェスト {digest}] " if digest else "[ikkan] "
        title = (
            f"{head}{who}: アラート {count} 件" if by != "none" else f"{head}アラート {count} 件"
        )
    else:
        head = f"[Digest {digest}] " if digest else "[ikkan] "
        noun = "alert" if count == 1 else "alerts"
        title = f"{head}{who}: {count} {noun}" if by != "none" else f"{head}{count} {noun}"
    digest_of = hashlib.sha256("\n".join(sorted(i.key for i in items)).encode()).hexdigest()
    key = f"{'digest|' + digest if digest else 'group'}|{name}|{digest_of[:16]}"
    first = items[0]
    return replace(
        first,
        key=key,
        kind="digest" if digest else "group",
        rule="",
        rule_name="",
        node=None,
        node_name=None,
        instance="",
        period=None,
        observed="",
        line="",
        gap="",
        owner=name or None,
        why="",
        link=None,
        items=tuple(items),
        title=title,
        department=first.department if by == "department" else None,
    )
