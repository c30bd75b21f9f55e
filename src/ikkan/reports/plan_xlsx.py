"""The plan as an Excel workbook: the tree, the monthly phasing and the assumptions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ikkan.model.planning import SCENARIOS, Plan
from ikkan.model.units import Unit, UnitKind
from ikkan.reports.excel_safety import safe_row, save_workbook

HEADERS = {
    "ja": {
        "plan": "計画",
        "monthly": "月次",
        "assumptions": "前提",
        "gaps": "ギャップ",
        "id": "ID",
        "node": "ノード",
        "kind": "種別",
        "unit": "単位",
        "owner": "担当部門",
        "how": "根拠",
        "formula": "計算式",
        "commit": "コミット",
        "stretch": "ストレッチ",
        "given": "計画値",
        "computed": "入力からの計算",
        "diff": "差",
        "note": "注記",
    },
    "en": {
        "plan": "Plan",
        "monthly": "Monthly",
        "assumptions": "Assumptions",
        "gaps": "Gaps",
        "id": "ID",
        "node": "Node",
        "kind": "Kind",
        "unit": "Unit",
        "owner": "Department",
        "how": "How",
        "formula": "Formula",
        "commit": "Commit",
        "stretch": "Stretch",
        "given": "Planned",
        "computed": "Inputs give",
        "diff": "Difference",
        "note": "Note",
    },
}


def number_format(unit: Unit | None) -> str:
    if unit is None:
        return "#,##0.##"
    if unit.kind is UnitKind.CURRENCY:
        return '"¥"#,##0' if unit.currency == "JPY" else "#,##0.00"
    if unit.kind is UnitKind.RATIO:
        return "0.0%"
    if unit.kind is UnitKind.COUNT:
        return "#,##0"
    return "#,##0.0"


def write_plan_xlsx(plan: Plan, path: Path, lang: str = "ja") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    h = HEADERS["ja" if lang == "ja" else "en"]
    tree = plan.tree
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    def header(ws: Any, values: list[str]) -> None:
        ws.append(safe_row(values))
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = fill
        ws.freeze_panes = "C2"

    ws = wb.active
    ws.title = h["plan"]
    header(
        ws,
        [
            h["id"],
            h["node"],
            h["kind"],
            h["unit"],
            h["owner"],
            h["commit"],
            h["stretch"],
            h["how"],
            h["formula"],
        ],
    )
    for node_id, depth, first in tree.walk():
        if not first:
            continue
        node = tree.nodes[node_id]
        commit = plan.scenarios["commit"].values.get(node_id)
        stretch = plan.scenarios["stretch"].values.get(node_id)
        ws.append(
            safe_row(
                [
                    node_id,
                    node.name(lang),
                    str(node.kind),
                    node.unit.id if node.unit else "",
                    node.department or "",
                    commit.value if commit else None,
                    stretch.value if stretch else None,
                    str(commit.how) if commit else "",
                    node.formula.text if node.formula else "",
                ]
            )
        )
        row = ws.max_row
        ws.cell(row=row, column=2).alignment = Alignment(indent=depth)
        for col in (6, 7):
            ws.cell(row=row, column=col).number_format = number_format(node.unit)
    _widths(ws, [18, 36, 6, 8, 14, 18, 18, 12, 40])

    for scenario in SCENARIOS:
        sheet = wb.create_sheet(f"{h['monthly']} {h[scenario]}")
        months = plan.months.get(scenario, [])
        header(
            sheet,
            [
                h["id"],
                h["node"],
                *[m.period.key for m in months],
                plan.period.key if plan.period else "",
            ],
        )
        for node_id in tree.order[::-1]:
            node = tree.nodes[node_id]
            total = plan.scenarios[scenario].values.get(node_id)
            cells = [m.values[node_id].value if node_id in m.values else None for m in months]
            sheet.append(
                safe_row(
                    [
                        node_id,
                        node.name(lang),
                        *cells,
                        total.value if total else None,
                    ]
                )
            )
            for col in range(3, 3 + len(cells) + 1):
                sheet.cell(row=sheet.max_row, column=col).number_format = number_format(node.unit)
        _widths(sheet, [18, 30, *[13] * (len(months) + 1)])

    given = wb.create_sheet(h["assumptions"])
    header(given, [h["id"], h["node"], h["how"], h["commit"], h["stretch"], h["unit"]])
    for node_id, node in tree.nodes.items():
        for how, values in (("target", node.target), ("assumption", node.assumption)):
            if values is None:
                continue
            given.append(
                safe_row(
                    [
                        node_id,
                        node.name(lang),
                        how,
                        values.get("commit"),
                        values.get("stretch"),
                        node.unit.id if node.unit else "",
                    ]
                )
            )
            for col in (4, 5):
                given.cell(row=given.max_row, column=col).number_format = number_format(node.unit)
    given.append([])
    given.append(safe_row([plan.rounding_note]))
    _widths(given, [18, 30, 12, 18, 18, 8])

    gaps = wb.create_sheet(h["gaps"])
    header(gaps, [h["id"], h["node"], h["given"], h["computed"], h["diff"]])
    for gap in plan.scenarios["commit"].gaps:
        node = tree.nodes[gap.node]
        gaps.append(
            safe_row(
                [
                    gap.node,
                    node.name(lang),
                    gap.given,
                    gap.computed,
                    gap.difference,
                ]
            )
        )
        for col in (3, 4, 5):
            gaps.cell(row=gaps.max_row, column=col).number_format = number_format(node.unit)
    _widths(gaps, [18, 30, 18, 18, 18])
    return save_workbook(wb, path)


def _widths(ws: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
