"""Lead scores as Ibis expressions on unbound tables: SQL for any engine, no connection.

Two steps, each one statement:

1. ``reasons_expr``: one row per lead, as-of day and rule that gave points (``kind`` fit or
   engagement, ``grp``, ``rule_id``, ``events``, ``points``), plus one negative row per cap
   that bit (``rule_id`` ``cap:<group>``, or ``cap:fit`` / ``cap:engagement`` for a section
   cap). The rows of a lead add up to its score, by construction.
2. ``totals_expr``: per lead and as-of day, fit and engagement (sums of the reasons), score,
   grade, level, cell and MQL.

The as-of days come from table ``scoring_as_of`` (lead_key, as_of): every lead at today for
the current scores, each lead at the day it entered for the quality back-test, one lead at
many days for its history. An engagement event counts on the as-of day when it happened on
or before it; its age is counted in business days (table ``scoring_days``: the project
calendar's business-day numbers over the days the activities and as-of days span) or calendar days,
as the rule's decay says. Fit reads the lead's columns as they are now (leads have no
attribute history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ikkan.model.canonical import Column, ColumnType, Table
from ikkan.model.scoring import (
    ATTRIBUTE_PREFIX,
    DecaySpec,
    EngagementRuleSpec,
    FitRuleSpec,
    ScoringSpec,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

AS_OF = Table(
    "scoring_as_of",
    (Column("lead_key", ColumnType.STRING, False), Column("as_of", ColumnType.DATE, False)),
    ("lead_key", "as_of"),
    "the leads to score and the day to score each at",
)
REASONS = Table(
    "scoring_reasons",
    (
        Column("lead_key", ColumnType.STRING, False),
        Column("as_of", ColumnType.DATE, False),
        Column("kind", ColumnType.STRING, False, "fit or engagement"),
        Column("grp", ColumnType.STRING, False, "the cap group"),
        Column("rule_id", ColumnType.STRING, False, "the rule, or cap:<group> for a cap"),
        Column("events", ColumnType.INT64, False, "events counted (1 for a fit rule)"),
        Column("points", ColumnType.FLOAT64, False),
    ),
    ("lead_key", "as_of", "kind", "rule_id"),
    "the points behind every score, rule by rule",
)
DAYS = Table(
    "scoring_days",
    (Column("day", ColumnType.DATE, False), Column("number", ColumnType.INT64, False)),
    ("day",),
    "business days on or before each day (compute.business_days.rows), over the span scored",
)
NUMBER_TEXT = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"


def scoring_tables() -> dict[str, ir.Table]:
    """The unbound tables the scoring SQL reads."""
    import ibis

    from ikkan.compute.tables import bind_tables, ibis_schema

    tables = bind_tables()
    for table in (AS_OF, REASONS, DAYS):
        tables[table.name] = ibis.table(ibis_schema(table), name=table.name)
    return tables


def _row(rel: ir.Table, kind: str, group: str, rule_id: str, events: Any, points: Any) -> ir.Table:
    import ibis

    return rel.select(
        lead_key=rel.lead_key.cast("string"),
        as_of=rel.as_of.cast("date"),
        kind=ibis.literal(kind, "string"),
        grp=ibis.literal(group, "string"),
        rule_id=ibis.literal(rule_id, "string"),
        events=ibis.literal(events, "int64") if isinstance(events, int) else events.cast("int64"),
        points=ibis.literal(points, "float64")
        if isinstance(points, float | int)
        else points.cast("float64"),
    )


def _field(leads: ir.Table, name: str, numeric: bool) -> ir.Value:
    """A lead column, or a key of its ``attributes`` JSON (as text, or as a number)."""
    import ibis

    if not name.startswith(ATTRIBUTE_PREFIX):
        column = leads[name]
        if numeric and not column.type().is_numeric():
            text = column.cast("string")
            return ibis.ifelse(text.re_search(NUMBER_TEXT), text.cast("float64"), ibis.null())
        return column if numeric else column.cast("string")
    text = _json_text()(leads.attributes.cast("json"), name[len(ATTRIBUTE_PREFIX) :])
    if not numeric:
        return text
    return ibis.ifelse(text.re_search(NUMBER_TEXT), text.cast("float64"), ibis.null())


def _json_text() -> Any:
    """``json_extract_path_text(doc, key)``: a key's value as text (numbers too), on DuckDB
    and PostgreSQL alike (Ibis's own JSON accessor renders invalid SQL for PostgreSQL)."""
    import ibis
    import ibis.expr.datatypes as dt

    def json_extract_path_text(doc: Any, key: Any) -> Any:  # the body is never called
        raise NotImplementedError

    return ibis.udf.scalar.builtin(
        json_extract_path_text,
        name="json_extract_path_text",
        signature=((dt.json, dt.string), dt.string),
    )


def _fit_condition(leads: ir.Table, rule: FitRuleSpec) -> ir.BooleanValue:
    import ibis

    value = _field(leads, rule.field, rule.numeric)
    if rule.missing is not None:
        empty = value.isnull() | (value.cast("string").strip() == "")
        return empty if rule.missing else ~empty
    if rule.equals is not None:
        return value == rule.equals
    if rule.in_ is not None:
        return value.isin(rule.in_)
    if rule.contains is not None:
        tests = [value.contains(part) for part in rule.contains]
        return ibis.or_(*tests).fill_null(False)
    tests = []
    if rule.gte is not None:
        tests.append(value >= rule.gte)
    if rule.lt is not None:
        tests.append(value < rule.lt)
    return ibis.and_(*tests).fill_null(False)


def _fit_rows(spec: ScoringSpec, t: dict[str, ir.Table]) -> list[ir.Table]:
    leads = t["leads"].join(t["scoring_as_of"], "lead_key")
    return [
        _row(
            leads.filter(_fit_condition(leads, rule).fill_null(False)),
            "fit",
            rule.group or rule_id,
            rule_id,
            1,
            float(rule.points),
        )
        for rule_id, rule in spec.fit.rules.items()
    ]


def _touches(t: dict[str, ir.Table]) -> ir.Table:
    """Activities with the lead they belong to (by lead_key, else by e-mail) and their age
    on the lead's as-of day, in business and calendar days."""
    acts, leads = t["activities"], t["leads"]

    def shape(rel: ir.Table, key: ir.Value) -> ir.Table:
        return rel.select(
            lead_key=key.cast("string"),
            occurred_at=rel.occurred_at.cast("timestamp"),
            activity_type=rel.activity_type.cast("string"),
            detail=rel.detail.cast("string"),
        )

    direct = acts.filter(acts.lead_key.notnull())
    people = leads.filter(leads.email.notnull()).select(person=leads.email, key=leads.lead_key)
    by_mail = acts.filter(acts.lead_key.isnull() & acts.email.notnull())
    by_mail = by_mail.join(people, by_mail.email == people.person)
    matched = shape(direct, direct.lead_key).union(shape(by_mail, by_mail.key), distinct=False)
    asof = t["scoring_as_of"]
    joined = matched.join(asof, "lead_key")
    day = joined.occurred_at.date()
    joined = joined.filter(day <= joined.as_of).mutate(event_day=day)
    bd = t["scoring_days"]
    event_bd = bd.select(e_day=bd.day, e_number=bd.number)
    asof_bd = bd.select(a_day=bd.day, a_number=bd.number)
    joined = joined.left_join(event_bd, joined.event_day == event_bd.e_day)
    joined = joined.left_join(asof_bd, joined.as_of == asof_bd.a_day)
    return joined.select(
        "lead_key",
        "as_of",
        "occurred_at",
        "event_day",
        "activity_type",
        "detail",
        age_business=(joined.a_number - joined.e_number).cast("float64"),
        age_calendar=joined.as_of.delta(joined.event_day, unit="day").cast("float64"),
    )


def _weight(touches: ir.Table, decay: DecaySpec) -> ir.FloatingValue:
    import ibis

    if decay.kind == "none":
        return ibis.literal(1.0, "float64")
    age = touches.age_business if decay.calendar == "business" else touches.age_calendar
    if decay.kind == "window":
        return ibis.ifelse(age < decay.days, 1.0, 0.0).cast("float64")
    return ibis.greatest(0.0, 1.0 - age / decay.days).cast("float64")


def _engagement_rows(spec: ScoringSpec, t: dict[str, ir.Table]) -> list[ir.Table]:
    if not spec.engagement.rules:
        return []
    touches = _touches(t)
    out = []
    for rule_id, rule in spec.engagement.rules.items():
        out.append(_rule_events(touches, rule_id, rule, spec.engagement.decay))
    return out


def _rule_events(
    touches: ir.Table, rule_id: str, rule: EngagementRuleSpec, default: DecaySpec
) -> ir.Table:
    import ibis

    events = touches.filter(touches.activity_type == rule.activity)
    if rule.detail_contains:
        tests = [events.detail.contains(part) for part in rule.detail_contains]
        events = events.filter(ibis.or_(*tests).fill_null(False))
    if rule.max_per_day is not None:
        nth = ibis.row_number().over(
            group_by=[events.lead_key, events.as_of, events.event_day],
            order_by=events.occurred_at,
        )
        events = events.mutate(nth_in_day=nth).filter(lambda e: e.nth_in_day < rule.max_per_day)
    if rule.max_events is not None:
        nth = ibis.row_number().over(
            group_by=[events.lead_key, events.as_of], order_by=events.occurred_at
        )
        events = events.mutate(nth_event=nth).filter(lambda e: e.nth_event < rule.max_events)
    weight = _weight(events, rule.decay or default)
    events = events.mutate(earned=weight * float(rule.points))
    summed = events.group_by(["lead_key", "as_of"]).aggregate(
        n=events.count(), pts=events.earned.sum().round(2)
    )
    return _row(summed, "engagement", rule.group or rule_id, rule_id, summed.n, summed.pts)


def _cap_rows(rows: ir.Table, kind: str, caps: dict[str, float]) -> list[ir.Table]:
    """A negative row per group whose points pass its cap (caps bite on the sum)."""
    mine = rows.filter(rows.kind == kind)
    sums = mine.group_by(["lead_key", "as_of", "grp"]).aggregate(total=mine.points.sum())
    out = []
    for group, cap in caps.items():
        over = sums.filter((sums.grp == group) & (sums.total > float(cap)))
        out.append(_row(over, kind, group, f"cap:{group}", 0, (float(cap) - over.total).round(2)))
    return out


def _section_cap(rows: ir.Table, kind: str, cap: float | None) -> list[ir.Table]:
    if cap is None:
        return []
    mine = rows.filter(rows.kind == kind)
    sums = mine.group_by(["lead_key", "as_of"]).aggregate(total=mine.points.sum())
    over = sums.filter(sums.total > float(cap))
    return [_row(over, kind, kind, f"cap:{kind}", 0, (float(cap) - over.total).round(2))]


def _union(parts: list[ir.Table]) -> ir.Table:
    import ibis

    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def reasons_expr(spec: ScoringSpec, tables: dict[str, ir.Table] | None = None) -> ir.Table:
    """Every reason row for the leads and days in ``scoring_as_of`` (schema ``REASONS``)."""
    t = tables or scoring_tables()
    raw = [*_fit_rows(spec, t), *_engagement_rows(spec, t)]
    if not raw:
        import ibis

        empty = t["scoring_as_of"].filter(ibis.literal(False))
        return _row(empty, "fit", "", "", 0, 0.0)
    rules = _union(raw)
    caps = [
        *_cap_rows(rules, "fit", dict(spec.fit.caps)),
        *_cap_rows(rules, "engagement", dict(spec.engagement.caps)),
    ]
    grouped = _union([rules, *caps]) if caps else rules
    sections = [
        *_section_cap(grouped, "fit", spec.fit.cap),
        *_section_cap(grouped, "engagement", spec.engagement.cap),
    ]
    return _union([grouped, *sections]) if sections else grouped


def totals_expr(spec: ScoringSpec, tables: dict[str, ir.Table] | None = None) -> ir.Table:
    """Per lead and as-of day: fit, engagement, score, grade, level, cell, mql (reading the
    reasons from table ``scoring_reasons``)."""
    import ibis

    t = tables or scoring_tables()
    r = t["scoring_reasons"]
    sums = r.group_by(["lead_key", "as_of"]).aggregate(
        fit_sum=r.points.sum(where=r.kind == "fit"),
        eng_sum=r.points.sum(where=r.kind == "engagement"),
    )
    asof = t["scoring_as_of"]
    joined = asof.left_join(
        sums, (asof.lead_key == sums.lead_key) & (asof.as_of == sums.as_of)
    ).select(
        lead_key=asof.lead_key,
        as_of=asof.as_of,
        fit=sums.fit_sum.fill_null(0.0).round(2),
        engagement=sums.eng_sum.fill_null(0.0).round(2),
    )
    g = spec.grades
    grade = ibis.cases((joined.fit >= float(g.A), "A"), (joined.fit >= float(g.B), "B"), else_="C")
    level = ibis.cases(
        (joined.engagement >= float(g.level_1), "1"),
        (joined.engagement >= float(g.level_2), "2"),
        else_="3",
    )
    scored = joined.mutate(
        score=(joined.fit + joined.engagement).round(2), grade=grade, level=level
    )
    scored = scored.mutate(cell=scored.grade.concat(scored.level))
    return scored.mutate(mql=_mql(spec, scored))


def _mql(spec: ScoringSpec, scored: ir.Table) -> ir.BooleanValue:
    import ibis

    tests: list[ir.BooleanValue] = []
    if spec.mql.cells:
        tests.append(scored.cell.isin(spec.mql.cell_set))
    if spec.mql.min_score is not None:
        tests.append(scored.score >= float(spec.mql.min_score))
    if not tests:
        return ibis.literal(False)
    return ibis.and_(*tests) if spec.mql.match == "all" else ibis.or_(*tests)
