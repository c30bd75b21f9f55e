"""The project's ``funnel.mode`` is the default of every funnel metric (a metric's own
``mode:`` wins), measured on a small project of its own (DuckDB and PostgreSQL), and
``explain`` shows the effective mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikkan.model.spec import ProjectSpec

from .measure_support import ENGINES, PROJECT, expected_by_channel, small_workspace

# Stages lead → mql → won; the data records lead and won entries only (no mql), so the
# inferred mql count is the number of wins (a won lead passed mql) and the strict one is 0.
THREE_STAGES = PROJECT.replace("stages: [lead, won]", "stages: [lead, mql, won]") + (
    "  mqls: {kind: KPI, unit: count, metric: {type: stage_count, stage: mql}}\n"
    "  mqls_strict: {kind: KPI, unit: count, metric: {type: stage_count, stage: mql,"
    " mode: strict}}\n"
    "  mql_rate: {kind: KPI, unit: ratio, metric: {type: conversion, from: lead, to: mql}}\n"
)


def _project(mode: str) -> str:
    return THREE_STAGES.replace("mode: strict}\nplan", f"mode: {mode}}}\nplan")


@pytest.mark.parametrize("engine", ENGINES)
def test_inferred_project_mode_applies_to_metrics_without_their_own(
    engine: str, tmp_path: Path
) -> None:
    wins = sum(w for _, w in expected_by_channel(5).values())
    assert wins == 30
    with small_workspace(engine, tmp_path, _project("inferred")) as ws:
        nodes = ws.status(period="2026-05").nodes
        assert nodes["mqls"].actual == wins  # inferred from the won entries
        assert not nodes["mqls_strict"].actual  # its own mode: strict wins
        assert nodes["mql_rate"].actual == pytest.approx(30 / 78)
        assert '"mode":"inferred"' in ws.explain("mqls")["metric"]
        assert '"mode":"strict"' in ws.explain("mqls_strict")["metric"]


@pytest.mark.parametrize("engine", ENGINES)
def test_strict_project_mode_applies_to_metrics_without_their_own(
    engine: str, tmp_path: Path
) -> None:
    with small_workspace(engine, tmp_path, _project("strict")) as ws:
        nodes = ws.status(period="2026-05").nodes
        assert not nodes["mqls"].actual and not nodes["mql_rate"].actual
        assert '"mode":"strict"' in ws.explain("mqls")["metric"]


def test_spec_validated_directly_takes_the_default_too() -> None:
    import yaml

    data = yaml.safe_load(_project("inferred"))
    spec = ProjectSpec.model_validate(data)
    metrics = {k: n.metric for k, n in spec.nodes.items() if n.metric is not None}
    assert getattr(metrics["mqls"], "mode") == "inferred"
    assert getattr(metrics["mql_rate"], "mode") == "inferred"
    assert getattr(metrics["mqls_strict"], "mode") == "strict"
    assert "mode" not in json.dumps(metrics["won"].model_dump(mode="json"))
