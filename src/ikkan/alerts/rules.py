"""The ``alerts:`` section of ``ikkan.yml``: one rule per id.

```yaml
alerts:
  leads_pacing:
    node: leads
    kind: pacing          # threshold | target | pacing | change | allowable | stale
    margin: 15%           # behind the expected-to-date by more than 15 %
    for: 2d               # pending period before firing
    keep_firing: 1d       # condition must stay clear this long before resolving
    repeat: 7d            # re-notify while firing and not acknowledged
```

"Worse" always follows the node's ``direction`` (higher or lower is better), as ``status``
does; only ``threshold`` may name the side explicitly with ``when: below | above``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ikkan.alerts.calendars import MuteEntry
from ikkan.model.metrics import MAX_SLA_HOURS
from ikkan.model.numbers import parse_number


class RuleKind(StrEnum):
    THRESHOLD = "threshold"  # actual worse than a fixed value
    TARGET = "target"  # actual worse than the plan's commit target (closed periods)
    PACING = "pacing"  # behind the expected-to-date (running period)
    CHANGE = "change"  # worse than the previous period by more than margin
    ALLOWABLE = "allowable"  # a cost (CPA, CAC) above the plan's allowable value
    ANOMALY = "anomaly"  # outside the expected range of the node's own history
    SLA = "sla"  # leads not contacted within N business hours of entering a stage
    STALE = "stale"  # a source not imported for N days
    IMPORT_FAILED = "import_failed"  # the scheduler's last import had a file it could not load
    REFRESH_FAILED = "refresh_failed"  # the scheduler's last refresh failed


SYSTEM_KINDS = frozenset({RuleKind.STALE, RuleKind.IMPORT_FAILED, RuleKind.REFRESH_FAILED})
"""Kinds that watch the data pipeline, not a node; while firing they inhibit node rules."""
RUN_KINDS = frozenset({RuleKind.IMPORT_FAILED, RuleKind.REFRESH_FAILED})
NODE_KINDS = frozenset(RuleKind) - SYSTEM_KINDS - {RuleKind.SLA}
DIMENSION_KINDS = frozenset(
    {RuleKind.THRESHOLD, RuleKind.CHANGE, RuleKind.ALLOWABLE, RuleKind.ANOMALY}
)
"""Kinds that may run per dimension value: the plan has no targets per channel or owner."""

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(value: Any) -> Any:
    """'90s', '30m', '4h', '2d', '1w' → timedelta; 0 → no wait; other values go to pydantic."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return timedelta(0)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
        raise ValueError(f"'{value}' is not a duration; write e.g. 30m, 4h, 2d or 1w")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Ratio = Annotated[float, BeforeValidator(parse_number)]
Number = Annotated[float, BeforeValidator(parse_number)]


class AlertLabel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ja: str | None = None
    en: str | None = None


def _label(value: Any) -> Any:
    return {"ja": value, "en": value} if isinstance(value, str) else value


class AlertRuleSpec(BaseModel):
    """One alert rule. Timers are wall-clock durations between evaluations."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: RuleKind = Field(
        description="threshold, target, pacing, change, allowable, stale, import_failed or "
        "refresh_failed"
    )
    node: str | None = Field(None, description="the node the rule watches (all kinds but stale)")
    source: str | None = Field(None, description="stale: a source id from sources:, or a reader")
    label: Annotated[AlertLabel, BeforeValidator(_label)] | None = None
    value: Number | None = Field(None, description="threshold: the line")
    when: Literal["below", "above"] | None = Field(
        None, description="threshold: which side fires (default: the node's worse side)"
    )
    margin: Ratio = Field(
        0.0, ge=0, description="tolerated shortfall before firing, e.g. 10% (target, pacing …)"
    )
    days: int | None = Field(None, ge=1, description="stale: days without an import")
    from_stage: str | None = Field(None, description="sla: the stage whose entry starts the clock")
    within: float | None = Field(
        None,
        gt=0,
        le=MAX_SLA_HOURS,
        description="sla: business hours allowed until the first contact (or to_stage)",
    )
    to_stage: str | None = Field(
        None,
        description="sla: the stage the lead must reach (it or a later stage) instead of a "
        "contact, e.g. sql → opportunity",
    )
    contact: list[str] = Field(
        default_factory=lambda: ["call", "connect", "meeting"],
        description="sla: activity types that count as a contact",
    )
    window: Duration = Field(
        timedelta(days=30), description="sla: leads that entered the stage this long ago at most"
    )
    sensitivity: float = Field(
        3.0, gt=0, description="anomaly: the range is expected ± sensitivity × robust scale"
    )
    history: int = Field(36, ge=6, le=520, description="anomaly: periods of history used")
    side: Literal["worse", "both"] = Field(
        "worse", description="anomaly: fire on the node's worse side only, or on both"
    )
    grain: Literal["month", "quarter"] = Field("month", description="period evaluated")
    dimension: str | None = Field(
        None, description="evaluate per value of a breakdown (channel, owner …)"
    )
    pending: Duration = Field(
        timedelta(0), alias="for", description="condition must hold this long before firing"
    )
    keep_firing: Duration = Field(
        timedelta(0), description="condition must stay clear this long before resolving"
    )
    repeat: Duration | None = Field(
        None, description="re-notify while firing and not acknowledged (none: never)"
    )
    inhibits: list[str] | None = Field(
        None,
        description="stale, import_failed, refresh_failed: node ids it silences "
        "(default: every measured node)",
    )
    notify: list[str] | None = Field(
        None, description="channel ids under notify.channels (default: all)"
    )
    enabled: bool = True

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> AlertRuleSpec:
        kind = self.kind
        if kind is RuleKind.STALE:
            if self.source is None or self.days is None:
                raise ValueError("a stale rule needs source: and days:")
            if self.node is not None or self.dimension is not None:
                raise ValueError("a stale rule watches a source, not a node (remove node:)")
            return self
        if kind is RuleKind.SLA:
            if self.from_stage is None or self.within is None:
                raise ValueError("an sla rule needs from_stage: and within: (business hours)")
            if self.node is not None or self.source is not None:
                raise ValueError("an sla rule watches leads, not a node or source")
            if self.dimension not in (None, "owner"):
                raise ValueError("an sla rule runs per owner (dimension: owner or none)")
            if self.to_stage is not None and "contact" in self.model_fields_set:
                raise ValueError("give to_stage: (a stage) or contact: (activity types), not both")
            if self.to_stage == self.from_stage:
                raise ValueError(f"from_stage and to_stage are both '{self.from_stage}'")
            return self
        if kind in RUN_KINDS:
            if self.node is not None or self.source is not None or self.dimension is not None:
                raise ValueError(
                    f"a {kind} rule watches the scheduler's runs (remove node:, source:, "
                    "dimension:)"
                )
            if self.days is not None or self.value is not None:
                raise ValueError(f"days: and value: do not apply to a {kind} rule")
            return self
        if self.node is None:
            raise ValueError(f"a {kind} rule needs node:")
        if kind is RuleKind.THRESHOLD and self.value is None:
            raise ValueError("a threshold rule needs value:")
        if kind is not RuleKind.THRESHOLD and (self.value is not None or self.when is not None):
            raise ValueError(f"value: and when: belong to threshold rules, not {kind}")
        if self.dimension is not None and kind not in DIMENSION_KINDS:
            raise ValueError(
                f"a {kind} rule cannot run per dimension: the plan has no targets per "
                f"{self.dimension}; use threshold, change or allowable"
            )
        if self.inhibits is not None:
            raise ValueError("inhibits: belongs to stale rules")
        if self.source is not None or self.days is not None:
            raise ValueError(f"source: and days: belong to stale rules, not {kind}")
        return self

    def name(self, rule_id: str, lang: str) -> str:
        if self.label is None:
            return rule_id
        return (self.label.ja if lang == "ja" else self.label.en) or self.label.en or rule_id


class ChannelSpec(BaseModel):
    """One delivery channel. ``${VAR}`` in any text is read from the environment at send
    time, so secrets stay out of ikkan.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["webhook", "slack", "teams", "email"]
    url: str | None = Field(None, description="webhook / slack / teams: the URL to POST to")
    secret: str | None = Field(None, description="webhook: the HMAC-SHA256 key")
    host: str | None = Field(None, description="email: SMTP server")
    port: int = Field(587, description="email: SMTP port")
    sender: str | None = Field(None, alias="from", description="email: From address")
    to: list[str] = Field(default_factory=list, description="email: recipients")
    owners: Literal["instead", "also", "ignore"] = Field(
        "instead",
        description="email: a message whose owner has an address in notify.owners goes to "
        "that address instead of to:, also to it, or ignores it",
    )
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    timeout: float = Field(10.0, gt=0, description="seconds before a delivery attempt fails")

    @model_validator(mode="after")
    def _complete(self) -> ChannelSpec:
        if self.type in ("webhook", "slack", "teams") and not self.url:
            raise ValueError(f"a {self.type} channel needs url:")
        if self.type == "webhook" and not self.secret:
            raise ValueError("a webhook channel needs secret: (e.g. ${IKKAN_WEBHOOK_SECRET})")
        if self.type == "email" and (not self.host or not self.sender or not self.to):
            raise ValueError("an email channel needs host:, from: and to:")
        return self


class NotifySpec(BaseModel):
    """Where ``ikkan alerts run`` delivers notifications."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    lang: Literal["ja", "en"] | None = Field(None, description="default: company.locale")
    base_url: str | None = Field(None, description="ikkan serve's address, for node links")
    group_by: Literal["none", "owner", "department"] = Field(
        "none", description="one message per owner or department and run (none: per alert)"
    )
    digest: str | None = Field(
        None, description="daily, weekly or a cron: hold notifications and send them then"
    )
    mute: list[MuteEntry] = Field(
        default_factory=list,
        description="mute calendars: weekends, holidays, closed, after_hours, {name, from, to}",
    )
    owners: dict[str, list[str]] = Field(
        default_factory=dict,
        description="owner name → e-mail address(es): per-owner alerts are mailed there",
    )

    @field_validator("owners", mode="before")
    @classmethod
    def _owner_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("owners")
    @classmethod
    def _owner_addresses(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, addresses in value.items():
            if not addresses:
                raise ValueError(f"owner '{name}' has no e-mail address")
            bad = [a for a in addresses if "@" not in a and not a.startswith("$")]
            if bad:
                raise ValueError(
                    f"owner '{name}': {bad[0]!r} is not an e-mail address (e.g. sato@example.jp)"
                )
        return value

    @field_validator("digest")
    @classmethod
    def _digest(cls, value: str | None) -> str | None:
        if value is None or value in ("daily", "weekly"):
            return value
        from croniter import croniter

        if not croniter.is_valid(value):
            raise ValueError(f"digest '{value}' is not daily, weekly or a cron expression")
        return value
