"""Rich output: issues, the plan tree with aligned columns (Japanese is double width)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ikkan.cli.terminal import clean, one_line
from ikkan.cli.terminal import console as console  # every command prints through these
from ikkan.cli.terminal import err_console as err_console
from ikkan.errors import ProjectInvalid, UserError
from ikkan.model.formatting import format_change, format_value
from ikkan.model.issues import Issue, Severity
from ikkan.model.planning import PeriodPlan, Plan
from ikkan.model.solver import How
from ikkan.model.tree import KpiTree

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
HOW_LABEL = {
    "en": {
        How.TARGET: "target",
        How.ASSUMPTION: "assumption",
        How.SHARE: "share",
        How.SOLVED: "worked back",
        How.EVALUATED: "computed",
        How.PHASED: "phased",
        How.BASELINE: "baseline",
    },
    "ja": {
        How.TARGET: "目標",
        How.ASSUMPTION: "前提",
        How.SHARE: "構成比",
        How.SOLVED: "逆算",
        How.EVALUATED: "計算",
        How.PHASED: "按分",
        How.BASELINE: "実績",
    },
}
TEXT = {
    "en": {
        "node": "Node",
        "kind": "Kind",
        "owner": "Owner",
        "how": "How",
        "commit": "Commit",
        "stretch": "Stretch",
        "gaps": "Gaps (the plan's own numbers disagree)",
        "given": "planned",
        "computed": "inputs give",
        "diff": "difference",
        "bottom_up": "Bottom-up: current rates and volumes vs the target",
        "projected": "projected",
        "target": "target",
        "lever": "Lever",
        "now": "current",
        "required": "needed alone",
        "change": "change",
        "undetermined": "Undetermined",
        "needs": "give one of these an assumption or a target",
        "no_issues": "No problems found.",
        "missing": "add a baseline (current value) to complete the bottom-up view",
    },
    "ja": {
        "node": "ノード",
        "kind": "種別",
        "owner": "担当",
        "how": "根拠",
        "commit": "コミット",
        "stretch": "ストレッチ",
        "gaps": "ギャップ（計画の数値どうしが合わない箇所）",
        "given": "計画値",
        "computed": "入力からの計算",
        "diff": "差",
        "bottom_up": "積み上げ: 現状の率・量で見込める値と目標",
        "projected": "見込み",
        "target": "目標",
        "lever": "レバー",
        "now": "現状",
        "required": "単独で必要な値",
        "change": "変化",
        "undetermined": "未確定",
        "needs": "いずれかに前提（assumption）か目標を設定してください",
        "no_issues": "問題は見つかりませんでした。",
        "missing": "積み上げを完成させるには現状値（baseline）が必要です",
    },
}


def print_error(exc: UserError) -> None:
    if isinstance(exc, ProjectInvalid):
        err_console.print(Text("Error: the project has problems:", style="bold red"))
        for issue in exc.issues:
            if isinstance(issue, Issue):
                print_issue(issue, err_console)
            else:
                err_console.print(clean(issue))
        return
    err_console.print(Text("Error: ", style="bold red") + Text(clean(exc.render())))


def print_issue(issue: Issue, target: Console | None = None) -> None:
    out = target or console
    line = Text()
    if issue.location:
        line.append(f"{one_line(issue.location)}: ", style="bold")
    line.append(f"{issue.severity}", style=SEVERITY_STYLE[issue.severity])
    line.append(f"[{issue.code}]: ", style="dim")
    line.append(clean(issue.message))
    out.print(line)
    if issue.hint:
        out.print(Text(f"  hint: {clean(issue.hint)}", style="dim"))


def print_issues(issues: list[Issue], lang: str) -> None:
    if not issues:
        console.print(Text(TEXT[lang]["no_issues"], style="green"))
        return
    for issue in issues:
        print_issue(issue)
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    console.print(Text(f"{errors} error(s), {warnings} warning(s)", style="bold"))


def _value_cell(period_plan: PeriodPlan, node_id: str, plan: Plan, lang: str) -> str:
    value = period_plan.values.get(node_id)
    node = plan.tree.nodes[node_id]
    if value is None:
        return "?"
    text = format_value(value.value, node.unit, lang)
    return text + ("↑" if value.rounded else "")


def print_plan(plan: Plan, period_plans: dict[str, PeriodPlan], lang: str) -> None:
    t = TEXT[lang]
    tree = plan.tree
    first = next(iter(period_plans.values()))
    title = f"{tree.spec.company.name} — {first.period.label(lang)}"
    table = Table(
        title=title,
        title_justify="left",
        show_lines=False,
        pad_edge=False,
        box=None,
        header_style="bold",
    )
    rows: list[tuple[Text, str, list[str], str]] = []
    for node_id, depth, first_seen in tree.walk():
        node = tree.nodes[node_id]
        name = Text("  " * depth)
        kind = str(node.kind)
        if kind != "KPI":
            name.append(f"{kind} ", style={"KGI": "bold magenta", "KSF": "bold cyan"}[kind])
        name.append(one_line(node.name(lang)), style="bold" if kind != "KPI" else "")
        if not first_seen:
            name.append(" ↩", style="dim")
        how = first.values.get(node_id)
        rows.append(
            (
                name,
                _department(tree, node.department, lang),
                [_value_cell(p, node_id, plan, lang) for p in period_plans.values()],
                HOW_LABEL[lang].get(how.how, str(how.how)) if how else "",
            )
        )
    # numbers are never cut: on a narrow terminal the owner and "how" columns go first
    widths = [
        max([cell_len(t.get(s, s)), *(cell_len(r[2][i]) for r in rows)])
        for i, s in enumerate(period_plans)
    ]
    names = max(cell_len(r[0].plain) for r in rows)
    spare = console.width - names - sum(widths) - 2 * (len(widths) + 1)
    show_how, show_owner = spare >= 30, spare >= 14
    table.add_column(t["node"], no_wrap=True, overflow="ellipsis", min_width=12)
    if show_owner:
        table.add_column(t["owner"], no_wrap=True, overflow="ellipsis", style="dim", max_width=14)
    for scenario, widest in zip(period_plans, widths, strict=True):
        table.add_column(t.get(scenario, scenario), justify="right", no_wrap=True, min_width=widest)
    if show_how:
        table.add_column(t["how"], no_wrap=True, overflow="ellipsis", style="dim", max_width=12)
    for name, owner, values, how_text in rows:
        table.add_row(
            name, *([owner] if show_owner else []), *values, *([how_text] if show_how else [])
        )
    console.print(table)
    console.print(Text("↑ " + plan.rounding_note, style="dim"))
    _print_gaps(plan, first, lang)
    _print_undetermined(plan, first, lang)
    _print_bottom_up(plan, lang)


def _department(tree: KpiTree, department: str | None, lang: str) -> str:
    if department is None:
        return ""
    from ikkan.model.spec import BUILTIN_DEPARTMENTS

    custom = tree.spec.departments.get(department)
    label = custom.label if custom and custom.label else BUILTIN_DEPARTMENTS.get(department)
    if label is None:
        return department
    return (label.ja if lang == "ja" else label.en) or department


def _print_gaps(plan: Plan, period_plan: PeriodPlan, lang: str) -> None:
    gaps = plan.scenarios[period_plan.scenario].gaps
    if not gaps:
        return
    t = TEXT[lang]
    table = Table(title=t["gaps"], title_justify="left")
    for col in (t["node"], t["given"], t["computed"], t["diff"]):
        table.add_column(col, justify="left" if col == t["node"] else "right")
    for gap in gaps:
        node = plan.tree.nodes[gap.node]
        table.add_row(
            node.name(lang),
            format_value(gap.given, node.unit, lang),
            format_value(gap.computed, node.unit, lang),
            format_value(gap.difference, node.unit, lang),
        )
    console.print(table)


def _print_undetermined(plan: Plan, period_plan: PeriodPlan, lang: str) -> None:
    if not period_plan.undetermined:
        return
    t = TEXT[lang]
    console.print(Text(t["undetermined"], style="bold yellow"))
    for node_id, needs in period_plan.undetermined.items():
        hint = f" — {t['needs']}: {', '.join(needs)}" if needs else ""
        console.print(f"  {plan.tree.nodes[node_id].name(lang)}{hint}")


def _print_bottom_up(plan: Plan, lang: str) -> None:
    bottom = plan.bottom_up
    if bottom is None:
        return
    t = TEXT[lang]
    kgi = plan.tree.nodes[bottom.kgi]
    console.print(Text(t["bottom_up"], style="bold"))
    console.print(
        f"  {kgi.name(lang)}: {t['projected']} {format_value(bottom.kgi_projected, kgi.unit, lang)}"
        f" / {t['target']} {format_value(bottom.kgi_target, kgi.unit, lang)}"
        f" ({format_value(bottom.gap, kgi.unit, lang)})"
    )
    if bottom.missing:
        names = ", ".join(plan.tree.nodes[n].name(lang) for n in bottom.missing)
        console.print(Text(f"  {t['missing']}: {clean(names)}", style="yellow"))
    if not bottom.levers:
        return
    table = Table(show_edge=False)
    for col in (t["lever"], t["now"], t["required"], t["change"]):
        table.add_column(col, justify="left" if col == t["lever"] else "right")
    for lever in bottom.levers:
        node = plan.tree.nodes[lever.node]
        table.add_row(
            node.name(lang),
            format_value(lever.current, node.unit, lang),
            format_value(lever.required, node.unit, lang),
            format_change(lever.change),
        )
    console.print(table)
