"""Open pipeline as of each period's end (a snapshot), undated deals included; hand-counted
on dataset.py (DuckDB and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from ikkan.compute import Span
from ikkan.compute.parts import is_additive
from ikkan.model.metrics import parse_metric

from .conftest import Engine

AS_OF = date(2026, 6, 20)
# D1 new 1.0M created 04-05, won 05-20: open at the end of April
# D2 new 0.5M created 04-20, won 06-10: open at the ends of April and May
# D3, D4 created 05-01, closed in May: never open at a period end
# D7 renewal 0.4M, no created date, still open: in today's (as_of) snapshot only
# D5 D6 D8 D9: no created date, closed: never open


def test_open_deals_count_and_amount_by_month(engine: Engine) -> None:
    count = engine.values({"type": "open_pipeline"}, grain="month", as_of=AS_OF)
    assert count == {("2026-04", ""): 2, ("2026-05", ""): 1, ("2026-06", ""): 1}
    amount = engine.values(
        {"type": "open_pipeline", "measure": "amount"}, grain="month", as_of=AS_OF
    )
    assert amount == {
        ("2026-04", ""): 1_500_000,
        ("2026-05", ""): 500_000,
        ("2026-06", ""): 400_000,
    }


def test_a_quiet_period_still_has_its_snapshot(engine: Engine) -> None:
    # no deal is created or closed in any week of 2026-04-06 … 04-12 but D1 is open
    weeks = engine.values({"type": "open_pipeline"}, grain="week", as_of=AS_OF)
    assert weeks[("2026-W15", "")] == 1  # Monday 04-06 … Sunday 04-12: D1
    assert weeks[("2026-W17", "")] == 2  # 04-20 … 04-26: D1, D2


def test_snapshot_by_dimension_and_over_a_range(engine: Engine) -> None:
    by_channel = engine.values(
        {"type": "open_pipeline"}, grain="month", dimension="channel", as_of=AS_OF
    )
    assert by_channel == {
        ("2026-04", "display"): 1,
        ("2026-04", "paid_search"): 1,
        ("2026-05", "display"): 1,
        ("2026-06", "(none)"): 1,  # D7, undated, no channel: counted, not lost
    }
    ranged = engine.values(
        {"type": "open_pipeline", "filters": {"deal_type": "new"}},
        grain="range",
        span=Span(date(2026, 4, 1), date(2026, 5, 31), "2026-04-01..2026-05-31"),
        as_of=AS_OF,
    )
    assert ranged == {("2026-04-01..2026-05-31", ""): 1}  # D2 at the range's end


def test_open_pipeline_is_a_level_measured_per_grain() -> None:
    assert not is_additive(parse_metric({"type": "open_pipeline"}))


def test_an_open_pipeline_node_is_a_level(write_project) -> None:  # type: ignore[no-untyped-def]
    from ikkan.model.spec import Aggregate
    from ikkan.workspace import Workspace

    folder = write_project(
        "ikkan: 1\ncompany: {name: T}\nnodes:\n"
        "  won: {kind: KGI, unit: count, metric: {type: deal_count}}\n"
        "  open_deals: {kind: KPI, unit: count, metric: {type: open_pipeline}}\n"
    )
    ws = Workspace.open(folder)
    assert ws.tree is not None and not ws.has_errors, ws.issues
    assert ws.tree.nodes["open_deals"].aggregate is Aggregate.AVERAGE  # not summed over months
