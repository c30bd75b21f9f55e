"""Filters beyond equality: ranges, in / not in, null / not null (DuckDB and PostgreSQL),
checked against the hand-counted deals of dataset.py, and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ikkan.compute import MetricCompileError, compile_metric
from ikkan.model.metrics import parse_metric

from .conftest import Engine

# won deals (dataset.py): D1 1,000,000 paid_search 05-20 12:00 · D2 500,000 display 06-10 ·
# D3 300,000 paid_search 05-25 · D5 1,200,000 paid_search 04-30 · D8 200,000 no channel
# 06-15 · D9 no amount, display 06-20
CASES: list[tuple[dict[str, Any], int]] = [
    ({}, 6),
    ({"amount": {"gt": 0, "lt": 1_000_000}}, 3),  # D2 D3 D8; D1 is not below, D9 empty
    ({"amount": {"gte": "1_000_000"}}, 2),  # D1 D5 (a YAML 1.2 number in text)
    ({"amount": {"null": True}}, 1),  # D9
    ({"amount": {"null": False}}, 5),
    ({"channel": {"not_in": ["paid_search"]}}, 3),  # D2 D9 and D8, whose channel is empty
    ({"channel": {"not_in": ["paid_search"], "null": False}}, 2),  # D2 D9
    ({"channel": {"in": ["display", "organic"]}}, 2),  # D2 D9
    ({"channel": {"ne": "display"}}, 4),  # D1 D3 D5 D8
    ({"channel": {"eq": "display"}}, 2),
    ({"closed_at": {"lte": "2026-05-20"}}, 2),  # a date bound is the whole day: D1 D5
    ({"closed_at": {"lt": "2026-05-20"}}, 1),  # D5
    ({"closed_at": {"gt": "2026-05-20", "lt": "2026-06-15T12:00"}}, 2),  # D3 D2
    ({"amount": {"lt": 1_000_000}, "channel": ["paid_search"]}, 1),  # D3
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_filters_count_what_they_say(engine: Engine, filters: dict, expected: int) -> None:
    rows = engine.measure(
        {"type": "deal_count", "filters": filters}, grain="fiscal_year", fiscal_year_start=4
    )
    assert sum(r["value"] for r in rows.values()) == expected


def test_a_range_on_the_funnel_reads_the_leads_column(engine: Engine) -> None:
    # leads created before 2026-04-01: L1, L2 (March); their MQL entries are in March
    rows = engine.measure(
        {"type": "stage_count", "stage": "mql", "filters": {"created_at": {"lt": "2026-04-01"}}},
        grain="month",
    )
    assert {k[0]: r["value"] for k, r in rows.items()} == {"2026-03": 2}


def _compile(filters: dict) -> None:
    compile_metric(parse_metric({"type": "deal_count", "filters": filters}), grain="month")


def test_bad_values_are_clear_errors() -> None:
    with pytest.raises(MetricCompileError, match=r"filter 'amount': 'abc' is not a number"):
        _compile({"amount": {"gt": "abc"}})
    with pytest.raises(MetricCompileError, match=r"'channel' holds string values"):
        _compile({"channel": {"gt": 1}})
    with pytest.raises(MetricCompileError, match=r"is not a date or time"):
        _compile({"closed_at": {"gte": "last year"}})
    for bad, message in [
        ({"amount": {"gt": 5, "lt": 1}}, "leave no value between them"),
        ({"amount": {}}, "an empty condition"),
        ({"amount": {"in": []}}, "'in' has an empty list"),
        ({"amount": {"null": True, "gt": 0}}, "no other condition can hold"),
        ({"amount": {"between": [1, 2]}}, "between"),
    ]:
        with pytest.raises(ValidationError, match=message):
            parse_metric({"type": "deal_count", "filters": bad})


def test_a_bad_filter_in_ikkan_yml_is_located(write_project) -> None:  # type: ignore[no-untyped-def]
    from ikkan.workspace import Workspace

    folder = write_project(
        "ikkan: 1\ncompany: {name: T}\nnodes:\n"
        "  won:\n    kind: KGI\n    unit: count\n"
        "    metric:\n      type: deal_count\n      filters:\n"
        "        amount: {gt: 5, lt: 1}\n"
    )
    issues = [i for i in Workspace.open(folder).validate() if "no value between" in i.message]
    assert len(issues) == 1 and issues[0].location is not None
    assert issues[0].location.line == 10  # at the filter, not its node
