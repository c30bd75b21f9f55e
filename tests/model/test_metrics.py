"""Metric specs: the discriminated union, defaults, and refusals with clear messages."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from ikkan.model.metrics import (
    METRIC_TYPES,
    ConversionMetric,
    CostPerMetric,
    DealAmountMetric,
    MetricSpec,
    StageCountMetric,
    parse_metric,
)


def test_type_selects_the_class_and_defaults():
    metric = parse_metric({"type": "stage_count", "stage": "mql"})
    assert isinstance(metric, StageCountMetric)
    assert metric.mode == "strict"
    assert metric.filters == {}
    conv = parse_metric({"type": "conversion", "from": "mql", "to": "sql"})
    assert isinstance(conv, ConversionMetric)
    assert (conv.from_stage, conv.to_stage, conv.basis) == ("mql", "sql", "period")
    assert conv.stages_used() == ("mql", "sql")


def test_metric_spec_works_as_a_field_type():
    class Node(BaseModel):
        metric: MetricSpec | None = None

    node = Node.model_validate({"metric": {"type": "deal_amount", "deal_type": "new"}})
    assert isinstance(node.metric, DealAmountMetric)
    assert node.metric.deal_type == ("new",)
    assert Node().metric is None


def test_every_type_is_parseable():
    minimal = {
        "stage_count": {"stage": "mql"},
        "conversion": {"from": "a", "to": "b"},
        "velocity": {"from": "a", "to": "b"},
        "cost_per": {"per": "lead"},
        "web": {"measure": "sessions"},
        "activity_count": {"activity": "email_open"},
        "activity_rate": {"numerator": "connect", "denominator": "call"},
        "sla_attainment": {"stage": "mql", "within": 24},
    }
    for kind in METRIC_TYPES:
        assert parse_metric({"type": kind, **minimal.get(kind, {})}).type == kind


def test_filters_take_a_value_or_a_list():
    metric = parse_metric(
        {"type": "spend", "filters": {"channel": ["paid_search", "display"], "campaign": "x"}}
    )
    wanted = {k: c.in_ for k, c in metric.filter_values().items()}
    assert wanted == {"channel": ("paid_search", "display"), "campaign": ("x",)}
    with pytest.raises(ValidationError, match="empty list"):
        parse_metric({"type": "spend", "filters": {"channel": []}})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "stage_count", "stage": "mql", "stag": "x"}, "Extra inputs"),
        ({"type": "funnel"}, "stage_count"),  # lists the valid tags
        ({"type": "conversion", "from": "mql", "to": "sql", "basis": "cohort"}, "window_days"),
        ({"type": "conversion", "from": "mql", "to": "sql", "window_days": 30}, "cohort"),
        ({"type": "conversion", "from": "mql", "to": "mql"}, "two stages"),
        ({"type": "deal_count", "deal_type": "renew"}, "renewal"),
        ({"type": "cost_per", "per": "stage"}, "needs 'stage'"),
        ({"type": "cost_per", "per": "lead", "stage": "mql"}, "only to per: stage"),
        ({"type": "cost_per", "per": "lead", "deal_type": "new"}, "only to per: won"),
        ({"type": "activity_count", "activity": "webinar"}, "webinar_attendance"),
        ({"type": "manual", "filters": {"a": "b"}}, "Extra inputs"),
        ({"type": "velocity", "from": "a", "to": "b", "stat": "p100"}, "unknown stat"),
    ],
)
def test_refusals(data, message):
    with pytest.raises(ValidationError, match=message):
        parse_metric(data)


def test_specs_are_frozen():
    metric = parse_metric({"type": "cost_per", "per": "won", "deal_type": ["new", "upsell"]})
    assert isinstance(metric, CostPerMetric)
    with pytest.raises(ValidationError):
        metric.per = "lead"  # type: ignore[misc]


def test_sla_attainment_takes_contact_or_a_stage_not_both():
    metric = parse_metric(
        {"type": "sla_attainment", "stage": "sql", "to": "opportunity", "within": 80}
    )
    assert metric.stages_used() == ("sql", "opportunity")
    assert metric.contact == ("call", "connect", "meeting")
    for bad in (
        {"to": "opportunity", "contact": ["call"]},  # both
        {"to": "sql"},  # the same stage
        {"contact": ["phone"]},  # not an activity type
        {"contact": []},
    ):
        with pytest.raises(ValueError):
            parse_metric({"type": "sla_attainment", "stage": "sql", "within": 8, **bad})
    with pytest.raises(ValueError):
        parse_metric({"type": "sla_attainment", "stage": "sql", "within": 5000})
