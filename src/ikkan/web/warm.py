"""Warming a new snapshot before it becomes current: the poller builds the views most
requests ask for, so no request waits for a new snapshot's first builds.

What is built, in this order, until the deadline: the dimension values every page's
filter bar lists; then for each language (the project's own first) the views and JSON of
the overview, tree (and its SVG), data health, funnel, channels and trends at the
default filters (default period, no dimension, default comparison); then every node's
view and JSON (and its page's trend chart), KGIs first. These are the very cache entries
a request without filters looks up: the ``Filters`` come from ``context.filters_for`` as
a request's do, the views from ``page_route.view_of`` and the JSON from
``render.json_body``. The status, the sparklines and the drill-downs those views share
are built once on the way. Rendered HTML is not warmed (it is kept per visitor); it is a
template over a warmed view.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ikkan.web.context import Ctx, dimension_values, filters_for
from ikkan.web.i18n import LANGS
from ikkan.web.render import json_body
from ikkan.web.routes.page_route import PageRoute, Params, view_of
from ikkan.web.routes.pages import ROUTES_BY_NAME
from ikkan.web.routes.tree import TREE_ROUTE, tree_svg
from ikkan.web.store import Snapshot, SnapshotStore
from ikkan.web.views.trends import trend_view

log = logging.getLogger("ikkan.web")

# the pages without page parameters (trends: its defaults), in the order they are warmed
DEFAULT_VIEWS: tuple[tuple[str, Params], ...] = (
    ("overview", {}),
    ("tree", {}),
    ("health", {}),
    ("funnel", {"basis": None, "by": None}),
    ("channels", {}),
    ("trends", {"node": None, "grain": None}),
)


@dataclass
class Warmed:
    """What one warming built and what failed (each failure: what and why)."""

    built: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: int = 0  # steps not started: the deadline passed
    seconds: float = 0.0


def warm_snapshot(store: SnapshotStore, snap: Snapshot, deadline: float) -> Warmed:
    """Build the common views on ``snap`` until ``time.monotonic()`` passes ``deadline``.

    A step that fails is logged and skipped (the request that needs it builds it, and gets
    its error); warming never raises."""
    began = time.monotonic()
    out = Warmed()
    steps = list(_steps(store, snap))
    for i, (name, step) in enumerate(steps):
        if time.monotonic() >= deadline:
            out.skipped = len(steps) - i
            break
        try:
            step()
            out.built.append(name)
        except Exception as exc:  # warming is best effort: the request will say why
            out.failed.append(f"{name}: {exc}")
            log.warning("warming %s failed: %s", name, exc)
    out.seconds = time.monotonic() - began
    return out


def _steps(store: SnapshotStore, snap: Snapshot) -> Iterator[tuple[str, Callable[[], object]]]:
    yield "dimension values", lambda: dimension_values(snap)
    own = snap.ws.spec.company.locale
    langs = sorted(LANGS, key=lambda lang: lang != own)
    contexts = {lang: Ctx(store, snap, filters_for(snap, None, None, None, lang)) for lang in langs}
    for lang, c in contexts.items():
        for name, params in DEFAULT_VIEWS:
            route = ROUTES_BY_NAME[name]
            yield f"{name} ({lang})", _view_step(route, c, params, route.api_path)
        yield f"tree svg ({lang})", _svg_step(c)
    tree = snap.ws.tree
    node_route = ROUTES_BY_NAME["node"]
    for lang, c in contexts.items():
        for node_id, _, first in tree.walk() if tree is not None else ():
            if first:
                path = node_route.api_path.format(node_id=node_id)
                yield (
                    f"node {node_id} ({lang})",
                    _view_step(node_route, c, {"node_id": node_id}, path),
                )
                if lang == langs[0]:  # its points are kept per node, not per language
                    yield f"node {node_id} trend", _trend_step(c, node_id)


def _view_step(route: PageRoute, c: Ctx, params: Params, api_path: str) -> Callable[[], object]:
    """The route's view and its JSON at ``api_path`` without a query string."""
    return lambda: json_body(c, api_path, "", view_of(route, c, params))


def _svg_step(c: Ctx) -> Callable[[], object]:
    """The tree page's SVG with no branch collapsed."""
    return lambda: tree_svg(c, view_of(TREE_ROUTE, c, {}), set())


def _trend_step(c: Ctx, node_id: str) -> Callable[[], object]:
    """The node page's trend chart (its page extra), whose points are cached."""
    return lambda: trend_view(c.snap, c.filters, c.fmt, node_id, None)
