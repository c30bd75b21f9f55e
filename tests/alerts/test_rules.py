"""The alerts: section: valid rules load; each mistake is reported at its YAML line."""

from __future__ import annotations

from datetime import timedelta

from ikkan.alerts.rules import RuleKind
from ikkan.workspace import Workspace

HEAD = """\
ikkan: 1
company: {name: 株式会社サンプル}
plan: {period: FY2026}
sources:
  crm: {reader: hubspot, path: exports}
nodes:
  leads: {kind: KGI, unit: count, target: 100, metric: {type: stage_count, stage: lead}}
  cpa: {kind: KPI, unit: JPY, direction: lower, target: 10000, metric: {type: manual}}
  note: {kind: KPI, unit: count}
alerts:
"""


def issues(write_project, body: str):  # type: ignore[no-untyped-def]
    return Workspace.open(write_project(HEAD + body)).validate()


def located(issues, code):  # type: ignore[no-untyped-def]
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def test_valid_rules_load_with_durations_and_margins(write_project) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(
        write_project(
            HEAD
            + """\
  leads_pace: {node: leads, kind: pacing, margin: 15%, for: 2d, keep_firing: 12h, repeat: 1w}
  cpa_cap: {node: cpa, kind: allowable, dimension: channel, label: {ja: CPA超過, en: CPA over}}
  crm_stale: {kind: stale, source: crm, days: 3}
"""
        )
    )
    assert [str(i) for i in ws.validate() if i.severity == "error"] == []
    rules = ws.spec.alerts
    assert rules["leads_pace"].kind is RuleKind.PACING
    assert rules["leads_pace"].margin == 0.15
    assert rules["leads_pace"].pending == timedelta(days=2)
    assert rules["leads_pace"].keep_firing == timedelta(hours=12)
    assert rules["leads_pace"].repeat == timedelta(weeks=1)
    assert rules["cpa_cap"].name("cpa_cap", "ja") == "CPA超過"
    assert rules["crm_stale"].days == 3


def test_unknown_key_is_reported_at_its_line_with_a_hint(write_project) -> None:  # type: ignore[no-untyped-def]
    found = issues(write_project, "  a: {node: leads, kind: target, marjin: 10%}\n")
    issue = located(found, "unknown-key")
    assert issue.location is not None and issue.location.line == 11
    assert issue.hint == "did you mean 'margin'?"


def test_bad_duration_names_the_rule_and_line(write_project) -> None:  # type: ignore[no-untyped-def]
    found = issues(write_project, "  a:\n    node: leads\n    kind: target\n    for: two days\n")
    issue = located(found, "schema")
    assert "alerts.a.for" in issue.message and "30m, 4h, 2d or 1w" in issue.message
    assert issue.location is not None and issue.location.line == 14


def test_kind_mismatch_is_explained(write_project) -> None:  # type: ignore[no-untyped-def]
    found = issues(write_project, "  a: {node: leads, kind: pacing, dimension: channel}\n")
    issue = located(found, "schema")
    assert "cannot run per dimension" in issue.message
    assert issue.location is not None and issue.location.line == 11


def test_unknown_node_source_and_dimension_are_located(write_project) -> None:  # type: ignore[no-untyped-def]
    found = issues(
        write_project,
        """\
  a: {node: lead, kind: target}
  b: {kind: stale, source: crn, days: 2}
  c: {node: leads, kind: change, dimension: owner}
""",
    )
    node = located(found, "alert-node")
    assert node.hint == "did you mean 'leads'?" and node.location.line == 11
    source = located(found, "alert-source")
    assert source.hint == "did you mean 'crm'?" and source.location.line == 12
    dim = located(found, "alert-dimension")
    assert "owner" in dim.message and dim.location.line == 13


def test_allowable_needs_a_lower_is_better_node(write_project) -> None:  # type: ignore[no-untyped-def]
    issue = located(
        issues(write_project, "  a: {node: leads, kind: allowable}\n"), "alert-allowable"
    )
    assert "higher-is-better" in issue.message


def test_unmeasured_node_cannot_be_watched(write_project) -> None:  # type: ignore[no-untyped-def]
    issue = located(
        issues(write_project, "  a: {node: note, kind: threshold, value: 3}\n"), "alert-unmeasured"
    )
    assert issue.location.line == 11


def test_stage_to_stage_sla_rules_are_checked_at_their_lines(write_project) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(
        write_project(
            HEAD + "  so: {kind: sla, from_stage: sql, to_stage: opportunity, within: 80}\n"
        )
    )
    assert [str(i) for i in ws.validate() if i.severity == "error"] == []
    assert ws.spec.alerts["so"].to_stage == "opportunity"
    unknown = located(
        issues(
            write_project, "  so: {kind: sla, from_stage: sql, to_stage: oportunity, within: 8}\n"
        ),
        "alert-stage",
    )
    assert unknown.location is not None and unknown.location.line == 11
    assert unknown.hint == "did you mean 'opportunity'?"
    backwards = located(
        issues(write_project, "  so: {kind: sla, from_stage: sql, to_stage: mql, within: 8}\n"),
        "alert-stage",
    )
    assert "does not come after" in str(backwards)
    both = issues(
        write_project,
        "  so: {kind: sla, from_stage: sql, to_stage: opportunity, contact: [call], within: 8}\n",
    )
    assert any("not both" in str(i) for i in both)
