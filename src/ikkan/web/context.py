"""What every request needs: the snapshot, the checked filters, the language and the
formatter (``Ctx``, a FastAPI dependency), and the lookups the filters check against."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query, Request

from ikkan.errors import UserError, did_you_mean, valid_values
from ikkan.web.filters import Filters, parse_filters
from ikkan.web.i18n import LANGS, TEXT, Formatter, pick_lang
from ikkan.web.store import Snapshot, SnapshotStore

PeriodQ = Annotated[
    str | None,
    Query(description="2026-10, FY2026-Q3, FY2026-H1, FY2026, 2026-04-01..2026-09-30 or ALL"),
]
WhereQ = Annotated[str | None, Query(description="dimension:value, e.g. channel:paid_search")]
CompareQ = Annotated[str | None, Query(description="target (default), previous or year")]
LangQ = Annotated[str | None, Query(description="ja or en")]
NodeQ = Annotated[str | None, Query(description="node id (default: the KGI)")]
GrainQ = Annotated[str | None, Query(description="week, month, quarter …")]
BasisQ = Annotated[str | None, Query(description="funnel basis: period (default) or cohort")]
ByQ = Annotated[str | None, Query(description="a dimension: one funnel row per value")]
CollapseQ = Annotated[str | None, Query(description="node ids whose branches are collapsed")]


class NotFound(UserError):
    """An unknown node (or other named thing) in the URL → 404."""


class Ctx:
    """One request's snapshot, filters, language and formatter."""

    def __init__(self, store: SnapshotStore, snap: Snapshot, filters: Filters) -> None:
        self.store = store
        self.snap = snap
        self.filters = filters
        self.lang = filters.lang
        self.fmt = Formatter(filters.lang, snap.ws.spec.company.currency)
        self.t = TEXT[filters.lang]


def store_of(request: Request) -> SnapshotStore:
    store: SnapshotStore = request.app.state.store
    return store


def request_ctx(
    request: Request,
    period: PeriodQ = None,
    where: WhereQ = None,
    compare: CompareQ = None,
    lang: LangQ = None,
) -> Ctx:
    """The filters every page and API takes, checked against the current snapshot."""
    store = store_of(request)
    snap = store.current()
    chosen = pick_lang(lang, request.cookies.get("ikkan_lang"), snap.ws.spec.company.locale)
    if lang is not None and lang not in LANGS:
        raise UserError(f"unknown language '{lang}'", hint=valid_values(LANGS))
    return Ctx(store, snap, filters_for(snap, period, where, compare, chosen))


def filters_for(
    snap: Snapshot, period: str | None, where: str | None, compare: str | None, lang: str
) -> Filters:
    """The URL's filters checked against ``snap``; no period means the default one. The
    poller warms a new snapshot with ``filters_for(snap, None, None, None, lang)``: the
    very ``Filters`` a request without filters gets, so the views it builds are the ones
    such requests look up (the cache keys hold the ``Filters``)."""
    spec = snap.ws.spec
    filters = parse_filters(
        period,
        where,
        compare,
        lang,
        dimensions=list(spec.measure.dimensions),
        grains=list(spec.measure.grains),
        resolve=snap.ws.resolve_period,
    )
    if filters.period is None:
        filters = replace(filters, period=default_period_key(snap))
    if filters.where is not None:
        known = dimension_values(snap).get(filters.where[0], [])
        if filters.where[1] not in known:
            raise UserError(
                f"no values for {filters.where[0]} '{filters.where[1]}'",
                hint=did_you_mean(filters.where[1], known) or valid_values(known),
            )
    return filters


CtxDep = Annotated[Ctx, Depends(request_ctx)]


def require_node(c: Ctx, node_id: str) -> None:
    tree = c.snap.ws.tree
    assert tree is not None
    if node_id not in tree.nodes:
        raise NotFound(
            f"unknown node '{node_id}'",
            hint=did_you_mean(node_id, tree.nodes) or "see /api/tree for the node ids",
        )


def default_period_key(snap: Snapshot) -> str:
    """The month holding the data's last day, or the finest computed grain when months are
    not computed."""
    from ikkan.model.periods import GRAIN_ORDER, period_containing

    spec = snap.ws.spec
    grains = list(spec.measure.grains)
    grain = "month" if "month" in grains else next(str(g) for g in GRAIN_ORDER if str(g) in grains)
    day = snap.ws.data_as_of()
    return period_containing(day, grain, spec.company.fiscal_year_start).key


def dimension_values(snap: Snapshot) -> dict[str, list[str]]:
    def load() -> dict[str, list[str]]:
        rows = (
            snap.ws.warehouse()
            .query(
                "SELECT DISTINCT dimension, dimension_value FROM kpi_values WHERE dimension <> ''"
                " ORDER BY dimension, dimension_value"
            )
            .to_pylist()
        )
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["dimension"], []).append(r["dimension_value"])
        return out

    return snap.cached(("dimension_values",), load)  # type: ignore[no-any-return]
