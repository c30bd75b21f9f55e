"""``ikkan validate`` for ``alerts:``: references to nodes, sources and breakdowns, each
problem at its line in ikkan.yml with a hint."""

from __future__ import annotations

from ikkan.alerts.rules import RuleKind
from ikkan.errors import did_you_mean
from ikkan.model.issues import Issue, error
from ikkan.model.spec import Direction, ProjectSpec
from ikkan.project.loader import SourceMap


def alert_issues(spec: ProjectSpec, source_map: SourceMap) -> list[Issue]:
    issues: list[Issue] = []
    nodes = spec.nodes
    for rule_id, rule in spec.alerts.items():
        if rule.node is not None and rule.node not in nodes:
            issues.append(
                error(
                    "alert-node",
                    f"alert '{rule_id}': unknown node '{rule.node}'",
                    source_map.top("alerts", rule_id, "node"),
                    hint=did_you_mean(rule.node, nodes) or "node ids are the keys under nodes:",
                )
            )
        node = nodes.get(rule.node or "")
        if (
            rule.kind is RuleKind.ALLOWABLE
            and node is not None
            and node.direction is not Direction.LOWER
        ):
            issues.append(
                error(
                    "alert-allowable",
                    f"alert '{rule_id}': '{rule.node}' is higher-is-better; an allowable "
                    "value is a ceiling for a cost such as CPA or CAC",
                    source_map.top("alerts", rule_id, "kind"),
                    hint="use kind: target, or set direction: lower on the node",
                )
            )
        if node is not None and node.metric is None and node.formula is None:
            issues.append(
                error(
                    "alert-unmeasured",
                    f"alert '{rule_id}': '{rule.node}' has neither a metric nor a formula, "
                    "so it has no values to watch",
                    source_map.top("alerts", rule_id, "node"),
                    hint="add metric: to the node or watch another node",
                )
            )
        stages = [stage.id for stage in spec.funnel.stages]
        for key in ("from_stage", "to_stage"):
            named = getattr(rule, key)
            if named is not None and named not in stages:
                issues.append(
                    error(
                        "alert-stage",
                        f"alert '{rule_id}': unknown funnel stage '{named}'",
                        source_map.top("alerts", rule_id, key),
                        hint=did_you_mean(named, stages) or "stages: " + ", ".join(stages),
                    )
                )
        if (
            rule.from_stage in stages
            and rule.to_stage in stages
            and stages.index(rule.to_stage) <= stages.index(str(rule.from_stage))
        ):
            issues.append(
                error(
                    "alert-stage",
                    f"alert '{rule_id}': to_stage '{rule.to_stage}' does not come after "
                    f"from_stage '{rule.from_stage}' in the funnel",
                    source_map.top("alerts", rule_id, "to_stage"),
                    hint="funnel order: " + " → ".join(stages),
                )
            )
        from ikkan.model.canonical import ACTIVITY_TYPES

        for index, kind in enumerate(rule.contact if rule.kind is RuleKind.SLA else []):
            if kind not in ACTIVITY_TYPES:
                issues.append(
                    error(
                        "alert-contact",
                        f"alert '{rule_id}': unknown activity type '{kind}'",
                        source_map.top("alerts", rule_id, "contact", index),
                        hint=did_you_mean(kind, ACTIVITY_TYPES)
                        or "activity types: " + ", ".join(ACTIVITY_TYPES),
                    )
                )
        if (
            rule.dimension is not None
            and rule.kind is not RuleKind.SLA
            and rule.dimension not in spec.measure.dimensions
        ):
            issues.append(
                error(
                    "alert-dimension",
                    f"alert '{rule_id}': refresh does not compute a breakdown by "
                    f"'{rule.dimension}'",
                    source_map.top("alerts", rule_id, "dimension"),
                    hint="add it to measure.dimensions; computed: "
                    + (", ".join(spec.measure.dimensions) or "none"),
                )
            )
        if rule.grain not in spec.measure.grains:
            issues.append(
                error(
                    "alert-grain",
                    f"alert '{rule_id}': refresh does not compute {rule.grain} values",
                    source_map.top("alerts", rule_id, "grain"),
                    hint="add it to measure.grains or pick one of "
                    + ", ".join(spec.measure.grains),
                )
            )
        if rule.source is not None:
            from ikkan.services.ingest import READER_FAMILIES

            known = [*spec.sources, *READER_FAMILIES]
            if rule.source not in known:
                issues.append(
                    error(
                        "alert-source",
                        f"alert '{rule_id}': unknown source '{rule.source}'",
                        source_map.top("alerts", rule_id, "source"),
                        hint=did_you_mean(rule.source, known)
                        or "name a source under sources: or a reader (hubspot, salesforce …)",
                    )
                )
        for index, channel in enumerate(rule.notify or []):
            if channel not in spec.notify.channels:
                issues.append(
                    error(
                        "alert-channel",
                        f"alert '{rule_id}': unknown channel '{channel}'",
                        source_map.top("alerts", rule_id, "notify", index),
                        hint=did_you_mean(channel, spec.notify.channels)
                        or "channels are the keys under notify.channels",
                    )
                )
        for index, target in enumerate(rule.inhibits or []):
            if target not in nodes:
                issues.append(
                    error(
                        "alert-node",
                        f"alert '{rule_id}': inhibits unknown node '{target}'",
                        source_map.top("alerts", rule_id, "inhibits", index),
                        hint=did_you_mean(target, nodes) or "node ids are the keys under nodes:",
                    )
                )
    return issues
