"""Rich output of ``ikkan leads show``, ``ikkan scoring quality`` and ``whatif``, in the
project's language (ja / en)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from ikkan.cli.render import console
from ikkan.cli.terminal import clean

if TYPE_CHECKING:
    from ikkan.services.scoring.advise import AdviceResult
    from ikkan.services.scoring.lead import LeadScore
    from ikkan.services.scoring.quality import QualityResult, WhatIfResult

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "created": "created",
        "score": "Score {score} = fit {fit} + engagement {eng}  grade {grade}, level {level}, "
        "cell {cell}  MQL: {mql}  (as of {as_of})",
        "yes": "yes",
        "no": "no",
        "reasons": "Reasons (they add up to the score)",
        "reason_cols": "kind|group|rule|events|points",
        "total": "total",
        "fit": "fit",
        "engagement": "engagement",
        "history": "History (current rules)",
        "history_cols": "as of|fit|engagement|score|cell|MQL",
        "window": "Leads created {start} … {end} (before), scored {days} day(s) after entry: "
        "{leads} leads, {opps} later opportunities, {won} won ({excluded} left out: "
        "opportunity on or before the scoring day).",
        "auc": "AUC: opportunity {opp}, won {won} (0.5 = no better than chance)",
        "by_band": "By score band",
        "by_cell": "By grid cell",
        "group_cols": "|leads|opportunity|opp. rate|won|win rate",
        "calibration": "Calibration (score deciles)",
        "calibration_cols": "decile|leads|score range|mean|opp. rate|win rate",
        "monotone": "Rates rise with the score.",
        "not_monotone": "Rates do not rise steadily with the score.",
        "mql": "MQL rule: {mql} MQL ({share} of leads); MQL → opportunity {rate} vs {other} "
        "for the rest; catches {opps} of opportunities and {wins} of wins.",
        "whatif": "What-if on leads created {start} … {end} (before)",
        "whatif_cols": "|current|new|change",
        "mql_rate": "MQL → opportunity",
        "wins_caught": "wins caught",
        "moved": "{moved_in} leads would become MQL, {moved_out} would not be.",
        "advise": "MQL rules for a capacity of {capacity} leads a month "
        "({leads} leads over {months} months)",
        "advise_cols": "|rule|MQL / month|opportunities / month|opp. rate|wins caught",
        "current": "current",
        "by_score": "by score",
        "by_cells": "by cells",
        "advice": "Advice: {rule}.",
        "no_advice": "No rule fits the capacity: even the best single cell or the top score "
        "gives more MQLs a month.",
    },
    "ja": {
        "created": "作成",
        "score": "スコア {score} = 属性 {fit} + 行動 {eng}  グレード {grade}・レベル {level}・"
        "セル {cell}  MQL: {mql}  （{as_of} 時点）",
        "yes": "該当",
        "no": "非該当",
        "reasons": "内訳（合計がスコア）",
        "reason_cols": "種類|グループ|ルール|件数|点",
        "total": "合計",
        "fit": "属性",
        "engagement": "行動",
        "history": "推移（現行ルール）",
        "history_cols": "時点|属性|行動|スコア|セル|MQL",
        "window": "{start}〜{end}（前日まで）に作成されたリードを作成{days}日後の時点で採点: "
        "{leads}件、その後の商談 {opps}件・受注 {won}件"
        "（採点日以前に商談化した{excluded}件は除外）。",
        "auc": "AUC: 商談化 {opp}・受注 {won}（0.5 は偶然と同じ）",
        "by_band": "スコア帯別",
        "by_cell": "セル別",
        "group_cols": "|リード|商談|商談化率|受注|受注率",
        "calibration": "キャリブレーション（スコア十分位）",
        "calibration_cols": "十分位|リード|スコア範囲|平均|商談化率|受注率",
        "monotone": "スコアが高いほど転換率も高くなっています。",
        "not_monotone": "スコアが高くても転換率が一様には上がっていません。",
        "mql": "MQL判定: {mql}件（リードの{share}）。MQL→商談化率 {rate}（それ以外 {other}）。"
        "商談の{opps}・受注の{wins}を捕捉。",
        "whatif": "変更の影響（{start}〜{end}の前日までに作成されたリード）",
        "whatif_cols": "|現行|変更後|差",
        "mql_rate": "MQL→商談化率",
        "wins_caught": "受注の捕捉率",
        "moved": "新たにMQLになるリード {moved_in}件、MQLでなくなるリード {moved_out}件。",
        "advise": "対応可能数 月{capacity}件に合うMQL判定（{months}か月・リード{leads}件）",
        "advise_cols": "|判定|MQL/月|商談/月|商談化率|受注の捕捉率",
        "current": "現行",
        "by_score": "スコア基準",
        "by_cells": "セル基準",
        "advice": "推奨: {rule}",
        "no_advice": "対応可能数に収まる判定がありません（最良のセル1つや最高スコアでも"
        "月のMQLが多すぎます）。",
    },
}


def _t(lang: str) -> dict[str, str]:
    return TEXT["ja" if lang == "ja" else "en"]


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(title: str, columns: str, right: bool = True) -> Table:
    table = Table(title=title)
    for name in columns.split("|"):
        table.add_column(name, justify="right" if right else "left")
    return table


def print_lead(found: LeadScore, lang: str) -> None:
    t = _t(lang)
    console.print(
        f"{clean(found.name or found.lead_key)} {clean(found.company or '')} "
        f"({clean(found.lead_key)}, {t['created']} {found.created_at})"
    )
    console.print(
        t["score"].format(
            score=f"{found.score:g}",
            fit=f"{found.fit:g}",
            eng=f"{found.engagement:g}",
            grade=found.grade,
            level=found.level,
            cell=found.cell,
            mql=t["yes"] if found.mql else t["no"],
            as_of=found.as_of,
        )
    )
    table = _table(t["reasons"], t["reason_cols"], right=False)
    for r in found.reasons:
        kind = t["fit"] if r.kind == "fit" else t["engagement"]
        table.add_row(kind, clean(r.group), clean(r.label), str(r.events), f"{r.points:g}")
    table.add_row("", "", t["total"], "", f"{found.score:g}")
    console.print(table)
    history = _table(t["history"], t["history_cols"], right=False)
    for h in found.history:
        history.add_row(
            str(h.as_of),
            f"{h.fit:g}",
            f"{h.engagement:g}",
            f"{h.score:g}",
            h.cell,
            "MQL" if h.mql else "",
        )
    console.print(history)


def print_quality(result: QualityResult, lang: str) -> None:
    t = _t(lang)
    f, w = result.figures, result.window
    console.print(
        t["window"].format(
            start=w.start,
            end=w.end,
            days=w.days_after,
            leads=f"{f.leads:,}",
            opps=f"{f.opportunities:,}",
            won=f"{f.won:,}",
            excluded=f"{result.excluded:,}",
        )
    )
    console.print(t["auc"].format(opp=num(f.auc_opportunity), won=num(f.auc_won)))
    for title, groups in ((t["by_band"], f.bands), (t["by_cell"], f.cells)):
        table = _table(title, t["group_cols"])
        for g in groups:
            table.add_row(
                g.name,
                f"{g.leads:,}",
                f"{g.opportunities:,}",
                pct(g.opportunity_rate),
                f"{g.won:,}",
                pct(g.win_rate),
            )
        console.print(table)
    table = _table(t["calibration"], t["calibration_cols"])
    for c in f.calibration:
        table.add_row(
            str(c.decile),
            f"{c.leads:,}",
            f"{c.min_score:g}–{c.max_score:g}",
            f"{c.mean_score:.1f}",
            pct(c.opportunity_rate),
            pct(c.win_rate),
        )
    console.print(table)
    console.print(t["monotone"] if f.monotone else t["not_monotone"])
    m = f.mql
    console.print(
        t["mql"].format(
            mql=f"{m.mql:,}",
            share=pct(m.share_of_leads),
            rate=pct(m.opportunity_rate),
            other=pct(m.other_opportunity_rate),
            opps=pct(m.opportunities_caught),
            wins=pct(m.wins_caught),
        )
    )


def print_what_if(result: WhatIfResult, lang: str) -> None:
    t = _t(lang)
    w = result.window
    table = _table(t["whatif"].format(start=w.start, end=w.end), t["whatif_cols"])
    a, b = result.current, result.new
    table.add_row("MQL", f"{a.mql:,}", f"{b.mql:,}", f"{b.mql - a.mql:+,}")
    for label, x, y in (
        (t["mql_rate"], a.mql_opportunity_rate, b.mql_opportunity_rate),
        (t["wins_caught"], a.wins_caught, b.wins_caught),
    ):
        change = "–" if x is None or y is None else f"{(y - x) * 100:+.1f} pt"
        table.add_row(label, pct(x), pct(y), change)
    for label, x, y in (
        ("AUC (opportunity)", a.auc_opportunity, b.auc_opportunity),
        ("AUC (won)", a.auc_won, b.auc_won),
    ):
        change = "–" if x is None or y is None else f"{y - x:+.3f}"
        table.add_row(label, num(x), num(y), change)
    console.print(table)
    console.print(
        t["moved"].format(moved_in=f"{result.moved_in:,}", moved_out=f"{result.moved_out:,}")
    )


def print_advice(result: AdviceResult, lang: str) -> None:
    t = _t(lang)
    table = _table(
        t["advise"].format(
            capacity=f"{result.capacity:,}", leads=f"{result.leads:,}", months=f"{result.months:g}"
        ),
        t["advise_cols"],
    )
    for key in ("current", "by_score", "by_cells"):
        c = getattr(result, key)
        if c is None:
            continue
        table.add_row(
            t[key],
            c.text(),
            f"{c.mql_per_month:,.1f}",
            f"{c.opportunities_per_month:,.1f}",
            pct(c.opportunity_rate),
            pct(c.wins_caught),
        )
    console.print(table)
    if result.advice is None:
        console.print(t["no_advice"])
    else:
        console.print(t["advice"].format(rule=result.advice.text()))
