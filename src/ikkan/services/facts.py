"""What the project knows about itself, for the seed 000 readiness checklist."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ikkan.model.issues import Severity
from ikkan.model.spec import Kind
from ikkan.monitor.checklist_checks import ProjectFacts

if TYPE_CHECKING:
    from ikkan.services.project_view import ProjectView


def project_facts(ws: ProjectView) -> ProjectFacts:
    """Facts from the spec, the lint, and (when there is one) the warehouse."""
    tree = ws.tree
    if tree is None:
        return ProjectFacts()
    nodes = tree.nodes.values()
    kgis = [n for n in nodes if n.kind is Kind.KGI]
    kpis = [n for n in nodes if n.kind is Kind.KPI]
    connected = set()
    for kgi in tree.kgis:
        connected |= tree.reaches(kgi)
    issues = ws.lint()
    facts: dict[str, object] = {
        "has_kgi": any(n.target is not None for n in kgis),
        "ksf_count": sum(1 for n in nodes if n.kind is Kind.KSF),
        "kpi_count": len(kpis),
        "kpis_connected_to_kgi": sum(1 for n in kpis if n.id in connected),
        "targets_worked_back": not ws.has_errors and any(n.formula for n in kgis),
        "lint_errors": sum(1 for i in issues if i.severity is Severity.ERROR),
        "lint_warnings": sum(1 for i in issues if i.severity is Severity.WARNING),
        "channel_kpi_count": len(ws.spec.channels)
        if "channel" in ws.spec.measure.dimensions
        else 0,
        "kpis_bound_to_data": sum(1 for n in kpis if n.metric is not None or n.formula),
        "sources_connected": len(ws.spec.sources),
        "owner_departments": frozenset(n.department for n in nodes if n.department),
    }
    facts.update(_warehouse_facts(ws))
    return ProjectFacts(**facts)  # type: ignore[arg-type]


def _warehouse_facts(ws: ProjectView) -> dict[str, object]:
    from ikkan.errors import UserError

    try:
        warehouse = ws.warehouse()
        imports = (
            warehouse.query("SELECT count(*) AS n FROM import_log WHERE status = 'ok'")
            .column("n")[0]
            .as_py()
        )
        rejected = warehouse.query(
            "SELECT count(*) AS n FROM rejected_rows WHERE NOT starts_with(reason, 'skipped: ')"
        ).column("n")[0]
        refreshed = warehouse.query("SELECT max(computed_at) AS t FROM kpi_values").column("t")[0]
    except UserError:
        return {}
    last: datetime | None = refreshed.as_py()
    out: dict[str, object] = {
        "rejected_rows_open": rejected.as_py(),
        "quality_checks_enabled": True,
    }
    if imports:
        out["sources_connected"] = max(len(ws.spec.sources), 1)
    if last is not None:
        from zoneinfo import ZoneInfo

        out["last_refresh_at"] = last.replace(tzinfo=ZoneInfo(ws.spec.company.timezone))
    return out
