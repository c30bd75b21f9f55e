"""SMART lint and design advice: each rule fires where it should and stays quiet elsewhere."""

from __future__ import annotations

from ikkan.model.issues import Severity
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace


def codes(write_project, text: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, list[str]] = {}
    for issue in Workspace.open(write_project(text)).lint():
        found.setdefault(issue.code, []).append(issue.node or "")
    return found


BASE = """
ikkan: 1
company: {name: 株式会社サンプル}
plan: {period: FY2026}
nodes:
  revenue: {kind: KGI, unit: JPY, definition: x, formula: won * size, target: 100_000_000,
            owner: {department: exec}}
  won: {kind: KSF, unit: count, definition: x, formula: opps * rate}
  size: {kind: KPI, unit: JPY, definition: x, assumption: 1_000_000, owner: {department: sales}}
  opps: {kind: KPI, unit: count, definition: x, leading: true,
         metric: {type: stage_count, stage: opportunity}, owner: {department: inside_sales}}
  rate: {kind: KPI, unit: ratio, definition: x, assumption: 25%, owner: {department: sales}}
"""


def test_a_clean_tree_has_no_warnings(write_project) -> None:  # type: ignore[no-untyped-def]
    assert codes(write_project, BASE) == {}


def test_smart_rules(write_project) -> None:  # type: ignore[no-untyped-def]
    found = codes(
        write_project,
        BASE
        + """
  loose: {kind: KPI, unit: count}
""",
    )
    assert found["smart-specific"] == ["loose"]
    assert found["smart-measurable"] == ["loose"]
    assert found["smart-relevant"] == ["loose"]


def test_time_bound_without_any_period(write_project) -> None:  # type: ignore[no-untyped-def]
    text = BASE.replace("plan: {period: FY2026}\n", "")
    found = codes(write_project, text)
    assert "revenue" in found["smart-time-bound"]


def test_achievable_compares_with_the_baseline(write_project) -> None:  # type: ignore[no-untyped-def]
    text = BASE.replace("assumption: 25%, owner", "target: 40%, baseline: 20%, owner")
    issues = Workspace.open(write_project(text)).lint()
    achievable = [i for i in issues if i.code == "smart-achievable"]
    assert len(achievable) == 1 and "40.0%" in achievable[0].message
    assert "20.0%" in achievable[0].message and achievable[0].location is not None


def test_ksf_without_a_leading_kpi(write_project) -> None:  # type: ignore[no-untyped-def]
    found = codes(write_project, BASE.replace("leading: true,", ""))
    assert found["ksf-no-leading"] == ["won"]


def test_too_many_kpis_for_a_department(write_project) -> None:  # type: ignore[no-untyped-def]
    extra = "".join(
        f"  m{i}: {{kind: KPI, unit: count, definition: x, parent: revenue, target: 1,"
        f" assumption: 1, owner: {{department: marketing}}}}\n"
        for i in range(4)
    )
    found = codes(write_project, BASE + extra)
    assert "too-many-department-kpis" in found


def test_vanity_and_uncontrollable_department_kpis(write_project) -> None:  # type: ignore[no-untyped-def]
    found = codes(
        write_project,
        BASE
        + """
  market_share: {kind: KPI, unit: ratio, definition: x, parent: revenue, target: 10%,
                 owner: {department: marketing}, metric: {type: manual}}
  page_views: {kind: KPI, unit: count, definition: x, parent: revenue,
               owner: {department: marketing}, metric: {type: web, measure: page_views}}
  weather: {kind: KPI, unit: score, definition: x, parent: revenue, target: 1,
            controllable: false, owner: {department: sales}, metric: {type: manual}}
""",
    )
    assert set(found["vanity-kpi"]) == {"market_share", "page_views"}
    assert found["not-controllable"] == ["weather"]


def test_cost_marked_higher_is_better(write_project) -> None:  # type: ignore[no-untyped-def]
    found = codes(
        write_project,
        BASE
        + """
  cpa: {kind: KPI, unit: JPY, definition: x, parent: revenue, formula: size / opps}
""",
    )
    assert found["cost-direction"] == ["cpa"]


def test_the_bundled_templates_lint_without_errors(write_project) -> None:  # type: ignore[no-untyped-def]
    for lang in ("ja", "en"):
        issues = Workspace.open(write_project(template_text(lang))).lint()  # type: ignore[arg-type]
        assert not [i for i in issues if i.severity is Severity.ERROR]
        assert len(issues) <= 2, [str(i) for i in issues]
