"""The template counts a stage one way everywhere: 月間MQL獲得数 (stage_count, inferred) and
the MQL behind 許容CPA (cost_per per stage) are the same number, so CPA = budget ÷ the MQL
count the status shows. A metric without ``mode:`` takes ``funnel.mode``; the template
states it on each funnel metric too, so the mode is visible where the metric is read."""

from __future__ import annotations

import pytest

from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_funnel_metric_of_the_template_uses_the_funnel_mode(
    write_project,  # type: ignore[no-untyped-def]
    lang: str,
) -> None:
    spec = Workspace.open(write_project(template_text(lang))).spec
    modes = {}
    for node_id, node in spec.nodes.items():
        metric = node.metric
        if metric is None or getattr(metric, "mode", None) is None:
            continue
        if getattr(metric, "type", "") == "cost_per" and getattr(metric, "per", "") != "stage":
            continue
        modes[node_id] = metric.mode
    assert "cpa" in modes and "mql" in modes
    assert set(modes.values()) == {spec.funnel.mode}, modes
