"""Tables of the pages as CSV (UTF-8 with BOM, so Excel reads Japanese) and XLSX.

Every text cell passes the spreadsheet formula-injection guard; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ikkan.reports.excel_safety import safe_cell
from ikkan.web.i18n import TEXT


@dataclass(frozen=True)
class ExportTable:
    name: str
    columns: list[str]
    rows: list[list[Any]]


def to_csv(table: ExportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31] or "table"
    sheet.append([safe_cell(c) for c in table.columns])
    for row in table.rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _card_rows(cards: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            c["id"],
            c["label"],
            c["actual"],
            c["target"],
            c["achievement"],
            c["rag_word"],
            c["vs_previous"]["change"],
            c["vs_year"]["change"],
            c["owner"],
            c["reason"],
        ]
        for c in cards
    ]


def tables_of(page: str, view: dict[str, Any], lang: str) -> dict[str, ExportTable]:
    """The exportable tables of a page's view model, by name."""
    t = TEXT[lang]
    card_columns = [
        "id",
        t["node"],
        t["actual"],
        t["target"],
        t["achievement"],
        t["status"],
        t["vs_previous"],
        t["vs_year"],
        t["owner"],
        t["reason"],
    ]
    out: dict[str, ExportTable] = {}
    if page == "overview":
        out["headline"] = ExportTable(
            "headline", card_columns, _card_rows([view["kgi"], *view["headline"]])
        )
    elif page == "tree":
        out["nodes"] = ExportTable("nodes", card_columns, _card_rows(view["nodes"]))
    elif page == "node":
        out["history"] = ExportTable(
            "history",
            [t["period"], t["actual"]],
            [[r["period"], r["value"]] for r in view["history"]],
        )
        for d in view["drilldown"]:
            out[f"drilldown-{d['dimension']}"] = ExportTable(
                f"drilldown-{d['dimension']}",
                [d["dimension"], t["actual"], t["basis_" + d["basis"]], t["change"], t["effect"]],
                [
                    [i["value"], i["actual"], i["basis"], i["change"], i["kgi_effect"]]
                    for i in d["items"]
                ],
            )
    elif page == "funnel":
        out["stages"] = ExportTable(
            "stages",
            [t["stage"], t["count"], t["step_rate"], t["cumulative_rate"]],
            [
                [s["label"], s["count"], s["step_rate"], s["cumulative_rate"]]
                for s in view["stages"]
            ],
        )
        if view.get("breakdown"):  # one funnel row per value of ``by``: counts per stage
            out["breakdown"] = ExportTable(
                "breakdown",
                [view["by"], *view["stage_labels"]],
                [[r["value"], *(c["count"] for c in r["stages"])] for r in view["breakdown"]],
            )
    elif page == "trends":
        out["points"] = ExportTable(
            "points",
            [t["period"], t["actual"], t["target"]],
            [[p["period"], p["actual"], p["target"]] for p in view["points"]],
        )
    elif page == "channels":
        out["channels"] = ExportTable(
            "channels",
            [view["dimension"] or "", *(c["label"] for c in view["columns"])],
            [[r["value"], *(c["value"] for c in r["cells"])] for r in view["rows"]],
        )
    elif page == "health":
        out["imports"] = ExportTable(
            "imports",
            [
                t["source"],
                t["file"],
                t["finished"],
                t["age_days"],
                t["rows"],
                t["rejected"],
                t["status"],
            ],
            [
                [
                    s["source"],
                    s["file"],
                    s["finished"],
                    s["age_days"],
                    s["rows"],
                    s["rejected"],
                    s["status"],
                ]
                for s in view["sources"]
            ],
        )
        out["rejects"] = ExportTable(
            "rejects",
            [t["file"], t["row"], t["column"], t["value"], t["reason"]],
            [[r["file"], r["row"], r["column"], r["value"], r["reason"]] for r in view["rejects"]],
        )
    return out
