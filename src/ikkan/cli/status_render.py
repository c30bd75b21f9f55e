"""Rich output of ``ikkan status`` and ``ikkan explain``."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ikkan.cli.render import console
from ikkan.cli.terminal import clean, one_line
from ikkan.model.formatting import format_value
from ikkan.model.tree import KpiTree
from ikkan.model.units import UnitKind
from ikkan.services.status import StatusReport

RAG_STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "unknown": "dim"}
PACE_STYLE = {"on_track": "green", "at_risk": "yellow", "behind": "bold red"}
TEXT = {
    "en": {
        "node": "Node",
        "actual": "Actual",
        "target": "Commit",
        "stretch": "Stretch",
        "ach": "Achiev.",
        "rag": "RAG",
        "pace": "Pace",
        "projected": "Projected",
        "mom": "vs prev.",
        "yoy": "YoY",
        "bottleneck": "The bottleneck",
        "contrib": "Contributions to the KGI gap",
        "gap": "gap",
        "maturing": "maturing",
        "as_of": "as of",
        "none": "no miss to explain",
        "by": "by",
        "bench": "benchmark",
    },
    "ja": {
        "node": "ノード",
        "actual": "実績",
        "target": "目標",
        "stretch": "ストレッチ",
        "ach": "達成率",
        "rag": "判定",
        "pace": "ペース",
        "projected": "着地見込み",
        "mom": "前期比",
        "yoy": "前年比",
        "bottleneck": "ボトルネック",
        "contrib": "KGIギャップへの寄与",
        "gap": "ギャップ",
        "maturing": "成熟待ち",
        "as_of": "時点",
        "none": "未達はありません",
        "by": "別",
        "bench": "ベンチマーク",
    },
}


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _note(report: StatusReport, lang: str) -> str | None:
    return report.bottleneck_note_ja if lang == "ja" else report.bottleneck_note


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:,.1f}%"


def print_status(tree: KpiTree, report: StatusReport, lang: str) -> None:
    t = TEXT[lang]
    title = f"{tree.spec.company.name} — {report.period.label(lang)} ({report.as_of} {t['as_of']})"
    # (header, justify, priority): on a narrow terminal the lowest priorities give way;
    # numbers are never cut
    columns = [
        (t["actual"], "right", 9),
        (t["target"], "right", 8),
        (t["stretch"], "right", 2),
        (t["ach"], "right", 7),
        (t["rag"], "left", 6),
        (t["pace"], "left", 5),
        (t["projected"], "right", 4),
        (t["mom"], "right", 3),
        (t["yoy"], "right", 1),
    ]
    rows: list[tuple[Text, list[str | Text]]] = []
    for node_id, depth, first in tree.walk():
        if not first:
            continue
        node = tree.nodes[node_id]
        s = report.nodes[node_id]
        label = Text("  " * depth)
        if str(node.kind) != "KPI":
            label.append(
                f"{node.kind} ", style="bold magenta" if str(node.kind) == "KGI" else "bold cyan"
            )
        label.append(one_line(node.name(lang)))
        if s.maturing:
            label.append(f" ({t['maturing']})", style="dim")
        if s.benchmarks and any(f.needs_attention for f in s.benchmarks):
            label.append(" ⚑", style="yellow")
        is_ratio = node.unit is not None and node.unit.kind is UnitKind.RATIO
        rag = s.pacing.status.value if s.pacing else s.status.rag.value
        pace_label = s.pacing.status.label(lang) if s.pacing else s.status.rag.label(lang)
        rows.append(
            (
                label,
                [
                    format_value(s.actual, node.unit, lang),
                    format_value(s.commit, node.unit, lang),
                    format_value(s.stretch, node.unit, lang),
                    _pct(s.status.achievement) + (" ★" if s.status.stretch_reached else ""),
                    Text("●", style=RAG_STYLE.get(s.status.rag.value, "")),
                    Text(pace_label, style=PACE_STYLE.get(rag, RAG_STYLE.get(rag, ""))),
                    format_value(s.pacing.projected if s.pacing else None, node.unit, lang),
                    s.comparison.mom.label(is_ratio=is_ratio),
                    s.comparison.yoy.label(is_ratio=is_ratio),
                ],
            )
        )
    widths = [
        max([cell_len(header), *(cell_len(_plain(r[1][i])) for r in rows)])
        for i, (header, _, _) in enumerate(columns)
    ]
    room = console.width - max(cell_len(r[0].plain) for r in rows) - 2
    keep = set(range(len(columns)))
    for index in sorted(keep, key=lambda i: columns[i][2]):
        if sum(widths[i] + 2 for i in keep) <= room:
            break
        keep.discard(index)
    table = Table(title=title, title_justify="left", box=None, header_style="bold", pad_edge=False)
    table.add_column(t["node"], no_wrap=True, overflow="ellipsis", min_width=10)
    for i, (header, justify, _) in enumerate(columns):
        if i in keep:
            table.add_column(
                header,
                justify="right" if justify == "right" else "left",
                no_wrap=True,
                min_width=widths[i],
            )
    for label, cells in rows:
        table.add_row(label, *[c for i, c in enumerate(cells) if i in keep])
    console.print(table)
    _print_bottleneck(tree, report, lang)
    for node_id, s in report.nodes.items():
        for flag in s.benchmarks:
            if flag.needs_attention:
                console.print(
                    Text(
                        clean(f"⚑ {tree.nodes[node_id].name(lang)}: {flag.message(lang)}"),
                        style="yellow",
                    )
                )
    if report.by:
        _print_by(tree, report, lang)


def _print_bottleneck(tree: KpiTree, report: StatusReport, lang: str) -> None:
    t = TEXT[lang]
    d = report.bottleneck
    if d is None:
        if _note(report, lang):
            console.print(Text(clean(f"{t['bottleneck']}: {_note(report, lang)}"), style="dim"))
        return
    kgi = tree.nodes[d.root]
    worst = d.bottleneck
    console.print()
    if worst is None:
        console.print(Text(f"{t['bottleneck']}: {t['none']}", style="green"))
    else:
        node = tree.nodes[worst.node]
        console.print(
            Text.assemble(
                (f"{t['bottleneck']}: ", "bold"),
                (one_line(node.name(lang)), "bold red"),
                f"  {format_value(worst.actual, node.unit, lang)} vs "
                f"{format_value(worst.target, node.unit, lang)} → "
                f"{format_value(worst.contribution, kgi.unit, lang)}",
            )
        )
    table = Table(
        title=f"{t['contrib']} ({t['gap']} {format_value(d.actual - d.target, kgi.unit, lang)})",
        title_justify="left",
        box=None,
    )
    table.add_column(t["node"])
    table.add_column(t["actual"], justify="right")
    table.add_column(t["target"], justify="right")
    table.add_column(kgi.unit.id if kgi.unit else "", justify="right")
    for c in d.ranked()[:8]:
        node = tree.nodes[c.node]
        table.add_row(
            node.name(lang),
            format_value(c.actual, node.unit, lang),
            format_value(c.target, node.unit, lang),
            format_value(c.contribution, kgi.unit, lang),
        )
    console.print(table)
    if _note(report, lang):
        console.print(Text(clean(_note(report, lang) or ""), style="dim"))


def _print_by(tree: KpiTree, report: StatusReport, lang: str) -> None:
    assert report.by is not None
    by = report.by
    names = sorted({v for values in by.values.values() for v in values})
    table = Table(
        title=f"{TEXT[lang]['by']} {by.dimension}"
        if lang == "en"
        else f"{by.dimension}{TEXT[lang]['by']}",
        title_justify="left",
        box=None,
    )
    table.add_column(TEXT[lang]["node"])
    for name in names:
        table.add_column(name, justify="right")
    for node_id, values in by.values.items():
        node = tree.nodes[node_id]
        cells = []
        for name in names:
            text = format_value(values.get(name), node.unit, lang)
            flagged = any(f.needs_attention for f in by.flags.get((node_id, name), []))
            cells.append(Text(text + (" ⚑" if flagged else ""), style="yellow" if flagged else ""))
        table.add_row(node.name(lang), *cells)
    console.print(table)


def print_checklist(results: list[Any], lang: str) -> None:
    marks = {"checked": ("✔", "green"), "not_checked": ("✘", "red"), "unknown": ("?", "yellow")}
    for r in results:
        mark, style = marks.get(str(r.state.value), ("?", ""))
        label = r.item.label_ja if lang == "ja" else r.item.label_en
        console.print(
            Text.assemble((f"{mark} ", style), clean(label), (f"  {clean(r.detail(lang))}", "dim"))
        )
        if r.hint(lang):
            console.print(Text(f"    → {clean(r.hint(lang))}", style="dim"))


def print_explanation(explanation: dict[str, Any], lang: str) -> None:
    console.print(Text(clean(explanation["title"]), style="bold"))
    for key in ("definition", "unit", "owner", "formula", "metric"):
        if explanation.get(key):
            console.print(f"  {key}: {explanation[key]}")
    if explanation.get("inputs"):
        console.print("  inputs: " + ", ".join(explanation["inputs"]))
    for note in explanation.get("notes") or []:
        console.print(f"  note: {note}", markup=False, highlight=False)
    for note in explanation.get("row_dates") or []:
        console.print("  dates: " + note, markup=False, highlight=False)
    if explanation.get("sql"):
        console.print(Text(f"\n-- {explanation['dialect']} ({explanation['grain']})", style="dim"))
        console.print(explanation["sql"], markup=False, highlight=False)
    if explanation.get("latest"):
        console.print("\n  latest values:")
        for row in explanation["latest"]:
            console.print(f"    {row['period']}: {row['value']}")
