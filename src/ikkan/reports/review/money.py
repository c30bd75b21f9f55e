"""Channels month over month (volumes, CPL / CPA / CAC / ROMI against the allowable values)
and spend against budget: arranged from ``ikkan status --by`` and ``ikkan status``."""

from __future__ import annotations

from typing import Any

from ikkan.reports.review.inputs import ReviewInputs
from ikkan.web.i18n import Formatter
from ikkan.web.view_model import (
    channel_name,
    funnel_stage_nodes,
    is_cost_node,
    over_allowable,
)

COST_TYPES = ("spend", "cost_per", "romi")
VOLUME_STAGES = ("lead", "mql", "opportunity", "won")


def _stage_nodes(inputs: ReviewInputs) -> list[str]:
    by_stage = funnel_stage_nodes(inputs.tree)
    return [by_stage[s] for s in VOLUME_STAGES if s in by_stage]


def cost_nodes(inputs: ReviewInputs) -> list[str]:
    tree = inputs.tree
    return [
        n
        for n in tree.order
        if tree.nodes[n].metric and tree.nodes[n].metric.type in COST_TYPES  # type: ignore[union-attr]
    ]


def channel_label(inputs: ReviewInputs, value: str, lang: str) -> str:
    return channel_name(inputs.tree.spec.channels, value, lang)


def channels_section(inputs: ReviewInputs, fmt: Formatter) -> dict[str, Any]:
    tree, by = inputs.tree, inputs.by
    empty: dict[str, Any] = {
        "dimension": None,
        "columns": [],
        "rows": [],
        "total": [],
        "worst_over": None,
    }
    if by is None or by.by is None:
        return empty
    values = by.by.values
    before = inputs.by_previous.by.values if inputs.by_previous and inputs.by_previous.by else {}
    costs = cost_nodes(inputs)
    spend_node = next((n for n in costs if tree.nodes[n].metric.type == "spend"), None)  # type: ignore[union-attr]
    columns = [n for n in [*([spend_node] if spend_node else []), *_stage_nodes(inputs)]]
    columns += [n for n in costs if n not in columns]
    columns = [n for n in columns if n in values]
    order = [name for name, _ in by.by.breakdown(tree).rows]
    rows = []
    worst: tuple[float, dict[str, Any]] | None = None
    for name in order:
        cells = []
        for n in columns:
            node = tree.nodes[n]
            value = values[n].get(name)
            previous = before.get(n, {}).get(name)
            cost = is_cost_node(node)
            allowable = inputs.status.nodes[n].commit if cost else None
            over = over_allowable(str(node.direction), value, allowable)
            cells.append(
                {
                    "node": n,
                    "value": value,
                    "text": fmt.value(value, node.unit),
                    "previous": previous,
                    "previous_text": fmt.value(previous, node.unit),
                    "over": over,
                }
            )
            if over and node.metric is not None and node.metric.type == "cost_per":
                assert value is not None and allowable
                ratio = value / allowable
                if worst is None or ratio > worst[0]:
                    worst = (
                        ratio,
                        {
                            "channel": channel_label(inputs, name, fmt.lang),
                            "node": node.name(fmt.lang),
                            "actual": fmt.value(value, node.unit),
                            "allowable": fmt.value(allowable, node.unit),
                        },
                    )
        if any(c["value"] is not None for c in cells):
            rows.append(
                {"value": name, "label": channel_label(inputs, name, fmt.lang), "cells": cells}
            )
    header = []
    for n in columns:
        node = tree.nodes[n]
        s = inputs.status.nodes[n]
        cost = is_cost_node(node)
        header.append(
            {
                "id": n,
                "label": node.name(fmt.lang),
                "total_text": fmt.value(s.actual, node.unit),
                "previous_total_text": fmt.value(s.comparison.mom.previous, node.unit),
                "allowable": s.commit if cost else None,
                "allowable_text": fmt.value(s.commit, node.unit) if cost else "",
                "over": over_allowable(str(node.direction), s.actual, s.commit) if cost else False,
            }
        )
    return {
        "dimension": by.by.dimension,
        "columns": header,
        "rows": rows,
        "worst_over": worst[1] if worst else None,
    }


def spend_section(inputs: ReviewInputs, fmt: Formatter) -> dict[str, Any]:
    tree = inputs.tree
    node_id = next((n for n in cost_nodes(inputs) if tree.nodes[n].metric.type == "spend"), None)  # type: ignore[union-attr]
    if node_id is None:
        return {"node": None}
    node = tree.nodes[node_id]
    s = inputs.status.nodes[node_id]
    used = s.actual / s.commit if s.actual is not None and s.commit else None
    out: dict[str, Any] = {
        "node": node_id,
        "label": node.name(fmt.lang),
        "actual": s.actual,
        "actual_text": fmt.value(s.actual, node.unit),
        "target": s.commit,
        "target_text": fmt.value(s.commit, node.unit),
        "used_text": fmt.percent(used),
        "over": used is not None and used > 1.0,
        "previous_text": fmt.value(s.comparison.mom.previous, node.unit),
        "year": None,
        "by": [],
    }
    year = inputs.year
    if year is not None and node_id in year.nodes:
        y = year.nodes[node_id]
        out["year"] = {
            "label": year.period.label(fmt.lang),
            "actual_text": fmt.value(y.actual, node.unit),
            "target_text": fmt.value(y.commit, node.unit),
            "used_text": fmt.percent(
                y.actual / y.commit if y.actual is not None and y.commit else None
            ),
            "projected_text": fmt.value(y.pacing.projected if y.pacing else None, node.unit),
        }
    by = inputs.by.by if inputs.by else None
    if by is not None and node_id in by.values and s.actual:
        for name, value in sorted(by.values[node_id].items(), key=lambda kv: -(kv[1] or 0)):
            if value:
                out["by"].append(
                    {
                        "label": channel_label(inputs, name, fmt.lang),
                        "text": fmt.value(value, node.unit),
                        "share_text": fmt.percent(value / s.actual),
                    }
                )
    return out
