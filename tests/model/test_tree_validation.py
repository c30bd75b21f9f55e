"""Each kind of bad spec gives one clear, located message."""

from __future__ import annotations

import pytest

from ikkan.errors import ProjectInvalid, SpecError
from ikkan.workspace import Workspace

HEAD = "ikkan: 1\ncompany: {name: 株式会社サンプル}\nplan: {period: FY2026}\nnodes:\n"


def issues_of(write_project, body: str, **files: str):  # type: ignore[no-untyped-def]
    return Workspace.open(write_project(HEAD + body, **files)).validate()


def only(issues, code):  # type: ignore[no-untyped-def]
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def test_unknown_name_with_close_match_at_its_column(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  won: {kind: KGI, unit: count, formula: opportunitys * win_rate, target: 10}
  opportunities: {kind: KPI, unit: count}
  win_rate: {kind: KPI, unit: ratio, assumption: 0.2}
""",
    )
    issue = only(issues, "unknown-name")
    assert "opportunitys" in issue.message
    assert issue.hint == "did you mean 'opportunities'?"
    assert (issue.location.line, issue.location.column) == (5, 42)
    assert "ikkan.yml:5:42: error[unknown-name]" in str(issue)


def test_formula_syntax_error_points_at_the_column(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  won:
    kind: KGI
    formula: "opportunities * * win_rate"
  opportunities: {kind: KPI}
  win_rate: {kind: KPI}
""",
    )
    issue = only(issues, "formula-syntax")
    assert (issue.location.line, issue.location.column) == (7, 31)


def test_cycle(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  a: {kind: KGI, formula: b + 1}
  b: {kind: KPI, formula: c * 2}
  c: {kind: KPI, formula: a / 3}
""",
    )
    issue = only(issues, "cycle")
    assert "a → b → c → a" in issue.message or "→" in issue.message
    assert issue.location.line in (5, 6, 7)


def test_unknown_key_with_hint(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  revenue: {kind: KGI, unit: JPY, formla: a * b, target: 10}
""",
    )
    issue = only(issues, "unknown-key")
    assert issue.message == "unknown key 'formla'"
    assert issue.hint == "did you mean 'formula'?"
    assert issue.location.line == 5


def test_wrong_enum_value(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(write_project, "  r: {kind: KPl}\n")
    issue = only(issues, "schema")
    assert "kind" in issue.message and issue.hint and "KGI" in issue.hint


def test_unit_mismatch_yen_plus_count(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  revenue: {kind: KGI, unit: JPY, formula: sales + leads}
  sales: {kind: KPI, unit: JPY}
  leads: {kind: KPI, unit: count}
""",
    )
    issue = only(issues, "unit-mismatch")
    assert "JPY" in issue.message and "count" in issue.message
    assert issue.location.column == 52  # at 'leads'


def test_unit_of_formula_must_match_node(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  cpa: {kind: KGI, unit: count, formula: budget / leads}
  budget: {kind: KPI, unit: JPY}
  leads: {kind: KPI, unit: count}
""",
    )
    assert "gives JPY" in only(issues, "unit-mismatch").message


def test_summed_node_without_share(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  revenue: {kind: KGI, unit: JPY, formula: new_revenue + existing_revenue, target: 100}
  new_revenue: {kind: KSF, unit: JPY, share: 0.6}
  existing_revenue: {kind: KSF, unit: JPY}
""",
    )
    issue = only(issues, "missing-share")
    assert issue.node == "existing_revenue"
    assert issue.hint == "add share: 0.4 (the remainder)"


def test_shares_must_add_up(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  revenue: {kind: KGI, unit: JPY, formula: a + b, target: 100}
  a: {kind: KSF, unit: JPY, share: 0.6}
  b: {kind: KSF, unit: JPY, share: 50%}
""",
    )
    assert "1.1" in only(issues, "shares-sum").message


def test_unknown_department_and_unit(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  r: {kind: KGI, unit: yenn, owner: {department: marketting}}
""",
    )
    assert only(issues, "unknown-department").hint == "did you mean 'marketing'?"
    assert "valid values" in (only(issues, "unknown-unit").hint or "")


def test_every_problem_at_once(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(
        write_project,
        """\
  won: {kind: KGI, formula: opps * rate, targt: 1}
  rate: {kind: KPI, unit: ratio, share: 3}
  x: {kind: KPI, formula: "a +"}
""",
    )
    codes = {i.code for i in issues}
    assert {"unknown-key", "unknown-name", "formula-syntax", "bad-share"} <= codes


def test_included_files_keep_their_own_lines(write_project) -> None:  # type: ignore[no-untyped-def]
    folder = write_project(
        "ikkan: 1\ncompany: {name: x}\ninclude: [nodes/*.yml]\nnodes:\n"
        "  revenue: {kind: KGI, unit: JPY, formula: won * size}\n",
        **{
            "nodes/sales.yml": "nodes:\n  won: {kind: KPI, unit: count}\n\n"
            "  size: {kind: KPI, unit: JPY, ownr: x}\n"
        },
    )
    issues = Workspace.open(folder).validate()
    issue = only(issues, "unknown-key")
    assert issue.location.path.endswith("nodes/sales.yml")
    assert issue.location.line == 4


def test_duplicate_yaml_key(write_project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError) as info:
        Workspace.open(write_project(HEAD + "  a: {kind: KGI}\n  a: {kind: KPI}\n"))
    assert "duplicate key 'a'" in info.value.message and info.value.location.line == 6


def test_yaml_syntax_error_is_located(write_project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError) as info:
        Workspace.open(write_project(HEAD + "  a: {kind: KGI\n"))
    assert info.value.location is not None and info.value.location.line >= 5


def test_plan_refuses_an_invalid_project(write_project) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(write_project(HEAD + "  a: {kind: KGI, formula: b}\n"))
    with pytest.raises(ProjectInvalid) as info:
        ws.plan()
    assert info.value.issues


def test_hostile_strings_are_data(write_project) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(
        write_project(
            HEAD
            + """\
  revenue:
    kind: KGI
    unit: JPY
    label: {ja: "=cmd|' /C calc'!A0", en: "<script>alert(1)</script>"}
    definition: "'; DROP TABLE leads; --"
    target: 100
"""
        )
    )
    assert not ws.has_errors
    assert ws.tree.nodes["revenue"].label.en == "<script>alert(1)</script>"  # type: ignore[union-attr]


def test_any_iso_4217_currency_is_a_unit(write_project) -> None:  # type: ignore[no-untyped-def]
    from ikkan.model.formatting import format_value

    folder = write_project(
        "ikkan: 1\ncompany: {name: Olist, currency: BRL}\nplan: {period: FY2026}\nnodes:\n"
        "  revenue: {kind: KGI, unit: BRL, formula: deals * size}\n"
        "  deals: {kind: KPI, unit: count}\n"
        "  size: {kind: KPI, unit: currency}\n"
    )
    ws = Workspace.open(folder)
    assert not [i for i in ws.validate() if i.code in ("unknown-unit", "unit-mismatch")]
    assert ws.tree is not None
    unit = ws.tree.nodes["revenue"].unit
    assert unit is not None and unit.currency == "BRL"
    assert ws.tree.nodes["size"].unit == unit  # `currency` is the company's BRL
    assert format_value(1234.5, unit) == "BRL 1,234"


def test_a_three_letter_word_is_not_a_currency(write_project) -> None:  # type: ignore[no-untyped-def]
    issues = issues_of(write_project, "  r: {kind: KGI, unit: xyz}\n  s: {kind: KPI, unit: XYZ}\n")
    assert len([i for i in issues if i.code == "unknown-unit"]) == 2
