"""The handoff SLA in SQL: one row per lead entering a stage, judged against a deadline of
N business hours on the project's business calendar. The ``sla_attainment`` metric and
the alert rules of ``kind: sla`` (live and backtest) all read ``sla_leads``: one rule.

The rule, stated once:

- **Start**: the lead's first recorded entry of ``from_stage`` (``lead_stages``).
- **Business clock**: ``B(t)`` = business seconds from the table's first day up to ``t``
  (``ikkan_business_days``: per day the business days on or before it, whether it is a
  business day, opening and closing second). A moment outside business hours stands at
  the next opening: a lead entering at 20:00 or on a Saturday starts counting then.
- **Deadline**: the earliest moment where ``B`` reaches ``B(start) + within`` hours; a
  deadline that falls exactly on closing time stays on that day (the same convention as
  ``BusinessCalendar.add_business_hours``, against which it is tested).
- **Done**: the earliest contact activity (``contact`` types, matched by lead key, or by
  e-mail for activities without one) at or after the start, or with ``to_stages`` the
  earliest entry of one of those stages at or after the start; only what happened before
  ``cutoff`` counts (the refresh's ``as_of`` + 1 day, or the alert's ``now``).
- **Status**: ``met`` (done by the deadline), ``late`` (done after it), ``breaching``
  (not done and the deadline passed before the cutoff) or ``open`` (not done, deadline
  at or after the cutoff: not judged yet).

Times are the warehouse's naive wall-clock times in the project time zone, to the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from ikkan.compute.business_days import BUSINESS_DAYS

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from ikkan.compute.scope import CompileContext
    from ikkan.model.metrics import SlaAttainmentMetric
    from ikkan.monitor.calendar import BusinessCalendar

SLA_COLUMNS = (
    "lead_key",
    "entered_at",
    "done_at",
    "deadline",
    "business_hours",
    "status",
)
"""The columns of ``sla_leads`` (``business_hours``: from the start to done, NULL if not)."""


def _second_of_day(moment: ir.TimestampValue) -> ir.IntegerValue:
    return moment.hour() * 3600 + moment.minute() * 60 + moment.second()


def _clock(table: ir.Table, moment: str, days: ir.Table, prefix: str) -> ir.Table:
    """``table`` with ``<prefix>_clock`` (business seconds up to ``table[moment]``) and
    ``<prefix>_length`` (business seconds of a business day) added (left join: a NULL
    moment gets a NULL clock)."""
    import ibis

    day = days.select(
        **{
            f"{prefix}_day": days.day,
            f"{prefix}_before": days.number - ibis.ifelse(days.business, 1, 0),
            f"{prefix}_business": days.business,
            f"{prefix}_opens": days.opens,
            f"{prefix}_length": days.closes - days.opens,
        }
    )
    joined = table.left_join(day, table[moment].date() == day[f"{prefix}_day"])
    length = joined[f"{prefix}_length"]
    inside = (_second_of_day(joined[moment]) - joined[f"{prefix}_opens"]).clip(
        lower=0, upper=length
    )
    clock = joined[f"{prefix}_before"] * length + ibis.ifelse(
        joined[f"{prefix}_business"], inside, 0
    )
    return joined.mutate(**{f"{prefix}_clock": clock}).drop(
        f"{prefix}_day", f"{prefix}_before", f"{prefix}_business", f"{prefix}_opens"
    )


def _first_done(
    starts: ir.Table,
    tables: Mapping[str, ir.Table],
    *,
    contact: tuple[str, ...],
    to_stages: tuple[str, ...] | None,
    cutoff: ir.TimestampValue,
) -> ir.Table:
    """``lead_key`` → ``done_at``: the earliest contact activity (or entry of one of
    ``to_stages``) at or after the start and before ``cutoff``."""
    import ibis

    if to_stages is not None:
        stages = tables["lead_stages"]
        later = stages.filter(stages.stage.isin(to_stages), stages.entered_at < cutoff)
        hits = starts.join(later, starts.lead_key == later.lead_key).select(
            d_key=starts.lead_key, start=starts.entered_at, at=later.entered_at
        )
    else:
        events = tables["activities"]
        events = events.filter(events.activity_type.isin(contact), events.occurred_at < cutoff)
        leads = tables["leads"].select(l_key="lead_key", l_email="email")
        with_email = starts.left_join(leads, starts.lead_key == leads.l_key)
        keyed = events.filter(events.lead_key.notnull())
        by_key = starts.join(keyed, starts.lead_key == keyed.lead_key).select(
            d_key=starts.lead_key, start=starts.entered_at, at=keyed.occurred_at
        )
        mailed = events.filter(events.lead_key.isnull(), events.email.notnull())
        by_email = with_email.join(mailed, with_email.l_email == mailed.email).select(
            d_key=with_email.lead_key, start=with_email.entered_at, at=mailed.occurred_at
        )
        hits = ibis.union(by_key, by_email, distinct=False)
    hits = hits.filter(hits.at >= hits.start)
    return hits.group_by("d_key").aggregate(done_at=hits.at.min())


def sla_leads(
    *,
    from_stage: str,
    within_hours: float,
    cutoff: datetime,
    contact: tuple[str, ...] = (),
    to_stages: tuple[str, ...] | None = None,
    entered_from: datetime | None = None,
    tables: Mapping[str, ir.Table] | None = None,
    starts: ir.Table | None = None,
) -> ir.Table:
    """One row per lead that entered ``from_stage`` (before ``cutoff``, and at or after
    ``entered_from`` when given), with ``SLA_COLUMNS`` and any extra columns of
    ``starts`` (a table of ``lead_key``, ``entered_at`` and more, e.g. a dimension; by
    default each lead's first entry of the stage)."""
    import ibis

    from ikkan.compute.tables import bind_tables

    tables = tables if tables is not None else bind_tables()
    at = ibis.timestamp(cutoff.replace(tzinfo=None).isoformat(sep=" "))
    if starts is None:
        stages = tables["lead_stages"]
        entries = stages.filter(stages.stage == from_stage)
        starts = entries.group_by("lead_key").aggregate(entered_at=entries.entered_at.min())
    starts = starts.filter(starts.entered_at < at)
    if entered_from is not None:
        starts = starts.filter(starts.entered_at >= ibis.timestamp(entered_from.isoformat(sep=" ")))
    done = _first_done(
        starts.select("lead_key", "entered_at"),
        tables,
        contact=contact,
        to_stages=to_stages,
        cutoff=at,
    )
    rows = starts.left_join(done, starts.lead_key == done.d_key).drop("d_key")
    days = tables[BUSINESS_DAYS.name]
    rows = _clock(rows, "entered_at", days, "s")
    rows = _clock(rows, "done_at", days, "d")
    # the deadline: business day m (0-based) holds clock T = start clock + within
    target = rows.s_clock + round(within_hours * 3600)
    index = (target - 1) // rows.s_length  # a deadline on closing time stays on that day
    rows = rows.mutate(_target=target, _index=index)
    open_days = days.filter(days.business).select(_number=days.number, _due_day=days.day)
    rows = rows.left_join(open_days, rows._index + 1 == open_days._number)
    offset = days.select(_o_day=days.day, _o_opens=days.opens)
    rows = rows.left_join(offset, rows._due_day == offset._o_day)
    seconds = rows._o_opens + rows._target - rows._index * rows.s_length
    deadline = rows._due_day.cast("timestamp") + seconds.as_interval("s")
    rows = rows.mutate(deadline=deadline)
    status = ibis.cases(
        (rows.done_at.notnull() & (rows.done_at <= rows.deadline), "met"),
        (rows.done_at.notnull(), "late"),
        (rows.deadline < at, "breaching"),
        else_="open",
    )
    hours = (rows.d_clock - rows.s_clock).cast("float64") / 3600.0
    extra = [c for c in starts.columns if c not in ("lead_key", "entered_at")]
    return rows.select(
        lead_key=rows.lead_key,
        entered_at=rows.entered_at,
        done_at=rows.done_at,
        deadline=rows.deadline,
        business_hours=hours,
        status=status,
        **{c: rows[c] for c in extra},
    )


def compile_sla_attainment(metric: SlaAttainmentMetric, ctx: CompileContext) -> ir.Table:
    """Met ÷ judged of the leads entering the stage in the period (``sla_leads`` with the
    cutoff at the end of ``as_of``); a period with leads not judged yet is maturing."""
    import ibis

    from ikkan.compute.funnel import check_stage
    from ikkan.compute.measure import KEYS, bucket, measured, ratio
    from ikkan.compute.scope import scope

    check_stage(metric.stage, ctx)
    to_stages = None
    if metric.to_stage is not None:
        to_stages = ctx.stages[check_stage(metric.to_stage, ctx) :]
    if ctx.as_of is None:
        raise ctx.error(
            "SLA attainment needs an as_of date to tell leads not judged yet",
            "pass as_of (the last day with complete data)",
        )
    stages = ctx.tables["lead_stages"]
    entries = stages.filter(stages.stage == metric.stage)
    starts = entries.group_by("lead_key").aggregate(entered_at=entries.entered_at.min())
    starts = scope(starts, "lead_stages", ctx, metric.filter_values())
    cutoff = datetime.combine(ctx.as_of + timedelta(days=1), time())
    leads = sla_leads(
        from_stage=metric.stage,
        within_hours=metric.within,
        cutoff=cutoff,
        contact=tuple(metric.contact),
        to_stages=to_stages,
        tables=ctx.tables,
        starts=starts.select("lead_key", "entered_at", "dimension_value"),
    )
    rows = bucket(leads, leads.entered_at, ctx)
    agg = rows.group_by(list(KEYS)).aggregate(
        num=rows.count(where=rows.status == "met"),
        den=rows.count(where=rows.status != "open"),
        pending=rows.count(where=rows.status == "open"),
    )
    return measured(
        agg,
        value=ratio(agg.num, agg.den),
        numerator=agg.num,
        denominator=agg.den,
        maturing=agg.pending > ibis.literal(0),
    )


def rule_note(
    *,
    stage: str,
    within: float,
    contact: tuple[str, ...],
    to_stage: str | None,
    calendar: BusinessCalendar,
    lang: str = "en",
) -> str:
    """The SLA rule in words (``explain`` of an ``sla_attainment`` node, the Alerts page)."""
    hours = f"{calendar.day_start:%H:%M}–{calendar.day_end:%H:%M}"
    weekend = ",".join(str(d) for d in sorted(calendar.weekend))
    closed = [
        *(["祝日" if lang == "ja" else "public holidays"] if calendar.public_holidays else []),
        *((c.label_ja if lang == "ja" else c.label_en) for c in calendar.closures),
    ]
    if calendar.company_holidays:
        closed.append(
            f"会社休日 {len(calendar.company_holidays)} 日"
            if lang == "ja"
            else f"{len(calendar.company_holidays)} company holidays"
        )
    if lang == "ja":
        done = (
            f"{to_stage} 以降のステージへの到達"
            if to_stage
            else f"接触活動（{', '.join(contact)}）"
        )
        return (
            f"SLA: {stage} に初めて入った時点から営業時間 {within:g} 時間以内に"
            f"{done}があったリードの割合。営業時間は営業日の {hours}"
            f"（週末: 曜日番号 {weekend}、休業: {'、'.join(closed) or 'なし'}）。"
            "営業時間外の流入は次の始業から数える。期限を過ぎても未接触のリードは未達として数え、"
            "期限が as_of の日の終わりより後で未接触のリードはまだ判定せず、その期間は maturing。"
            "分子 = 期限内、分母 = 判定済み（期限内・遅延・未達）。"
        )
    done = (
        f"an entry of {to_stage} or a later stage"
        if to_stage
        else f"a contact activity ({', '.join(contact)}) matched by lead key or e-mail"
    )
    return (
        f"SLA: share of the leads first entering {stage} in the period that had {done} within "
        f"{within:g} business hours. Business hours are {hours} on business days (weekend "
        f"days {weekend}, Monday = 0; closed: {', '.join(closed) or 'none'}); an entry "
        "outside them starts counting at the next opening. A lead not reached by its "
        "deadline counts as missed; one whose deadline is after the end of the as_of day "
        "and not reached yet is not judged, and its period is maturing. Numerator = met, "
        "denominator = judged (met, late or missed)."
    )
