"""Rich output of ``ikkan status`` and ``ikkan explain``."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ikkan.cli.render import console
from ikkan.cli.terminal import clean, one_line
from ikkan.model.formatting import format_value
from ikkan.model.spec import Aggregate
from ikkan.model.tree import KpiTree
from ikkan.model.units import UnitKind
from ikkan.services.series import Series
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
        "others": "others ({n})",
        "total": "total",
        "share": "share",
        "ranked": " ({n} values, ranked by {node})",
        "period": "Period",
        "not_split": "not split by {dimension}",
        "implied": "implied",
        "implied_note": "implied: not measured; the value that the measured {parents} "
        "imply (the bottleneck counts it)",
        "unexplained": "{node} is measured as {measured}; its inputs give {tree}: the "
        "difference is not explained by the tree (a measured node is not its formula)",
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
        "others": "その他（{n}件）",
        "total": "合計",
        "share": "構成比",
        "ranked": "（{n}件、{node}の順）",
        "period": "期間",
        "not_split": "{dimension}別に分けられないノード",
        "implied": "推定",
        "implied_note": "推定: 未計測のため、実測の上位ノード（{parents}）から計算式で逆算した値"
        "（ボトルネックの計算に使用）",
        "unexplained": "{node} の実測は {measured}、入力からの計算値は {tree}: "
        "この差はツリーで説明できない差です（実測ノードが計算式と一致しません）",
    },
}


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _note(report: StatusReport, lang: str) -> str | None:
    return report.bottleneck_note_ja if lang == "ja" else report.bottleneck_note


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:,.1f}%"


def print_status(tree: KpiTree, report: StatusReport, lang: str, *, top: int = 10) -> None:
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
        if s.actual is None and s.implied is not None:  # not measured: marked, not judged
            actual_text = f"{format_value(s.implied, node.unit, lang)} ({t['implied']})"
            pace_label = t["implied"]
        else:
            actual_text = format_value(s.actual, node.unit, lang) + (
                _counts(s.numerator, s.denominator) if is_ratio else ""
            )
        rows.append(
            (
                label,
                [
                    actual_text,
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
    implied = [n for n, s in report.nodes.items() if s.actual is None and s.implied is not None]
    if implied:
        parents = sorted(
            {
                tree.nodes[p].name(lang)
                for n in implied
                for p in tree.parents.get(n, ())
                if (f := tree.nodes[p].formula) is not None and n in f.names
            }
        )
        console.print(Text(t["implied_note"].format(parents=", ".join(parents)), style="dim"))
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
        _print_by(tree, report, lang, top)


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
    ranked = d.ranked()
    # the eight largest parts either way (a large help must not hide in "others"), shown
    # most harmful first; measured-vs-inputs lines always
    largest = sorted(ranked, key=lambda c: -abs(c.contribution or 0.0))[:8]
    shown = [c for c in ranked if c in largest or c.unexplained]
    for c in shown:
        if c.unexplained:  # measured vs its inputs: not an actual against a target
            table.add_row(
                Text(c.label(lang), style="italic"),
                "",
                "",
                format_value(c.contribution, kgi.unit, lang),
            )
            continue
        node = tree.nodes[c.node]
        table.add_row(
            node.name(lang),
            format_value(c.actual, node.unit, lang),
            format_value(c.target, node.unit, lang),
            format_value(c.contribution, kgi.unit, lang),
        )
    if len(shown) < len(ranked):
        rest = sum(c.contribution for c in ranked if c not in shown)
        label = t["others"].format(n=len(ranked) - len(shown))
        table.add_row(label, "", "", format_value(rest, kgi.unit, lang))
    console.print(table)
    for c in shown:
        if c.unexplained:
            node = tree.nodes[c.node.rsplit(":", 1)[0]]
            console.print(
                Text(
                    t["unexplained"].format(
                        node=node.name(lang),
                        measured=format_value(c.actual, node.unit, lang),
                        tree=format_value(c.target, node.unit, lang),
                    ),
                    style="dim",
                )
            )
    if _note(report, lang):
        console.print(Text(clean(_note(report, lang) or ""), style="dim"))


def _counts(numerator: float | None, denominator: float | None) -> str:
    """' (30 / 78)': the counts behind a rate; '' when it has none."""
    if numerator is None or denominator is None:
        return ""

    def plain(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"

    return f" ({plain(numerator)} / {plain(denominator)})"


def _rate_cell(node: Any, cell: Any, lang: str) -> str:
    text = format_value(cell.value, node.unit, lang)
    if node.unit is not None and node.unit.kind is UnitKind.RATIO:
        text += _counts(cell.numerator, cell.denominator)
    return text


def _print_by(tree: KpiTree, report: StatusReport, lang: str, top: int = 10) -> None:
    """Dimension values as rows, ranked by the KGI, the rest folded into "others", then the
    total; node columns in as many tables as the terminal needs (numbers never cut)."""
    from ikkan.monitor.breakdown import OTHERS, Cell

    assert report.by is not None
    by = report.by
    t = TEXT[lang]
    view = by.breakdown(tree, top)
    order = [n for n, _, first in tree.walk() if first and n in by.cells]  # the KGI first
    rows: list[tuple[Text, dict[str, Cell], str]] = [
        (Text(name), cells, name) for name, cells in view.rows
    ]
    if view.others is not None:
        others = t["others"].format(n=len(view.folded))
        rows.append((Text(others, style="italic"), view.others, OTHERS))
    whole = {
        n: Cell(report.nodes[n].actual, report.nodes[n].numerator, report.nodes[n].denominator)
        for n in order
        if n in report.nodes
    }
    rows.append((Text(t["total"], style="bold"), whole, ""))
    columns: list[tuple[str, list[str | Text]]] = []
    for node_id in order:
        node = tree.nodes[node_id]
        cells: list[str | Text] = []
        for _, values, name in rows:
            text = _rate_cell(node, values.get(node_id, Cell(None)), lang)
            flagged = any(f.needs_attention for f in by.flags.get((node_id, name), []))
            cells.append(Text(text + (" ⚑" if flagged else ""), style="yellow" if flagged else ""))
        columns.append((node.name(lang), cells))
        if node_id == view.ranking_node and view.shares.get(node_id):
            share = [_pct(view.share(node_id, name)) if name else "100.0%" for _, _, name in rows]
            columns.append((t["share"], list(share)))
    shown = len(view.rows) + len(view.folded)
    title = (f"{t['by']} {by.dimension}" if lang == "en" else f"{by.dimension}{t['by']}") + (
        t["ranked"].format(n=shown, node=tree.nodes[view.ranking_node].name(lang))
        if view.ranking_node
        else ""
    )
    _print_columns(title, by.dimension, [r[0] for r in rows], columns)
    for line in by.skipped:
        console.print(Text(f"{t['not_split'].format(dimension=by.dimension)}: {line}", style="dim"))


def _print_columns(
    title: str, first: str, labels: list[Text], columns: list[tuple[str, list[str | Text]]]
) -> None:
    """Rows ``labels`` with ``columns`` (header, cells): as many tables as the terminal
    needs, each repeating the label column, so no cell is ever cut."""
    label_width = max([cell_len(first), *(cell_len(label.plain) for label in labels)])
    widths = [max([cell_len(h), *(cell_len(_plain(c)) for c in cs)]) for h, cs in columns]
    groups: list[list[int]] = [[]]
    used = label_width
    for index, width in enumerate(widths):
        if groups[-1] and used + width + 2 > console.width:
            groups.append([])
            used = label_width
        groups[-1].append(index)
        used += width + 2
    for number, group in enumerate(groups):
        table = Table(
            title=title if number == 0 else None,
            title_justify="left",
            box=None,
            header_style="bold",
            pad_edge=False,
        )
        table.add_column(first, no_wrap=True, min_width=label_width)
        for index in group:
            table.add_column(
                columns[index][0], justify="right", no_wrap=True, min_width=widths[index]
            )
        for row_number, label in enumerate(labels):
            table.add_row(label, *[columns[i][1][row_number] for i in group])
        console.print(table)


def print_series(
    tree: KpiTree, series: Series, whole: Series | None, lang: str, *, top: int = 5
) -> None:
    """A node period by period; with a dimension, the ``top`` values over the whole series
    as columns, the rest folded into "others" per period, and the total (no cell cut)."""
    from ikkan.monitor.breakdown import Cell, NodeRule, fold

    t = TEXT[lang]
    node = tree.nodes[series.node]
    title = f"{node.name(lang)} — {series.grain}"
    if series.dimension:
        title += f", {t['by']} {series.dimension}"
    periods = series.periods()
    labels = []
    maturing = {p.period for p in series.points if p.maturing}
    for period in periods:
        label = Text(period)
        if period in maturing:
            label.append(f" ({t['maturing']})", style="dim")
        labels.append(label)
    if not series.dimension:
        cells: list[str | Text] = [
            _rate_cell(node, Cell(p.value, p.numerator, p.denominator), lang) for p in series.points
        ]
        _print_columns(title, t["period"], labels, [(node.name(lang), cells)])
        return
    table: dict[str, dict[str, Cell]] = {}
    weight: dict[str, float] = {}
    for p in series.points:
        table.setdefault(p.period, {})[p.dimension_value] = Cell(
            p.value, p.numerator, p.denominator
        )
        measure = p.denominator if p.denominator is not None else (p.value or 0.0)
        weight[p.dimension_value] = weight.get(p.dimension_value, 0.0) + abs(measure)
    ranked = sorted(weight, key=lambda v: (-weight[v], v))
    keep, rest = ranked[:top], ranked[top:]
    if len(rest) == 1:
        keep, rest = ranked, []
    rule = {series.node: NodeRule(additive=node.aggregate is Aggregate.SUM)}
    columns: list[tuple[str, list[str | Text]]] = [
        (name, [_rate_cell(node, table[p].get(name, Cell(None)), lang) for p in periods])
        for name in keep
    ]
    if rest:
        folded = [fold(rest, {series.node: table[p]}, rule, [series.node]) for p in periods]
        columns.append(
            (
                t["others"].format(n=len(rest)),
                [_rate_cell(node, f[series.node], lang) for f in folded],
            )
        )
    if whole is not None:
        totals = {p.period: Cell(p.value, p.numerator, p.denominator) for p in whole.points}
        columns.append(
            (t["total"], [_rate_cell(node, totals.get(p, Cell(None)), lang) for p in periods])
        )
    _print_columns(title, t["period"], labels, columns)


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
    for scenario, target in (explanation.get("targets") or {}).items():
        console.print(
            f"  {scenario} target: {target['value']} ({target['source']})",
            markup=False,
            highlight=False,
        )
    if explanation.get("effect_formula"):
        console.print("  effect: " + explanation["effect_formula"], markup=False, highlight=False)
    for note in explanation.get("notes") or []:
        console.print(f"  note: {note}", markup=False, highlight=False)
    for note in explanation.get("row_dates") or []:
        console.print("  dates: " + note, markup=False, highlight=False)
    if explanation.get("sql"):
        as_of = f", as of {explanation['as_of']}" if explanation.get("as_of") else ""
        console.print(
            Text(f"\n-- {explanation['dialect']} ({explanation['grain']}{as_of})", style="dim")
        )
        console.print(explanation["sql"], markup=False, highlight=False)
    if explanation.get("latest"):
        console.print("\n  latest values:")
        for row in explanation["latest"]:
            console.print(f"    {row['period']}: {row['value']}")
