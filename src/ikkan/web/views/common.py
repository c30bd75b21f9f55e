"""What every page's view model shares: the status report, node cards, sparklines, the
page header and the drill-down, each cached per snapshot."""

from __future__ import annotations

from datetime import date
from typing import Any

from ikkan.model.periods import GRAIN_ORDER, Grain, Period
from ikkan.services import reading
from ikkan.services.drilldown import NodeDrillDown
from ikkan.services.status import StatusReport
from ikkan.web import freshness
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import card_fields, empty_reason, pacing_fields
from ikkan.workspace import Workspace

STALE_DAYS = 7  # a source not imported for longer marks its nodes "stale data"
SPARK_PERIODS = 12


def reader(snap: Snapshot, f: Filters) -> Workspace:
    """The workspace a page's status, drill-down and explain read: the snapshot's copy of
    the stored calendar periods, or for a custom range or ALL the project's warehouse
    with the snapshot's dates pinned (ranges are measured from the imported rows, as
    ``ikkan status --period`` does; once per snapshot and range, then cached)."""
    if f.ranged and snap.live is not None:
        return snap.live
    return snap.ws


def status_of(snap: Snapshot, f: Filters) -> StatusReport:
    return snap.cached(  # type: ignore[no-any-return]
        ("status", f.period, f.where),
        lambda: reader(snap, f).status(period=f.period, where=f.where),
    )


def history_grain(snap: Snapshot, period: Period) -> str:
    """The stored grain a period's sparkline and history are drawn at: its own, or for a
    range or ALL the month (else the finest grain refresh computes)."""
    if period.grain is not Grain.RANGE:
        return str(period.grain)
    grains = list(snap.ws.spec.measure.grains)
    return "month" if "month" in grains else next(str(g) for g in GRAIN_ORDER if str(g) in grains)


def history_upto(period: Period) -> date:
    """History runs up to the period itself; for a range, to the one holding its end."""
    return period.end if period.grain is Grain.RANGE else period.start


def node_card(
    snap: Snapshot,
    report: StatusReport,
    node_id: str,
    f: Filters,
    fmt: Formatter,
    spark: list[dict[str, Any]] | None = None,
    age: int | None = None,
) -> dict[str, Any]:
    """``age``: days since the last import feeding the node's tables (``node_ages``)."""
    tree = snap.ws.tree
    assert tree is not None
    node = tree.nodes[node_id]
    s = report.nodes[node_id]
    card = card_fields(tree, report, node_id, fmt, [r["value"] for r in spark or []])
    card.update(
        {
            "unit": node.unit.id if node.unit else None,
            "direction": str(node.direction),
            "pacing": None,
            "stale": age is not None and age > STALE_DAYS,
            "stale_days": age,
            "reason": None,
            "benchmarks": [b.message(f.lang) for b in s.benchmarks if b.needs_attention],
        }
    )
    if s.actual is None:
        card["reason"] = empty_reason(tree, node, report, f.lang)
    elif s.commit is None and f.where is not None:
        card["reason"] = TEXT[f.lang]["reason_slice"]
    card["pacing"] = pacing_fields(s, node, fmt)
    card["comparison"] = _comparison(card, f)
    return card


def _comparison(card: dict[str, Any], f: Filters) -> dict[str, Any]:
    """The comparison the filter asks for, as one line: pacing against the target phased on
    business days (default; achievement when the period has no pacing), or the change
    against the previous period or last year."""
    t = TEXT[f.lang]
    if f.compare in ("previous", "year"):
        key = f"vs_{f.compare}"  # the card's vs_previous / vs_year and their labels
        d = card[key]
        return {
            "mode": f.compare,
            "label": t[key],
            "text": d["text"],
            "favourable": d["favourable"],
        }
    pacing = card["pacing"]
    return {
        "mode": "target",
        "label": t["achievement"] if pacing is None else t["pacing"],
        "text": card["achievement_text"] if pacing is None else pacing["pace_text"],
        "favourable": None if card["rag"] == "unknown" else card["rag"] == "green",
    }


def ages(snap: Snapshot, today: date) -> dict[str, int | None]:
    """node → days since the last import of the sources feeding its tables (per
    snapshot: the import log is in it; the tables a node reads follow from its metric)."""

    def make() -> dict[str, int | None]:
        tree = snap.ws.tree
        assert tree is not None
        rows = (
            snap.ws.warehouse()
            .query("SELECT source, reader, finished_at FROM import_log WHERE status = 'ok'")
            .to_pylist()
        )
        tables = freshness.metric_tables(tree)
        last = freshness.last_import_by_table(
            freshness.import_rows(rows),
            snap.ws.spec.sources,
            {t for ts in tables.values() for t in ts},
        )
        return freshness.node_ages(tables, last, today)

    return snap.cached(("ages", today), make)  # type: ignore[no-any-return]


def sparks(snap: Snapshot, report: StatusReport, f: Filters) -> dict[str, list[dict[str, Any]]]:
    return snap.cached(  # type: ignore[no-any-return]
        ("spark", report.period.key, f.where),
        lambda: reading.history(
            snap.ws,
            history_grain(snap, report.period),
            upto=history_upto(report.period),
            last=SPARK_PERIODS,
            where=f.where,
        ),
    )


def header(snap: Snapshot, report: StatusReport, f: Filters, fmt: Formatter) -> dict[str, Any]:
    spec = snap.ws.spec
    return {
        "company": spec.company.name,
        "period": report.period.key,
        "period_label": report.period.label(f.lang),
        "grain": str(report.period.grain),
        "as_of": report.as_of.isoformat(),
        "as_of_text": fmt.date(report.as_of),
        "running": report.running,
        "computed_at": str(report.computed_at) if report.computed_at else None,
        "where": list(f.where) if f.where else None,
        "compare": f.compare,
    }


def drill(snap: Snapshot, f: Filters, node_id: str, dimension: str) -> NodeDrillDown:
    return snap.cached(  # type: ignore[no-any-return]
        ("drill", f.period, node_id, dimension),
        lambda: reading.drill_down(reader(snap, f), node_id, dimension, period=f.period),
    )
