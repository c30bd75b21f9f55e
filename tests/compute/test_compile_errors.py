"""Mistakes get a clear error with a hint; the expression shape is fixed."""

from __future__ import annotations

from datetime import date

import pytest

from ikkan.compute import OUTPUT_COLUMNS, MetricCompileError, compile_metric, to_sql
from ikkan.errors import Location
from ikkan.model.metrics import parse_metric

from .dataset import STAGES


def _compile(spec, **kwargs):
    kwargs.setdefault("grain", "month")
    kwargs.setdefault("stages", STAGES)
    return compile_metric(parse_metric(spec), **kwargs)


def test_output_columns_and_types():
    expr = _compile({"type": "stage_count", "stage": "mql"}, dimension="channel")
    assert tuple(expr.columns) == OUTPUT_COLUMNS
    types = {name: str(t).lstrip("!") for name, t in expr.schema().items()}
    assert types == {
        "period": "string",
        "period_start": "date",
        "period_end": "date",
        "dimension_value": "string",
        "value": "float64",
        "numerator": "float64",
        "denominator": "float64",
        "maturing": "boolean",
    }


def test_unknown_stage_names_close_match_and_location():
    where = Location("kpis.yaml", 12)
    with pytest.raises(MetricCompileError) as err:
        _compile({"type": "stage_count", "stage": "mq1"}, location=where)
    assert "kpis.yaml:12" in str(err.value)
    assert "'mql'" in err.value.hint


def test_unknown_dimension_and_filter_columns():
    with pytest.raises(MetricCompileError, match="dimension 'chanel'") as err:
        _compile({"type": "spend"}, dimension="chanel")
    assert "channel" in err.value.hint
    with pytest.raises(MetricCompileError, match="filter column 'segment'"):
        _compile({"type": "web", "measure": "sessions", "filters": {"segment": "smb"}})


def test_spend_ratio_needs_a_dimension_spend_has():
    with pytest.raises(MetricCompileError, match="cannot split spend") as err:
        _compile({"type": "cost_per", "per": "lead"}, dimension="segment")
    assert "channel" in err.value.hint


def test_cohort_needs_as_of_and_manual_needs_node():
    spec = {"type": "conversion", "from": "mql", "to": "sql", "basis": "cohort", "window_days": 9}
    with pytest.raises(MetricCompileError, match="as_of"):
        _compile(spec)
    assert _compile(spec, as_of=date(2026, 5, 31)) is not None
    with pytest.raises(MetricCompileError, match="node id"):
        _compile({"type": "manual"})


def test_bad_grain_fiscal_start_and_dialect():
    with pytest.raises(MetricCompileError, match="unknown grain 'month_'"):
        _compile({"type": "spend"}, grain="month_")
    with pytest.raises(MetricCompileError, match="fiscal_year_start"):
        _compile({"type": "spend"}, fiscal_year_start=13)
    with pytest.raises(MetricCompileError, match="dialect") as err:
        to_sql(_compile({"type": "spend"}), "postgre")
    assert "postgres" in err.value.hint


def test_funnel_scans_lead_stages_once():
    sql = to_sql(_compile({"type": "conversion", "from": "mql", "to": "sql"}), "duckdb")
    assert sql.count('FROM "lead_stages"') == 1
