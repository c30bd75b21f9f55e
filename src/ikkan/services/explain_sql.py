"""The SQL ``explain`` shows for a metric, compiled once per process and kept.

Compiling a metric to SQL (Ibis, then the dialect's compiler) takes about a second on a
loaded machine, and the dashboard's node page asks for it again after every snapshot swap
(each ``ikkan refresh``). The SQL depends only on what ``compile_metric`` and ``to_sql``
are given — the metric as written in ikkan.yml (every field, defaults included), the
node, grain, dimension, the funnel's stages, the fiscal year's first month, the as-of
day, the range (span) and the dialect — never on the data. The key is exactly those
inputs, so an ikkan.yml change or another as-of day compiles anew, and a refresh that
only changed the data reuses the text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.compute import Span
    from ikkan.model.metrics import AnyMetric

ENTRIES = 512

_cache: OrderedDict[tuple[object, ...], str] = OrderedDict()
_guard = threading.Lock()
_counts = {"hits": 0, "misses": 0}


def metric_sql(
    metric: AnyMetric,
    *,
    node_id: str,
    grain: str,
    dimension: str | None,
    stages: tuple[str, ...],
    fiscal_year_start: int,
    as_of: date,
    span: Span | None,
    dialect: str,
) -> str:
    """The SQL measuring ``metric`` with these inputs, compiled on the first call."""
    key = (
        type(metric).__qualname__,
        metric.model_dump_json(),  # the whole definition: a changed field is a new key
        node_id,
        grain,
        dimension,
        stages,
        fiscal_year_start,
        as_of,
        span,
        dialect,
    )
    with _guard:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            _counts["hits"] += 1
            return found
        _counts["misses"] += 1
    from ikkan.compute import compile_metric, to_sql

    expr = compile_metric(
        metric,
        grain=grain,
        dimension=dimension,
        stages=stages,
        fiscal_year_start=fiscal_year_start,
        as_of=as_of,
        node_id=node_id,
        span=span,
    )
    sql = to_sql(expr, dialect)
    with _guard:
        _cache[key] = sql
        while len(_cache) > ENTRIES:
            _cache.popitem(last=False)
    return sql


def counts() -> dict[str, int]:
    """Hits and misses so far (tests and benchmarks read them)."""
    with _guard:
        return dict(_counts)
