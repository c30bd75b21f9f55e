"""``ikkan validate`` for ``scoring:``: fields, conditions and cap groups, each problem at its
line in ikkan.yml with a hint (the schema itself is checked by pydantic in the loader)."""

from __future__ import annotations

from ikkan.errors import did_you_mean
from ikkan.model.issues import Issue, error, warning
from ikkan.model.scoring import ATTRIBUTE_PREFIX, FIT_COLUMNS
from ikkan.model.spec import ProjectSpec
from ikkan.project.loader import SourceMap


def scoring_issues(spec: ProjectSpec, source_map: SourceMap) -> list[Issue]:
    scoring = spec.scoring
    if scoring is None:
        return []
    issues: list[Issue] = []
    for rule_id, rule in scoring.fit.rules.items():
        where = ("scoring", "fit", "rules", rule_id)
        if rule.field.startswith(ATTRIBUTE_PREFIX):
            if not rule.field[len(ATTRIBUTE_PREFIX) :].strip():
                issues.append(
                    error(
                        "scoring-field",
                        f"fit rule '{rule_id}': attributes. needs a key",
                        source_map.top(*where, "field"),
                        hint="e.g. field: attributes.Job Title (a column kept from the export)",
                    )
                )
            continue
        kind = FIT_COLUMNS.get(rule.field)
        if kind is None:
            issues.append(
                error(
                    "scoring-field",
                    f"fit rule '{rule_id}': unknown lead field '{rule.field}'",
                    source_map.top(*where, "field"),
                    hint=did_you_mean(rule.field, FIT_COLUMNS)
                    or "valid fields: " + ", ".join(FIT_COLUMNS) + ", or attributes.<key>",
                )
            )
            continue
        if kind == "text" and rule.numeric:
            issues.append(
                error(
                    "scoring-condition",
                    f"fit rule '{rule_id}': '{rule.field}' is text; gte / lt compare numbers",
                    source_map.top(*where, "field"),
                    hint="use equals, in or contains",
                )
            )
        if kind == "number" and (rule.contains is not None):
            issues.append(
                error(
                    "scoring-condition",
                    f"fit rule '{rule_id}': '{rule.field}' is a number; contains reads text",
                    source_map.top(*where, "contains"),
                    hint="use gte and lt, e.g. {gte: 100, lt: 300}",
                )
            )
        if rule.gte is not None and rule.lt is not None and rule.gte >= rule.lt:
            issues.append(
                error(
                    "scoring-condition",
                    f"fit rule '{rule_id}': the range gte {rule.gte:g} … lt {rule.lt:g} is empty",
                    source_map.top(*where, "gte"),
                    hint="gte is the least value included, lt the first value excluded",
                )
            )
    for section in ("fit", "engagement"):
        part = getattr(scoring, section)
        groups = {rule.group or rule_id for rule_id, rule in part.rules.items()}
        for group in part.caps:
            if group not in groups:
                issues.append(
                    warning(
                        "scoring-cap",
                        f"{section} cap '{group}' names no group of a {section} rule",
                        source_map.top("scoring", section, "caps", group, key=True),
                        hint=did_you_mean(group, sorted(groups))
                        or "a rule's group is its `group:` or, without one, its id",
                    )
                )
    if not scoring.fit.rules and not scoring.engagement.rules:
        issues.append(
            warning(
                "scoring-empty",
                "scoring: has no rules; every lead scores 0",
                source_map.top("scoring"),
                hint="add rules under scoring.fit.rules and scoring.engagement.rules",
            )
        )
    return issues
