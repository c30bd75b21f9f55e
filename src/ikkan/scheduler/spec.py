"""The ``schedule:`` section of ``ikkan.yml``.

```yaml
schedule:
  cron: "0 7 * * 1-5"      # 07:00 on weekdays, in company.timezone
  steps: [import, refresh, alerts]
  step_cron:               # optional: a step's own schedule (others follow cron:)
    alerts: "0 9-18 * * 1-5"
  lease: 30m               # a runner that stops renewing loses the lease after this
  stale_days: 7            # data-stale alert per source without a stale rule (0: none)
  failure_alerts: true     # import_failed and refresh_failed alerts
  reports:                 # e-mailed once per closed period, after alerts
    - {every: monthly, format: pdf, lang: ja, to: [cmo@example.jp], day: 3}
```
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ikkan.alerts.rules import AlertRuleSpec, Duration, RuleKind

Step = Literal["import", "refresh", "alerts"]
AnyStep = Literal["import", "refresh", "alerts", "reports"]


class ReportScheduleSpec(BaseModel):
    """A review report mailed by the scheduler: the first run on or after ``day`` of the
    month after a month (or fiscal quarter) closes sends it, once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: Literal["monthly", "quarterly"] = Field(description="monthly or quarterly")
    format: Literal["pdf", "xlsx", "html"] = "pdf"
    lang: Literal["ja", "en"] | None = Field(None, description="default: the project's")
    to: list[str] = Field(min_length=1, description="recipients")
    day: int = Field(
        1, ge=1, le=28, description="send on the first run on or after this day of the month"
    )

    @field_validator("to")
    @classmethod
    def _to(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if "@" not in a.strip("@")]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)}; write e.g. cmo@example.jp")
        return value


def _all_steps() -> list[Step]:
    return ["import", "refresh", "alerts"]


class ScheduleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str = Field("0 7 * * *", description="when to run, cron syntax, company.timezone")
    steps: list[Step] = Field(
        default_factory=_all_steps,
        description="what a run does, in this order (alerts include delivery)",
    )
    lease: Duration = Field(
        timedelta(minutes=30),
        description="how long a runner holds the lease without renewing it",
    )
    stale_days: int = Field(
        7, ge=0, description="a data-stale alert per source with no stale rule (0: none)"
    )
    failure_alerts: bool = Field(True, description="alert when a scheduled import or refresh fails")
    reports: list[ReportScheduleSpec] = Field(
        default_factory=list, description="review reports e-mailed after alerts"
    )
    enabled: bool = True

    step_cron: dict[AnyStep, str] = Field(
        default_factory=dict,
        description="a step's own cron (import, refresh, alerts, reports); the steps not "
        "named here run on cron:",
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _valid_cron(value)

    @field_validator("step_cron")
    @classmethod
    def _step_crons(cls, value: dict[AnyStep, str]) -> dict[AnyStep, str]:
        for step, cron in value.items():
            _valid_cron(cron, f"step_cron.{step}: ")
        return value

    @model_validator(mode="after")
    def _named_steps_run(self) -> ScheduleSpec:
        for step in self.step_cron:
            if step not in self.all_steps():
                hint = "add reports:" if step == "reports" else f"add it to steps: {self.steps}"
                raise ValueError(f"step_cron.{step}: the schedule does not run {step} ({hint})")
        return self

    def all_steps(self) -> list[str]:
        """What the schedule runs, in order: ``steps`` then the reports, if any."""
        return [*self.steps, *(["reports"] if self.reports else [])]

    def cron_of(self, step: str) -> str:
        return self.step_cron.get(step, self.cron)  # type: ignore[call-overload, no-any-return]

    def crons(self) -> list[str]:
        """Every cron in use (``cron:`` first), once each."""
        return list(dict.fromkeys([self.cron, *(self.cron_of(s) for s in self.all_steps())]))

    @field_validator("lease")
    @classmethod
    def _lease(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("lease must be positive, e.g. 30m")
        return value


def _valid_cron(value: str, prefix: str = "") -> str:
    from croniter import croniter

    if not croniter.is_valid(value):
        raise ValueError(
            f"{prefix}'{value}' is not a cron expression; write e.g. '0 7 * * 1-5' "
            "(minute hour day month weekday)"
        )
    return value


def implied_rules(
    schedule: ScheduleSpec, sources: list[str], alerts: dict[str, AlertRuleSpec]
) -> dict[str, AlertRuleSpec]:
    """Rules a schedule adds unless ikkan.yml already has them: a stale rule per source with
    none, and import_failed / refresh_failed rules (ids ``<kind>`` / ``stale_<source>``)."""
    out: dict[str, AlertRuleSpec] = {}
    kinds = {r.kind for r in alerts.values()}
    watched = {r.source for r in alerts.values() if r.kind is RuleKind.STALE}
    if schedule.failure_alerts:
        for kind in (RuleKind.IMPORT_FAILED, RuleKind.REFRESH_FAILED):
            if kind not in kinds and str(kind) not in alerts:
                out[str(kind)] = AlertRuleSpec(kind=kind)
    if schedule.stale_days and "import" in schedule.steps:
        for source in sources:
            rule_id = f"stale_{source}"
            if source not in watched and rule_id not in alerts:
                out[rule_id] = AlertRuleSpec(
                    kind=RuleKind.STALE, source=source, days=schedule.stale_days
                )
    return out
