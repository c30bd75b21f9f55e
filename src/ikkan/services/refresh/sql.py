"""Compiled metric SQL, cached in the process and on disk.

Compiling a metric (Ibis) and rendering it (sqlglot) costs ~50-150 ms; a refresh needs the
same few hundred statements every time. The cache key holds everything the SQL depends on:
the metric spec, grain, dimension, funnel stages, fiscal year start, node id (manual
metrics), dialect, ``as_of`` only for the metrics that read it (cohort conversions), and
the versions of the code that renders it (ikkan's compute sources, Ibis, sqlglot), so an
upgrade never reuses stale SQL. Compile errors are cached too (a dimension a metric cannot
split by stays an error).

The disk file (JSON) keeps the entries used by the refresh that wrote it and by the ones
before it, up to ``KEEP_RUNS`` back (a full refresh and an incremental one use different
SQL: neither evicts the other's), so it never grows past a few runs' worth.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from ikkan.compute.scope import MetricCompileError
from ikkan.model.metrics import AnyMetric

CACHE_FILE = "refresh-sql-cache.json"
KEEP_RUNS = 3  # an entry unused by this many writing runs in a row is dropped
PARTS = "day-parts"  # the "grain" of a metric's day parts in cache keys


@dataclass(frozen=True)
class CompiledSql:
    """The SQL of one metric × grain × dimension, or why it cannot be compiled."""

    sql: str | None
    error: str | None = None
    hint: str | None = None


def metric_reads_as_of(metric: AnyMetric) -> bool:
    """Whether the metric's SQL depends on ``as_of`` (cohort conversions; open-pipeline
    snapshots, whose running period is as of that day; SLA attainment, whose leads are
    judged once their deadline passes that day)."""
    if metric.type in ("open_pipeline", "sla_attainment"):
        return True
    return metric.type == "conversion" and getattr(metric, "basis", None) == "cohort"


@cache
def code_version() -> str:
    """A digest of what renders the SQL: compute's sources and the Ibis/sqlglot versions."""
    from importlib.metadata import version

    import ikkan.compute

    digest = hashlib.sha256(f"{version('ibis-framework')}|{version('sqlglot')}".encode())
    folder = Path(ikkan.compute.__file__).parent
    for source in sorted(folder.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class SqlCache:
    """``get(...)`` compiles once per key; ``save()`` writes the entries used to disk."""

    _memory: ClassVar[dict[str, CompiledSql]] = {}  # shared by every cache in the process

    def __init__(self, folder: Path | None = None) -> None:
        self.path = folder / CACHE_FILE if folder is not None else None
        self.used: dict[str, CompiledSql] = {}
        self.compiled = 0  # entries compiled in this run (cache misses)
        self._ages: dict[str, int] = {}  # per disk entry: writing runs since it was used
        self._disk: dict[str, CompiledSql] = self._read()

    def _read(self) -> dict[str, CompiledSql]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries = {k: CompiledSql(**v) for k, v in raw.get("entries", {}).items()}
            ages = raw.get("ages", {})
            self._ages = {k: int(ages.get(k, 0)) for k in entries}
            return entries
        except (OSError, ValueError, TypeError, AttributeError):
            self._ages = {}
            return {}  # a damaged cache is only a slower refresh

    def get(
        self,
        metric: AnyMetric,
        *,
        grain: str,
        dimension: str | None,
        stages: tuple[str, ...],
        fiscal_year_start: int,
        as_of: Any,
        node_id: str,
        dialect: str,
        tables: Callable[[], Mapping[str, Any]] | None = None,
        tables_key: str = "",
        parts: bool = False,
    ) -> CompiledSql:
        """``tables`` makes the unbound tables to compile against (default: the canonical
        ones); ``tables_key`` names their shape in the cache key. With ``parts``, the SQL
        of the metric's day parts (``compute.parts``; ``grain`` is then ignored)."""
        grain = PARTS if parts else grain
        key = _key(metric, grain, dimension, stages, fiscal_year_start, as_of, node_id, dialect)
        key = hashlib.sha256(f"{key}|{tables_key}".encode()).hexdigest() if tables_key else key
        found = self._memory.get(key) or self._disk.get(key)
        if found is None:
            found = _compile(
                metric,
                (grain, dimension, stages, fiscal_year_start, as_of, node_id, dialect),
                tables() if tables is not None else None,
            )
            self.compiled += 1
        self._memory[key] = found
        self.used[key] = found
        return found

    def other(self, name: str, dialect: str, build: Callable[[str], str]) -> str:
        """Any other generated SQL (``build(dialect)``), cached like the metrics'."""
        key = hashlib.sha256(f"{code_version()}|{name}|{dialect}".encode()).hexdigest()
        found = self._memory.get(key) or self._disk.get(key)
        if found is None or found.sql is None:
            found = CompiledSql(build(dialect))
            self.compiled += 1
        self._memory[key] = found
        self.used[key] = found
        assert found.sql is not None
        return found.sql

    def save(self) -> None:
        """Write the entries of this run and the recent runs' (atomically: a temp file
        renamed over); nothing when all came from the disk, recently used."""
        if self.path is None:
            return
        if not self.compiled and all(self._ages.get(k, 1) == 0 for k in self.used):
            return
        kept = {k: v for k, v in self._disk.items() if k not in self.used}
        ages = {k: self._ages.get(k, 0) + 1 for k in kept}
        kept = {k: v for k, v in kept.items() if ages[k] < KEEP_RUNS}
        entries = {**kept, **self.used}
        payload = {
            "version": code_version(),
            "entries": {k: v.__dict__ for k, v in sorted(entries.items())},
            "ages": {k: ages.get(k, 0) for k in sorted(entries)},
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass  # read-only project folder: the cache is an optimisation only


def _key(
    metric: AnyMetric,
    grain: str,
    dimension: str | None,
    stages: tuple[str, ...],
    fy_start: int,
    as_of: Any,
    node_id: str,
    dialect: str,
) -> str:
    payload = json.dumps(
        [
            code_version(),
            metric.model_dump(mode="json", by_alias=True),
            grain,
            dimension,
            list(stages),
            fy_start,
            str(as_of) if metric_reads_as_of(metric) else None,
            node_id if metric.type == "manual" else None,
            dialect,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _compile(
    metric: AnyMetric, args: tuple[Any, ...], tables: Mapping[str, Any] | None
) -> CompiledSql:
    from ikkan.compute import compile_metric, to_sql
    from ikkan.compute.parts import compile_parts

    grain, dimension, stages, fy_start, as_of, node_id, dialect = args
    try:
        if grain == PARTS:
            expr = compile_parts(
                metric,
                dimension=dimension,
                stages=stages,
                fiscal_year_start=fy_start,
                as_of=as_of,
                tables=tables,
            )
            return CompiledSql(to_sql(expr, dialect, pretty=False))
        expr = compile_metric(
            metric,
            grain=grain,
            dimension=dimension,
            stages=stages,
            fiscal_year_start=fy_start,
            as_of=as_of,
            node_id=node_id,
            tables=tables,
        )
    except MetricCompileError as exc:
        return CompiledSql(None, exc.message, exc.hint)
    return CompiledSql(to_sql(expr, dialect, pretty=False))
