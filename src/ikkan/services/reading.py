"""The reads the dashboard makes through a ``Workspace`` beyond status and explain: a
read-only snapshot of the measured state, its data version, node history and drill-down.

They live here rather than on the façade because only the web layer calls them; each
takes the ``Workspace`` (for its spec, tree, clock and warehouse) as its first argument,
typed by ``ProjectView`` so this module never imports the façade.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from ikkan.services.project_view import ProjectView

if TYPE_CHECKING:
    from ikkan.services.drilldown import NodeDrillDown

View = TypeVar("View", bound=ProjectView)


def read_snapshot(ws: View) -> View:
    """A read-only copy of the measured state for readers such as the web pages.

    kpi_values (one statement, so one refresh's values, never a mix), import_log and the
    newest rejected rows are copied into an in-memory DuckDB; ``data_as_of`` is pinned.
    The copy answers ``status``, ``explain``, ``drill_down`` and ``rejected_rows``; raw
    tables stay behind, so ``quality`` must run on ``ws``.
    """
    from ikkan.services.range_values import earliest_data_day
    from ikkan.services.snapshot import copy_measured_state

    memory = copy_measured_state(ws.warehouse())
    # ``ws`` is the façade's dataclass; its private fields pin the snapshot's dates
    copy: View = replace(  # type: ignore[type-var]
        ws,
        issues=list(ws.issues),
        _warehouse=memory,
        _migrated=True,
        _as_of=ws.data_as_of(),
        _first_day=earliest_data_day(ws.warehouse()),  # ALL starts there (raw tables)
    )
    return copy


def pinned_like(ws: View, snapshot: View) -> View:
    """``ws`` (over the project's warehouse itself) with the dates ``snapshot`` pinned:
    what custom ranges and ``ALL`` are measured on, since refresh stores calendar periods
    only and the snapshot holds no raw rows. Its ranges end where the snapshot's data do."""
    pinned: Any = snapshot
    copy: View = replace(  # type: ignore[type-var]
        ws, _as_of=pinned._as_of, _first_day=pinned._first_day
    )
    return copy


def data_version(ws: ProjectView) -> tuple[Any, ...]:
    """A cheap stamp that changes whenever a refresh or an import lands."""
    from ikkan.services.snapshot import data_version as version_of

    return version_of(ws.warehouse())


def drill_down(
    ws: ProjectView,
    node_id: str,
    dimension: str,
    *,
    period: str | None = None,
    as_of: date | None = None,
) -> NodeDrillDown:
    """Which values of ``dimension`` moved ``node_id`` most against the comparison period
    (same period last year, else the previous one), in the node's unit and in KGI units
    through the bottleneck's sensitivity."""
    from ikkan.services.drilldown import node_drill_down

    report = ws.status(period=period, as_of=as_of)
    ws.require_dimension(dimension)
    assert ws.tree is not None
    return node_drill_down(ws.tree, ws.warehouse(), report, node_id, dimension)


def history(
    ws: ProjectView,
    grain: str,
    *,
    upto: date,
    last: int = 12,
    nodes: list[str] | None = None,
    where: tuple[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each node's last ``last`` values of ``grain`` up to ``upto`` (oldest first)."""
    from ikkan.services.history import history as read_history

    if where is not None:
        ws.require_dimension(where[0])
    return read_history(ws.warehouse(), grain, upto=upto, last=last, nodes=nodes, where=where)
