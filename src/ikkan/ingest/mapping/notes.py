"""Plain-language notes on the choices generic mappings make for the rows they load, for
``ikkan explain``: which sources date rows they do not date themselves, and how."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.ingest.mapping.dates import DESCRIPTIONS
from ikkan.model.metrics import MetricSpec
from ikkan.model.spec import ProjectSpec

if TYPE_CHECKING:
    from ikkan.ingest.mapping.spec import GenericMapping

_FUNNEL = ("leads", "deals", "activities")  # lead_stages come from any of them
METRIC_TABLES: dict[str, tuple[str, ...]] = {
    "stage_count": _FUNNEL,
    "conversion": _FUNNEL,
    "velocity": _FUNNEL,
    "deal_amount": ("deals",),
    "deal_count": ("deals",),
    "retention": ("deals",),
    "spend": ("spend",),
    "cost_per": ("spend", *_FUNNEL),
    "romi": ("spend", "deals"),
    "web": ("web_traffic",),
    "activity_count": ("activities",),
    "activity_rate": ("activities", "leads"),
    "sla_attainment": _FUNNEL,
}


FUNNEL_METRICS = frozenset({"stage_count", "conversion", "velocity"})


def _feeds(mapping: GenericMapping, metric: MetricSpec, tables: tuple[str, ...]) -> bool:
    """Whether rows of ``mapping`` dated by its default date can reach ``metric``: funnel
    metrics count stage rows, which a mapping writes only through its ``stages:`` rules
    that take the row's date (a rule with its own ``column`` is dated by that column)."""
    if mapping.table not in tables:
        return False
    kind = str(getattr(metric, "type", ""))
    per = str(getattr(metric, "per", ""))
    if kind == "cost_per" and per in ("lead", "won"):
        return mapping.table in ("spend", "leads" if per == "lead" else "deals")
    counts_stages = kind in FUNNEL_METRICS or kind == "cost_per"
    if counts_stages and mapping.table in _FUNNEL:
        return any(rule.column is None for rule in mapping.stages)
    return True


def default_date_notes(spec: ProjectSpec, metric: MetricSpec | None) -> list[str]:
    """One sentence per generic source feeding ``metric`` whose rows may get a made-up date."""
    from pydantic import ValidationError

    from ikkan.ingest.mapping.spec import GenericMapping

    if metric is None:
        return []
    tables = METRIC_TABLES.get(str(getattr(metric, "type", "")), ())
    notes = []
    for name, source in spec.sources.items():
        if source.reader != "generic":
            continue
        try:
            mapping = GenericMapping.model_validate(source.options.get("mapping", source.options))
        except ValidationError:
            continue  # validate reports it
        rule = mapping.default_date
        if rule is None or not _feeds(mapping, metric, tables):
            continue
        column = mapping.default_date_column()
        what = rule.value.isoformat() if rule.value else DESCRIPTIONS[rule.source]
        label = mapping.columns.get(column or "")
        rows = f"rows with an empty {label!r}" if label else "every row"
        notes.append(
            f"source '{name}' ({mapping.table}): {rows} is dated {what} "
            f"({mapping.table}.{column}, default_date of the mapping)"
        )
    return notes
