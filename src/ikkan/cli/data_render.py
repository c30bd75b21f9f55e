"""Rich output of ``ikkan ingest`` and ``ikkan quality``."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from ikkan.cli.render import console, print_error
from ikkan.cli.terminal import clean, one_line

HEAD = {
    "en": ("File", "Reader", "Read", "New", "Updated", "Same", "Rejected", "Status"),
    "ja": ("ファイル", "形式", "読込", "新規", "更新", "変更なし", "除外", "状態"),
}
STATUS = {
    "en": {
        "ok": "ok",
        "already_imported": "skipped",
        "failed": "FAILED",
        "error": "error",
        "missing": "not found",
        "nothing": "No export files found: put your exports in the sources' folders "
        "(sources: in ikkan.yml) or name files: ikkan ingest exports/",
    },
    "ja": {
        "ok": "OK",
        "already_imported": "取込済",
        "failed": "失敗",
        "error": "エラー",
        "missing": "見つかりません",
        "nothing": "取り込むファイルがありません。ikkan.yml の sources: のフォルダに"
        "エクスポートを置くか、ファイルを指定してください（ikkan ingest exports/）",
    },
}


def print_ingest(outcomes: list[Any], lang: str) -> None:
    words = STATUS["ja" if lang == "ja" else "en"]
    table = Table(box=None, header_style="bold", pad_edge=False)
    for i, name in enumerate(HEAD["ja" if lang == "ja" else "en"]):
        if i == 0:
            table.add_column(name, ratio=1, overflow="fold")
        else:
            table.add_column(name, justify="right" if 1 < i < 7 else "left", no_wrap=True)
    totals = [0, 0, 0, 0, 0]
    for o in outcomes:
        r = o.report
        if o.missing:
            table.add_row(
                f"{o.path.name}/" if not o.path.suffix else o.path.name,
                "",
                "",
                "",
                "",
                "",
                "",
                Text(words["missing"], style="yellow"),
            )
            continue
        if o.error is not None or r is None:
            table.add_row(
                o.path.name, o.reader or "?", "", "", "", "", "", Text(words["error"], style="red")
            )
            continue
        values = [o.rows_read, r.inserted, r.updated, r.unchanged, o.rejected]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        skipped = r.status == "already_imported"
        table.add_row(
            o.path.name,
            o.reader or "",
            f"{o.rows_read:,}",
            *(
                ["", "", ""]
                if skipped
                else [f"{r.inserted:,}", f"{r.updated:,}", f"{r.unchanged:,}"]
            ),
            Text(f"{o.rejected:,}", style="yellow" if o.rejected else ""),
            Text(words.get(r.status, r.status), style="red" if r.status == "failed" else "dim"),
        )
    table.add_row(
        Text("total" if lang != "ja" else "合計", style="bold"), "", *[f"{t:,}" for t in totals], ""
    )
    console.print(table)
    if all(o.missing for o in outcomes):
        console.print(Text(words["nothing"], style="yellow"))
    for o in outcomes:
        if o.error is not None:
            console.print(Text(f"{one_line(o.path)}:", style="bold red"))
            print_error(o.error)
        for warning in o.warnings[:5]:
            where = "" if o.missing else f"{o.path.name}: "
            style = "yellow" if o.missing else "dim"
            console.print(Text(clean(f"  {where}{warning}"), style=style))
        if len(o.warnings) > 5:
            console.print(
                Text(
                    f"  {one_line(o.path.name)}: … {len(o.warnings) - 5} more warnings",
                    style="dim",
                )
            )
        if o.report is not None and o.report.status == "already_imported":
            console.print(Text(f"  {o.path.name}: {o.report.message}", style="dim"))
    if any(o.rejected or o.skipped for o in outcomes):
        console.print(
            Text(
                "Rejected and skipped rows are kept with file, row, column and reason: "
                "see 'ikkan rejects'."
                if lang != "ja"
                else "除外・スキップした行はファイル・行・列・理由とともに保存しています"
                "（ikkan rejects）。",
                style="yellow",
            )
        )
    failed = sum(1 for o in outcomes if not o.ok)
    if failed:
        console.print(
            Text(
                f"{failed} of {len(outcomes)} file(s) failed; the others were imported."
                if lang != "ja"
                else f"{len(outcomes)} ファイル中 {failed} ファイルの取り込みに失敗しました"
                "（他のファイルは取り込み済み）。",
                style="bold red",
            )
        )


QUALITY_TEXT = {
    "en": {
        "none": "No data quality problems found.",
        "header": "{n:,} finding(s): {error:,} error(s), {warning:,} warning(s), {info:,} info",
        "more": "… and {n:,} more",
    },
    "ja": {
        "none": "データ品質の問題は見つかりませんでした。",
        "header": "指摘 {n:,} 件（エラー {error:,}・警告 {warning:,}・情報 {info:,}）",
        "more": "… ほか {n:,} 件",
    },
}


def print_quality(report: Any, lang: str) -> None:
    """Every finding, each with its count, its examples (capped) and its check's hint."""
    words = QUALITY_TEXT["ja" if lang == "ja" else "en"]
    if not report.findings:
        console.print(Text(words["none"], style="green"))
        return
    by_severity = report.summary()["by_severity"]
    console.print(
        Text(
            words["header"].format(
                n=len(report.findings),
                error=by_severity.get("error", 0),
                warning=by_severity.get("warning", 0),
                info=by_severity.get("info", 0),
            ),
            style="bold",
        )
    )
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    findings = report.findings
    for index, f in enumerate(findings):
        console.print(
            Text.assemble(
                (f"{f.severity} ", style.get(str(f.severity), "")),
                (f"[{f.check}] ", "dim"),
                f"{f.count:,} — {one_line(f.message)}",
            )
        )
        for example in f.examples:
            console.print(
                Text("    " + one_line(", ".join(f"{k}={v}" for k, v in example.items())), "dim")
            )
        if f.examples_total > len(f.examples):
            more = words["more"].format(n=f.examples_total - len(f.examples))
            console.print(Text(f"    {more}", style="dim"))
        following = findings[index + 1] if index + 1 < len(findings) else None
        if f.hint and (following is None or (following.check, following.hint) != (f.check, f.hint)):
            console.print(Text(f"  hint: {clean(f.hint)}", style="dim"))
