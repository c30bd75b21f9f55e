"""The review as plain, JSON-ready data, conclusion first: the summary (KGI, pacing, the
bottleneck in yen and its drill-down, what went well and what did not, decisions), the
tree, funnel, channels, spend, alerts, actions, next period. Pure: it arranges the
figures ``inputs.gather`` read and formats them; HTML, PDF and XLSX render this."""

from __future__ import annotations

from typing import Any

from ikkan.model.periods import Grain, period_containing
from ikkan.model.tree import KpiTree
from ikkan.reports.review import cards as tree_cards
from ikkan.reports.review.figures import pacing_figure, trend_figure
from ikkan.reports.review.inputs import ReviewInputs
from ikkan.reports.review.money import channel_label, channels_section, spend_section
from ikkan.reports.review.text import REVIEW_TEXT
from ikkan.services.status import StatusReport
from ikkan.web.i18n import Formatter
from ikkan.web.view_model import funnel_steps, judgement, owner_of

WELL_BADLY = 3
MAX_DECISIONS = 3


def build_review(inputs: ReviewInputs, lang: str) -> dict[str, Any]:
    fmt = Formatter(lang, inputs.currency)
    t = REVIEW_TEXT[lang]
    tree, status = inputs.tree, inputs.status
    period = inputs.period
    fy = period_containing(period.start, Grain.FISCAL_YEAR, tree.spec.company.fiscal_year_start)
    cards = tree_cards.tree_cards(tree, status, fmt, inputs.history)
    title = t["title"] if period.grain is Grain.MONTH else t["title_quarter"]
    header = {
        "company": inputs.company,
        "title": title,
        "period": period.key,
        "period_label": period.label(lang),
        "fiscal_year": fy.key,
        "fiscal_label": fy.label(lang),
        "start_text": fmt.date(period.start),
        "end_text": fmt.date(period.end),
        "as_of": inputs.as_of.isoformat(),
        "as_of_text": fmt.date(inputs.as_of),
        "computed_at_text": fmt.datetime(inputs.computed_at),
        "running": status.running,
    }
    summary = _summary(inputs, fmt, cards)
    channels = channels_section(inputs, fmt)
    spend = spend_section(inputs, fmt)
    summary["decisions"] = _decisions(inputs, fmt, summary, channels, spend)
    figures = {}
    kgi = summary["kgi"]["id"] if summary["kgi"] else None
    for key, node_id in (("kgi", kgi), ("bottleneck", _worst(status)), ("spend", spend["node"])):
        spec = trend_figure(inputs, node_id, lang) if node_id else None
        if spec is not None:
            figures[key] = spec
    pacing = pacing_figure(inputs, lang)
    if pacing is not None:
        figures["pacing"] = pacing
    return {
        "lang": lang,
        "header": header,
        "summary": summary,
        "tree": {"cards": cards, "title": f"{inputs.company} — {period.label(lang)}"},
        "funnel": _funnel(inputs, fmt),
        "channels": channels,
        "spend": spend,
        "alerts": _alerts(inputs, fmt),
        "actions": _actions(inputs, fmt),
        "next": _next(inputs, fmt),
        "figures": figures,
        "appendix": _appendix(inputs, lang, cards),
    }


def _worst(status: StatusReport) -> str | None:
    worst = status.bottleneck.bottleneck if status.bottleneck else None
    return worst.node if worst else None


def _summary(inputs: ReviewInputs, fmt: Formatter, cards: dict[str, Any]) -> dict[str, Any]:
    tree, status, lang = inputs.tree, inputs.status, fmt.lang
    d = status.bottleneck
    kgi_id = d.root if d else (tree.kgis[0] if tree.kgis else None)
    out: dict[str, Any] = {
        "kgi": cards.get(kgi_id) if kgi_id else None,
        "year": None,
        "bottleneck": None,
        "bottleneck_note": status.bottleneck_note_ja if lang == "ja" else status.bottleneck_note,
        "well": [],
        "badly": [],
    }
    if kgi_id is None:
        return out
    unit = tree.nodes[kgi_id].unit
    if d is not None:
        out["kgi"] = {**cards[kgi_id], "gap": d.gap, "gap_text": fmt.change(d.gap, unit)}
    year = inputs.year
    if year is not None and kgi_id in year.nodes:
        s = year.nodes[kgi_id]
        p = s.pacing
        out["year"] = {
            "period": year.period.key,
            "label": year.period.label(lang),
            "actual": s.actual,
            "actual_text": fmt.value(s.actual, unit),
            "target": s.commit,
            "target_text": fmt.value(s.commit, unit),
            "achievement_text": fmt.percent(s.status.achievement),
            "rag": judgement(s, lang)[0],
            "rag_word": judgement(s, lang)[1],
            "expected_text": fmt.value(p.expected_to_date, unit) if p else None,
            "projected": p.projected if p else None,
            "projected_text": fmt.value(p.projected, unit) if p else None,
            "projected_gap_text": fmt.change(p.projected - s.commit, unit)
            if p and p.projected is not None and s.commit is not None
            else None,
            "pace_text": fmt.percent(p.pace) if p else None,
            "business_days": f"{p.elapsed_days}/{p.total_days}" if p else None,
            "as_of_text": fmt.date(year.as_of),
        }
    if d is None:
        return out
    worst = d.bottleneck
    if worst is not None:
        node = tree.nodes[worst.node]
        share = worst.contribution / d.gap if d.gap else None
        out["bottleneck"] = {
            "node": worst.node,
            "label": node.name(lang),
            "owner": owner_of(node),
            "actual_text": fmt.value(worst.actual, node.unit),
            "target_text": fmt.value(worst.target, node.unit),
            "effect": worst.contribution,
            "effect_text": fmt.change(worst.contribution, unit),
            "share_text": fmt.percent(share) if share is not None and 0 <= share <= 1 else None,
            "drill": _drill(inputs, fmt, unit),
        }
    ranked = [c for c in d.ranked(leaves_only=True) if not c.unexplained]
    sign = 1 if d.direction == "higher" else -1
    bad = [c for c in ranked if sign * c.contribution < 0][:WELL_BADLY]
    good = [c for c in reversed(ranked) if sign * c.contribution > 0][:WELL_BADLY]
    out["badly"] = [_contribution(tree, c, fmt, unit) for c in bad]
    out["well"] = [_contribution(tree, c, fmt, unit) for c in good]
    return out


def _contribution(tree: KpiTree, c: Any, fmt: Formatter, kgi_unit: Any) -> dict[str, Any]:
    node = tree.nodes.get(c.node)
    node_unit = node.unit if node else None
    return {
        "node": c.node,
        "label": c.label(fmt.lang),
        "actual_text": fmt.value(c.actual, node_unit),
        "target_text": fmt.value(c.target, node_unit),
        "effect": c.contribution,
        "effect_text": fmt.change(c.contribution, kgi_unit),
    }


def _drill(inputs: ReviewInputs, fmt: Formatter, kgi_unit: Any) -> dict[str, Any] | None:
    dd = inputs.drill
    if dd is None:
        return None
    node = inputs.tree.nodes[dd.node]
    items = [
        {
            "value": i.value,
            "label": channel_label(inputs, i.value, fmt.lang),
            "actual_text": fmt.value(i.actual, node.unit),
            "basis_text": fmt.value(i.basis, node.unit),
            "change": i.change,
            "change_text": fmt.change(i.change, node.unit),
            "effect_text": fmt.change(i.kgi_effect, kgi_unit) if i.kgi_effect is not None else None,
        }
        for i in dd.items[:5]
    ]
    t = REVIEW_TEXT[fmt.lang]
    basis = {"year_ago": t["drill_basis_year_ago"], "previous": t["drill_basis_previous"]}
    return {
        "dimension": dd.dimension,
        "basis": dd.basis,
        "basis_text": basis.get(dd.basis, ""),
        "basis_period": dd.basis_period.label(fmt.lang) if dd.basis_period else None,
        "rows": items,
        "note": dd.note,
    }


def _decisions(
    inputs: ReviewInputs,
    fmt: Formatter,
    summary: dict[str, Any],
    channels: dict[str, Any],
    spend: dict[str, Any],
) -> list[str]:
    t = REVIEW_TEXT[fmt.lang]
    out: list[str] = []
    b = summary["bottleneck"]
    if b is not None:
        out.append(
            t["decide_bottleneck"].format(
                label=b["label"],
                owner=b["owner"] or t["no_owner"],
                actual=b["actual_text"],
                target=b["target_text"],
                effect=b["effect_text"],
            )
        )
    worst = channels.get("worst_over")
    if worst is not None:
        out.append(t["decide_allowable"].format(**worst))
    year = summary["year"]
    if year and year["projected"] is not None and year["target"] is not None:
        direction = inputs.tree.nodes[summary["kgi"]["id"]].direction
        short = year["projected"] < year["target"]
        if short if str(direction) == "higher" else not short:
            out.append(
                t["decide_landing"].format(
                    projected=year["projected_text"], target=year["target_text"]
                )
            )
    if spend.get("over"):
        out.append(
            t["decide_spend"].format(actual=spend["actual_text"], target=spend["target_text"])
        )
    return out[:MAX_DECISIONS]


def _funnel(inputs: ReviewInputs, fmt: Formatter) -> list[dict[str, Any]]:
    tree, status = inputs.tree, inputs.status
    rows = []
    for row in funnel_steps(tree, status, fmt.lang):
        s, node_id, count = row.status, row.node, row.count
        unit = tree.nodes[node_id].unit if node_id else None
        mom = s.comparison.mom if s else None
        rows.append(
            {
                "stage": row.stage,
                "label": row.label,
                "node": node_id,
                "count": count,
                "count_text": fmt.value(count, unit),
                "target": s.commit if s else None,
                "target_text": fmt.value(s.commit if s else None, unit),
                "previous": mom.previous if mom else None,
                "previous_text": fmt.value(mom.previous if mom else None, unit),
                "change_text": fmt.percent(mom.percent, signed=True) if mom else "--",
                "step_rate": row.step_rate,
                "step_text": fmt.percent(row.step_rate),
                "cumulative_rate": row.cumulative_rate,
                "cumulative_text": fmt.percent(row.cumulative_rate),
                "rag": judgement(s, fmt.lang)[0] if s else "unknown",
                "benchmarks": [b.message(fmt.lang) for b in s.benchmarks] if s else [],
            }
        )
    return rows


def _alerts(inputs: ReviewInputs, fmt: Formatter) -> list[dict[str, Any]]:
    out = []
    for row in inputs.alerts:
        if row["event"] != "transition":
            continue
        rule = inputs.alert_rules.get(row["rule_id"])
        node_id = getattr(rule, "node", None) if rule else None
        node = inputs.tree.nodes.get(node_id) if node_id else None
        unit = node.unit if node else None
        out.append(
            {
                "rule": row["rule_id"],
                "node": node.name(fmt.lang) if node else None,
                "instance": row["instance"] or "",
                "at_text": fmt.datetime(row["at"]),
                "event": f"{row['from_state'] or ''} → {row['to_state'] or ''}",
                "to_state": row["to_state"],
                "period": row["period"],
                "observed_text": fmt.value(row["observed"], unit),
                "line_text": fmt.value(row["line"], unit),
                "why": row["why"],
                "state_now": row["state_now"],
            }
        )
    return out


def _actions(inputs: ReviewInputs, fmt: Formatter) -> dict[str, Any] | None:
    log = inputs.actions
    if log is None:
        return None  # no PDCA log yet: the section is left out (see actions.py)
    rows = []
    for a in log.entries:
        node = inputs.tree.nodes.get(a.node)
        unit = node.unit if node else None
        rows.append(
            {
                "day_text": fmt.date(a.day),
                "node": node.name(fmt.lang) if node else a.node,
                "title": a.title,
                "owner": a.owner,
                "before_text": fmt.value(a.before, unit),
                "after_text": fmt.value(a.after, unit),
                "note": a.note,
            }
        )
    return {"since_text": fmt.date(log.since) if log.since else None, "rows": rows}


def _next(inputs: ReviewInputs, fmt: Formatter) -> dict[str, Any]:
    tree = inputs.tree
    nxt = inputs.next_period
    rows = []
    for node_id, _, first in tree.walk():
        node = tree.nodes[node_id]
        commit = inputs.next_commit.get(node_id)
        owner = owner_of(node)
        if not first or commit is None or (owner is None and str(node.kind) == "KPI"):
            continue
        rows.append(
            {
                "node": node_id,
                "label": node.name(fmt.lang),
                "kind": str(node.kind),
                "commit": commit,
                "commit_text": fmt.value(commit, node.unit),
                "stretch_text": fmt.value(inputs.next_stretch.get(node_id), node.unit),
                "owner": owner,
                "this_period_text": fmt.value(inputs.status.nodes[node_id].actual, node.unit),
            }
        )
    return {
        "period": nxt.key if nxt else None,
        "label": nxt.label(fmt.lang) if nxt else None,
        "rows": rows,
        "note": inputs.next_note,
    }


def _appendix(inputs: ReviewInputs, lang: str, cards: dict[str, Any]) -> dict[str, Any]:
    tree = inputs.tree
    return {
        "definitions": [
            {"id": n, "label": cards[n]["label"], "definition": tree.nodes[n].definition}
            for n in cards
            if tree.nodes[n].definition
        ],
        "notes": [
            REVIEW_TEXT[lang]["mom_note"],
            REVIEW_TEXT[lang]["allowable_note"],
        ]
        + (
            [
                REVIEW_TEXT[lang]["year_note"].format(
                    as_of=Formatter(lang).date(inputs.year.as_of), fy=inputs.year.period.key
                )
            ]
            if inputs.year is not None
            else []
        ),
    }
