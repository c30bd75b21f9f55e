"""Day parts rolled up equal the per-grain compile path, for every additive metric type,
every grain and dimension, on DuckDB and PostgreSQL (dataset.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from ikkan.compute import MetricCompileError, compile_metric
from ikkan.compute.parts import PARTS_COLUMNS, compile_parts, is_additive
from ikkan.compute.rollup import rollup
from ikkan.model.metrics import parse_metric
from ikkan.model.periods import GRAIN_ORDER

from .conftest import Engine
from .dataset import STAGES

ADDITIVE = [
    {"type": "stage_count", "stage": "mql"},
    {"type": "stage_count", "stage": "sql", "mode": "inferred"},
    {"type": "stage_count", "stage": "mql", "mode": "inferred", "filters": {"segment": "smb"}},
    {"type": "conversion", "from": "lead", "to": "mql", "basis": "period"},
    {"type": "conversion", "from": "mql", "to": "sql", "basis": "period", "mode": "inferred"},
    {"type": "conversion", "from": "lead", "to": "mql", "basis": "cohort", "window_days": 10},
    {
        "type": "conversion",
        "from": "mql",
        "to": "opportunity",
        "basis": "cohort",
        "window_days": 30,
        "mode": "inferred",
    },
    {"type": "velocity", "from": "lead", "to": "sql", "stat": "mean"},
    {"type": "velocity", "from": "mql", "to": "sql", "stat": "mean", "mode": "inferred"},
    {"type": "deal_amount"},
    {"type": "deal_amount", "average": True},
    {"type": "deal_amount", "deal_type": ["new", "upsell"], "status": "created"},
    {"type": "deal_amount", "status": "lost", "average": True},
    {"type": "deal_count", "status": "closed"},
    {"type": "deal_amount", "deal_type": "renewal", "status": "due"},
    {"type": "deal_count", "deal_type": "renewal"},
    {"type": "retention"},
    {"type": "retention", "kind": "churn", "basis": "amount"},
    {"type": "spend"},
    {"type": "spend", "measure": "clicks", "filters": {"channel": "display"}},
    {"type": "cost_per", "per": "lead"},
    {"type": "cost_per", "per": "stage", "stage": "mql", "mode": "inferred"},
    {"type": "cost_per", "per": "won", "deal_type": "new"},
    {"type": "romi"},
    {"type": "romi", "deal_type": "new", "filters": {"channel": "paid_search"}},
    {"type": "web", "measure": "sessions"},
    {"type": "web", "measure": "cvr"},
    {"type": "web", "measure": "users", "filters": {"channel": "organic"}},
    {"type": "activity_count", "activity": "email_open"},
    {
        "type": "activity_rate",
        "numerator": "webinar_attendance",
        "denominator": "webinar_registration",
    },
]
NOT_ADDITIVE = [
    {"type": "velocity", "from": "lead", "to": "sql"},
    {"type": "activity_count", "activity": "email_open", "count": "leads"},
    {"type": "activity_rate", "numerator": "connect", "denominator": "call", "count": "leads"},
    {"type": "manual"},
]
GRAINS = [g.value for g in GRAIN_ORDER]
DIMENSIONS = ["channel", "segment"]
AS_OF = date(2026, 5, 20)  # cohorts of late April and May are still maturing


def _parts(engine: Engine, spec: dict[str, Any], dimension: str | None) -> pa.Table | None:
    metric = parse_metric(spec)
    try:
        expr = compile_parts(metric, dimension=dimension, stages=STAGES, as_of=AS_OF)
    except MetricCompileError:
        return None
    rows = engine.rows(expr)
    table = pa.Table.from_pylist(
        [{"dimension": dimension or "", **{c: _plain(r[c]) for c in PARTS_COLUMNS}} for r in rows],
        schema=pa.schema(
            [
                ("dimension", pa.string()),
                ("day", pa.date32()),
                ("dimension_value", pa.string()),
                ("p1", pa.float64()),
                ("p2", pa.float64()),
                ("p3", pa.float64()),
            ]
        ),
    )
    return table


def _plain(value: Any) -> Any:
    """Decimals (DuckDB types a float literal 0.0 as a decimal) as floats."""
    if isinstance(value, Decimal):
        return float(value)
    return value.date() if isinstance(value, datetime) else value


def _old(engine: Engine, spec: dict[str, Any], grain: str, dimension: str | None) -> dict:
    expr = compile_metric(
        parse_metric(spec), grain=grain, dimension=dimension, stages=STAGES, as_of=AS_OF
    )
    return {(r["period"], r["dimension_value"]): _shape(r) for r in engine.rows(expr)}


def _shape(row: dict[str, Any]) -> tuple[Any, ...]:
    def number(v: Any) -> Any:
        return None if v is None else pytest.approx(float(v), rel=1e-12, abs=1e-12)

    start, end = row["period_start"], row["period_end"]
    return (
        start if isinstance(start, date) else start.date(),
        end if isinstance(end, date) else end.date(),
        number(row["value"]),
        number(row["numerator"]),
        number(row["denominator"]),
        bool(row["maturing"]),
    )


def _rolled(table: pa.Table, dimension: str) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    out = {}
    for r in table.to_pylist():
        if r["dimension"] != dimension:
            continue
        key = (r["grain"], r["period"], r["dimension_value"])
        assert key not in out, f"duplicate row {key}"
        out[key] = (
            r["period_start"],
            r["period_end"],
            r["value"],
            r["numerator"],
            r["denominator"],
            r["maturing"],
        )
    return out


@pytest.mark.parametrize("spec", ADDITIVE, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_rollup_equals_per_grain_path(engine: Engine, spec: dict[str, Any]) -> None:
    metric = parse_metric(spec)
    assert is_additive(metric)
    whole = _parts(engine, spec, None)
    assert whole is not None and whole.num_rows > 0  # the dataset has data for the metric
    split = {d: _parts(engine, spec, d) for d in DIMENSIONS}
    usable = [d for d in DIMENSIONS if split[d] is not None]
    assert usable, "every metric can be split by channel"
    both = pa.concat_tables([whole, *(split[d] for d in usable)])
    only_split = pa.concat_tables([split[d] for d in usable])
    as_rolled = rollup(both, metric, grains=GRAINS, as_of=AS_OF)
    from_dimension = rollup(only_split, metric, grains=GRAINS, as_of=AS_OF, totals_from=usable[0])
    for grain in GRAINS:
        expected = {(grain, *k): v for k, v in _old(engine, spec, grain, None).items()}
        got = {k: v for k, v in _rolled(as_rolled, "").items() if k[0] == grain}
        assert got == expected, grain
        summed = {k: v for k, v in _rolled(from_dimension, "").items() if k[0] == grain}
        assert summed == expected, f"{grain}: the whole as the sum over {usable[0]}"
        for dimension in usable:
            expected = {(grain, *k): v for k, v in _old(engine, spec, grain, dimension).items()}
            got = {k: v for k, v in _rolled(as_rolled, dimension).items() if k[0] == grain}
            assert got == expected, (grain, dimension)
            assert got == {
                k: v for k, v in _rolled(from_dimension, dimension).items() if k[0] == grain
            }


def test_rollup_keeps_periods_ending_from_since(duckdb_engine: Engine) -> None:
    spec = {"type": "stage_count", "stage": "lead"}
    whole = _parts(duckdb_engine, spec, None)
    assert whole is not None
    metric = parse_metric(spec)
    everything = rollup(whole, metric, grains=["month", "quarter"], as_of=AS_OF)
    since = date(2026, 5, 1)
    recent = rollup(whole, metric, grains=["month", "quarter"], as_of=AS_OF, since=since)
    kept = [r for r in everything.to_pylist() if r["period_end"] >= since]
    assert recent.to_pylist() == kept
    assert 0 < len(kept) < everything.num_rows  # April (month) was left out


@pytest.mark.parametrize("spec", NOT_ADDITIVE, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_non_additive_metrics_are_refused(spec: dict[str, Any]) -> None:
    metric = parse_metric(spec)
    assert not is_additive(metric)
    with pytest.raises(MetricCompileError, match="not a sum of day parts"):
        compile_parts(metric, stages=STAGES, as_of=AS_OF)


def test_parts_compile_errors_match_the_per_grain_path() -> None:
    spend = parse_metric({"type": "spend"})
    with pytest.raises(MetricCompileError) as per_grain:
        compile_metric(spend, grain="month", dimension="segment")
    with pytest.raises(MetricCompileError) as parts:
        compile_parts(spend, dimension="segment")
    assert parts.value.message == per_grain.value.message


def test_rollup_sorts_rows_as_sort_by_does() -> None:
    """The day parts are summed in the order ``sort_by`` on node, dimension, value and day
    gives (so float sums stay the same): the ranks the rollup sorts by give that order,
    nulls and several chunks included."""
    import random

    from ikkan.compute.rollup import _sort_indices

    rng = random.Random(7)
    words = ["", "a", "b", "ab", "B", "é", "z" * 20]

    def chunk(n: int) -> pa.Table:
        return pa.table(
            {
                "node_id": [rng.choice(["n1", "n2", "n10"]) for _ in range(n)],
                "dimension": [rng.choice(["", "channel", "segment"]) for _ in range(n)],
                "dimension_value": [rng.choice([*words, None]) for _ in range(n)],
                "day": [date(2026, 1, 1 + rng.randrange(28)) for _ in range(n)],
                "p1": [float(i) for i in range(n)],
            }
        )

    table = pa.concat_tables([chunk(500), chunk(300), chunk(2)], promote_options="default")
    keys = [(c, "ascending") for c in ("node_id", "dimension", "dimension_value", "day")]
    assert table.take(_sort_indices(table)).equals(table.sort_by(keys))


def test_rollup_of_nodes_leaves_out_rows_of_nodes_without_a_spec() -> None:
    from ikkan.compute.rollup import RollupSpec, rollup_nodes

    metric = parse_metric({"type": "stage_count", "stage": "mql"})
    daily = pa.table(
        {
            "node_id": ["b", "a", "zz", "a"],
            "dimension": ["", "", "", ""],
            "dimension_value": ["", "", "", ""],
            "day": [date(2026, 4, 2), date(2026, 4, 1), date(2026, 4, 1), date(2026, 5, 3)],
            "p1": [2.0, 1.0, 50.0, 4.0],
            "p2": [None, None, None, None],
            "p3": [None, None, None, None],
        }
    )
    rolled = rollup_nodes(
        daily, {"a": RollupSpec(metric), "b": RollupSpec(metric)}, grains=["month"]
    )
    assert sorted(rolled) == ["a", "b"]
    assert rolled["a"].column("value").to_pylist() == [1.0, 4.0]
    assert rolled["b"].column("value").to_pylist() == [2.0]
