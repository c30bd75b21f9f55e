"""The review as an Excel workbook (openpyxl): one sheet per section, values stored as
numbers in the node's format (¥, %, counts), every text guarded against formula
injection (``reports.excel_safety``). The tree sheet holds the same numbers as
``ikkan status --json``."""

from __future__ import annotations

from typing import Any

from ikkan.reports.excel_safety import safe_row, workbook_bytes
from ikkan.reports.plan_xlsx import number_format
from ikkan.reports.review.inputs import ReviewInputs
from ikkan.reports.review.text import REVIEW_TEXT

SHEETS = {
    "ja": {"summary": "サマリー", "tree": "KPIツリー", "funnel": "ファネル", "channels": "チャネル",
           "alerts": "アラート", "actions": "施策", "next": "次期の目標", "id": "ID",
           "kind": "種別", "unit": "単位",
           "rag": "判定", "year_ago": "前年同期", "implied": "逆算"},
    "en": {"summary": "Summary", "tree": "KPI tree", "funnel": "Funnel", "channels": "Channels",
           "alerts": "Alerts", "actions": "Actions", "next": "Next period", "id": "ID",
           "kind": "Kind", "unit": "Unit",
           "rag": "RAG", "year_ago": "Year ago", "implied": "Implied"},
}  # fmt: skip


def review_xlsx(inputs: ReviewInputs, review: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    lang = review["lang"]
    t, s = REVIEW_TEXT[lang], SHEETS[lang]
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    def header(ws: Any, values: list[str]) -> None:
        ws.append(safe_row(values))
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = fill

    h, summary = review["header"], review["summary"]
    ws = wb.active
    ws.title = s["summary"]
    ws.append(safe_row([h["company"], f"{h['title']} {h['period_label']}"]))
    ws.append(safe_row([t["fiscal"], h["fiscal_label"], t["as_of"], h["as_of_text"]]))
    ws.append([])
    for title, key in ((t["went_well"], "well"), (t["went_badly"], "badly")):
        header(ws, [title, t["actual"], t["target"], t["effect"]])
        for c in summary[key]:
            ws.append(safe_row([c["label"], c["actual_text"], c["target_text"], c["effect"]]))
            ws.cell(ws.max_row, 4).number_format = number_format(_kgi_unit(inputs))
    b = summary["bottleneck"]
    if b is not None:
        header(ws, [t["bottleneck"], t["actual"], t["target"], t["effect"]])
        ws.append(safe_row([b["label"], b["actual_text"], b["target_text"], b["effect"]]))
        ws.cell(ws.max_row, 4).number_format = number_format(_kgi_unit(inputs))
    header(ws, [t["decisions"]])
    for d in summary["decisions"]:
        ws.append(safe_row([d]))
    ws.column_dimensions["A"].width = 60

    _tree_sheet(wb.create_sheet(s["tree"]), inputs, lang, header)
    ws = wb.create_sheet(s["funnel"])
    header(ws, [t["stage"], t["count"], t["target"], t["previous"], t["step_rate"],
                t["cumulative_rate"]])  # fmt: skip
    for f in review["funnel"]:
        ws.append(safe_row([f["label"], f["count"], f["target"], f["previous"], f["step_rate"],
                            f["cumulative_rate"]]))  # fmt: skip
        for col in (5, 6):
            ws.cell(ws.max_row, col).number_format = "0.0%"
    ws = wb.create_sheet(s["channels"])
    ch = review["channels"]
    if ch["columns"]:
        header(ws, [t["channel"], *(c["label"] for c in ch["columns"]),
                    *(f"{c['label']} ({t['previous']})" for c in ch["columns"])])  # fmt: skip
        formats = [number_format(inputs.tree.nodes[c["id"]].unit) for c in ch["columns"]]
        for row in ch["rows"]:
            cells = row["cells"]
            ws.append(safe_row([row["label"], *(c["value"] for c in cells),
                                *(c["previous"] for c in cells)]))  # fmt: skip
            for i, f in enumerate(formats * 2):
                ws.cell(ws.max_row, i + 2).number_format = f
        ws.append(safe_row([t["allowable"], *(c["allowable"] for c in ch["columns"])]))
    ws = wb.create_sheet(s["alerts"])
    header(ws, [t["alert_at"], t["alert_rule"], t["node"], t["alert_instance"], t["alert_event"],
                t["alert_observed"], t["alert_line"], t["alert_now"]])  # fmt: skip
    for a in review["alerts"]:
        ws.append(safe_row([a["at_text"], a["rule"], a["node"], a["instance"], a["event"],
                            a["observed_text"], a["line_text"], a["state_now"]]))  # fmt: skip
    if review["actions"] is not None:
        _actions_sheet(wb.create_sheet(s["actions"]), inputs, review["actions"], lang, header)
    ws = wb.create_sheet(s["next"])
    header(ws, [t["node"], t["target"], t["owner"]])
    for n in review["next"]["rows"]:
        ws.append(safe_row([n["label"], n["commit"], n["owner"] or t["no_owner"]]))
        ws.cell(ws.max_row, 2).number_format = number_format(inputs.tree.nodes[n["node"]].unit)
    return workbook_bytes(wb)


def _kgi_unit(inputs: ReviewInputs) -> Any:
    d = inputs.status.bottleneck
    return inputs.tree.nodes[d.root].unit if d else None


def _tree_sheet(ws: Any, inputs: ReviewInputs, lang: str, header: Any) -> None:
    """Every node with the numbers of ``ikkan status --json`` (same StatusReport); the
    implied value of an unmeasured leaf the bottleneck counts (``implied``) in the last
    column, as status marks it."""
    t, s = REVIEW_TEXT[lang], SHEETS[lang]
    header(ws, [s["id"], t["node"], s["kind"], s["unit"], t["actual"], t["target"],
                t["stretch"], t["achievement"], s["rag"], t["previous"], s["year_ago"],
                t["owner"], s["implied"]])  # fmt: skip
    tree = inputs.tree
    for node_id, _, first in tree.walk():
        if not first:
            continue
        node = tree.nodes[node_id]
        st = inputs.status.nodes[node_id]
        owner = " / ".join(p for p in (node.department, node.person) if p) or None
        ws.append(safe_row([node_id, node.name(lang), str(node.kind),
                            node.unit.id if node.unit else None, st.actual, st.commit,
                            st.stretch, st.status.achievement, st.status.rag.value,
                            st.comparison.mom.previous, st.comparison.yoy.previous,
                            owner, st.implied]))  # fmt: skip
        f = number_format(node.unit)
        for col in (5, 6, 7, 10, 11, 13):
            ws.cell(ws.max_row, col).number_format = f
        ws.cell(ws.max_row, 8).number_format = "0.0%"
    ws.column_dimensions["B"].width = 28


def _actions_sheet(
    ws: Any, inputs: ReviewInputs, actions: dict[str, Any], lang: str, header: Any
) -> None:
    """The PDCA log's actions of the period (before / during as numbers in the node's
    format, the verdict code and the node page's effect sentence) and the notes."""
    t = REVIEW_TEXT[lang]
    header(ws, ["#", t["node"], t["action_title"], t["owner"], t["action_status"],
                t["action_period"], t["action_expected"], t["action_before"],
                t["action_after"], t["action_verdict"], t["action_effect"]])  # fmt: skip
    for a in actions["rows"]:
        ws.append(safe_row([a["id"], a["node"], a["title"], a["owner"], a["status_text"],
                            f"{a['start']} … {a['end']}", a["expected_text"], a["before"],
                            a["after"], a["verdict"], a["effect_text"]]))  # fmt: skip
        node = inputs.tree.nodes.get(a["node_id"])
        f = number_format(node.unit if node else None)
        for col in (8, 9):
            ws.cell(ws.max_row, col).number_format = f
    if actions["notes"]:
        ws.append([])
        header(ws, [t["note_at"], t["node"], t["note_kind"], t["notes"], t["note_by"]])
        for n in actions["notes"]:
            ws.append(safe_row([n["at_text"], n["node"], n["kind_text"], n["body"], n["actor"]]))
    ws.column_dimensions["C"].width = 36
    ws.column_dimensions["K"].width = 60
