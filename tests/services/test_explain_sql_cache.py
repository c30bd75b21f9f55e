"""explain's compiled SQL is kept across refreshes, and only while its inputs hold."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from ikkan.compute import compile_metric, to_sql
from ikkan.services import explain_sql
from ikkan.workspace import Workspace

from .conftest import NOW, DemoProject

NODE = "opportunity_rate"


def _fresh_sql(ws: Workspace, as_of: date) -> str:
    """The SQL compiled now, without the cache, from the workspace's current spec."""
    tree = ws.require_valid()
    metric = tree.nodes[NODE].metric
    assert metric is not None
    expr = compile_metric(
        metric,
        grain="month",
        stages=tuple(s.id for s in ws.spec.funnel.stages),
        fiscal_year_start=ws.spec.company.fiscal_year_start,
        as_of=as_of,
        node_id=NODE,
    )
    return to_sql(expr, ws.warehouse_dialect())


def _copy(demo_project: DemoProject, tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_project.root, root)
    return root


def test_a_data_only_refresh_reuses_the_sql(demo_project: DemoProject, tmp_path: Path) -> None:
    root = _copy(demo_project, tmp_path)
    first = Workspace.open(root, clock=NOW).explain(NODE)
    before = explain_sql.counts()
    ws = Workspace.open(root, clock=NOW)
    ws.refresh(full=True)  # the data measured again, ikkan.yml and as-of unchanged
    again = Workspace.open(root, clock=NOW).explain(NODE)
    after = explain_sql.counts()
    assert after["hits"] == before["hits"] + 1
    assert after["misses"] == before["misses"]
    assert again["sql"] == first["sql"] == _fresh_sql(ws, date.fromisoformat(again["as_of"]))


def test_another_as_of_compiles_anew(demo_project: DemoProject, tmp_path: Path) -> None:
    root = _copy(demo_project, tmp_path)
    first = Workspace.open(root, clock=NOW).explain(NODE)
    ws = Workspace.open(root, clock=NOW)
    earlier = date.fromisoformat(first["as_of"]).replace(day=3)
    ws.refresh(as_of=earlier, full=True)
    before = explain_sql.counts()
    moved = Workspace.open(root, clock=NOW).explain(NODE)
    assert moved["as_of"] == earlier.isoformat() != first["as_of"]
    assert explain_sql.counts()["misses"] == before["misses"] + 1
    assert moved["sql"] == _fresh_sql(ws, earlier)


def test_a_metric_change_in_ikkan_yml_compiles_anew(
    demo_project: DemoProject, tmp_path: Path
) -> None:
    root = _copy(demo_project, tmp_path)
    first = Workspace.open(root, clock=NOW).explain(NODE)
    spec = root / "ikkan.yml"
    text = spec.read_text(encoding="utf-8")
    old = "metric: {type: conversion, from: mql, to: opportunity, basis: period, mode: inferred}"
    assert text.count(old) == 1
    spec.write_text(
        text.replace(old, old.replace("basis: period", "basis: cohort, window_days: 90")), "utf-8"
    )
    before = explain_sql.counts()
    ws = Workspace.open(root, clock=NOW)
    changed = ws.explain(NODE)
    assert explain_sql.counts()["misses"] == before["misses"] + 1
    assert changed["sql"] != first["sql"]
    assert changed["sql"] == _fresh_sql(ws, date.fromisoformat(changed["as_of"]))
