"""Refresh speed of the demo KPI tree on N generated leads, against hand-written DuckDB SQL.

    uv run python benchmarks/bench_refresh.py --leads 1000000 [--repeat 3] [--keep DIR]
    uv run python benchmarks/bench_refresh.py --leads 10000000 --repeat 1

Builds a DuckDB warehouse with N leads over FY2025-FY2026 written straight as canonical
rows (lead_stages with a realistic stage progression, deals, spend, web traffic, manual
values), with the English template's KPI tree, then in one process measures, each the
best of ``--repeat`` runs:

  full        ``ikkan refresh --full`` (the SQL cache warm, as on every run but the first)
  baseline    the same KPI values (every node × grain × dimension) by hand-written DuckDB
              SQL: the funnel grouped once, one GROUPING SETS query per measured node
              (metric filters applied), manual values rolled up like the refresh does
              and formula-only nodes evaluated from their inputs in Python
  ratio       full ÷ baseline (aim ≤ 1.2)
  check       the baseline's values equal the refresh's, and the refresh has no value the
              baseline lacks (else the figure means nothing)
  incremental refresh after appending 1% new leads (recent dates, a new import; a new
              1% before each run) against a full refresh of the same data (aim ≤ 5%),
              and the equality of the two results (every kpi_value), each run
  peak RSS    of the process (aim ≤ 4 GB at 10M leads); the warehouse is generated in a
              child process whose peak is printed apart

Refresh times are those of the KPI refresh (``RefreshReport.seconds``: what the baseline
computes); ``ikkan refresh`` also rescores leads when ikkan.yml has ``scoring:`` (the
template has), which is timed and printed apart ("with scoring").

The warehouse lives in a temporary folder, deleted unless ``--keep DIR`` names one.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

START = date(2025, 4, 1)
DAYS = 640  # 2025-04-01 .. 2026-12-31
APPEND_FROM = 610  # appended leads are created in the last month
CHANNELS = (
    "paid_search",
    "display",
    "paid_social",
    "organic_search",
    "events",
    "webinar",
    "referral",
    "email",
    "direct",
    "website",
)
PAID = CHANNELS[:5]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``action``; print its wall and CPU seconds (this process's threads and its
    finished children's) and the peak RSS so far."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = action()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    print(
        f"  {label:<34} {seconds:8.2f} s wall {cpu:8.2f} s CPU   "
        f"(peak RSS {peak_rss_mb():,.0f} MB)",
        flush=True,
    )
    return seconds, result


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _h(expr: str, modulo: int) -> str:
    """A deterministic pseudo-random integer in [0, modulo) from ``expr``."""
    return f"CAST(hash({expr}) % {modulo} AS BIGINT)"


def _u(salt: int) -> str:
    """A uniform [0, 1) number per lead ``i`` (deterministic)."""
    return f"((hash(i * 7919 + {salt}) % 1000003) / 1000003.0)"


def lead_rows_sql(first: int, last: int, import_id: int, day_from: int, days: int) -> str:
    """Leads ``first``..``last``-1 created uniformly over ``days`` days from day_from."""
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    return f"""
    CREATE OR REPLACE TEMP TABLE gen AS
    SELECT i,
      TIMESTAMP '{START}' + INTERVAL ({day_from} * 86400 + {_h("i", (days * 86400))}) SECOND
        AS created,
      {channels}[1 + {_h("i * 31", len(CHANNELS))}] AS channel,
      {_u(1)} AS u1, {_u(2)} AS u2, {_u(3)} AS u3, {_u(4)} AS u4, {_u(5)} AS u5
    FROM range({first}, {last}) t(i);
    CREATE OR REPLACE TEMP TABLE gen_stages AS
    SELECT *, created AS t_lead,
      CASE WHEN u1 < 0.4 THEN created + INTERVAL (CAST(u2 * 30 * 86400 AS BIGINT)) SECOND END
        AS t_mql
    FROM gen;
    CREATE OR REPLACE TEMP TABLE gen_stages AS
    SELECT *, CASE WHEN t_mql IS NOT NULL AND u2 < 0.5
      THEN t_mql + INTERVAL (CAST(u3 * 20 * 86400 AS BIGINT)) SECOND END AS t_sql
    FROM gen_stages;
    CREATE OR REPLACE TEMP TABLE gen_stages AS
    SELECT *, CASE WHEN t_sql IS NOT NULL AND u3 < 0.5
      THEN t_sql + INTERVAL (CAST(u4 * 30 * 86400 AS BIGINT)) SECOND END AS t_opp
    FROM gen_stages;
    CREATE OR REPLACE TEMP TABLE gen_stages AS
    SELECT *, CASE WHEN t_opp IS NOT NULL AND u4 < 0.25
      THEN t_opp + INTERVAL (CAST((10 + u5 * 50) * 86400 AS BIGINT)) SECOND END AS t_won
    FROM gen_stages;
    INSERT INTO leads (lead_key, source_system, source_id, created_at, email, channel,
      campaign, content_hash, import_id, loaded_at)
    SELECT 'bench:' || i, 'bench', CAST(i AS VARCHAR), created, 'lead' || i || '@example.jp',
      channel, channel || '-' || ({_h("i * 17", 4)}), md5(CAST(i AS VARCHAR)), {import_id},
      TIMESTAMP '2027-01-01'
    FROM gen;
    INSERT INTO lead_stages (lead_key, stage, entered_at, source, content_hash, import_id,
      loaded_at)
    SELECT 'bench:' || i, stage, t, 'bench', md5(i || stage), {import_id}, TIMESTAMP '2027-01-01'
    FROM (
      SELECT i, 'lead' AS stage, t_lead AS t FROM gen_stages
      UNION ALL SELECT i, 'mql', t_mql FROM gen_stages WHERE t_mql IS NOT NULL
      UNION ALL SELECT i, 'sql', t_sql FROM gen_stages WHERE t_sql IS NOT NULL
      UNION ALL SELECT i, 'opportunity', t_opp FROM gen_stages WHERE t_opp IS NOT NULL
      UNION ALL SELECT i, 'won', t_won FROM gen_stages WHERE t_won IS NOT NULL
    );
    INSERT INTO deals (deal_key, source_system, source_id, lead_key, deal_type, stage, amount,
      currency, created_at, closed_at, is_closed, is_won, channel, campaign, content_hash,
      import_id, loaded_at)
    SELECT 'bench:d' || i, 'bench', CAST(i AS VARCHAR), 'bench:' || i,
      CASE WHEN u5 < 0.85 THEN 'new' WHEN u5 < 0.90 THEN 'upsell'
           WHEN u5 < 0.95 THEN 'cross_sell' ELSE 'renewal' END,
      CASE WHEN t_won IS NOT NULL THEN 'closedwon' WHEN u1 < 0.2 THEN 'closedlost'
           ELSE 'open' END,
      round(1000000 + u1 * 9000000), 'JPY', t_opp,
      CASE WHEN t_won IS NOT NULL THEN t_won
           WHEN u1 < 0.2 THEN t_opp + INTERVAL 30 DAY END,
      t_won IS NOT NULL OR u1 < 0.2, t_won IS NOT NULL, channel, channel || '-1',
      md5('d' || i), {import_id}, TIMESTAMP '2027-01-01'
    FROM gen_stages WHERE t_opp IS NOT NULL;
    """


def daily_rows_sql(import_id: int, day_from: int, days: int) -> str:
    """Spend per day × paid channel × campaign, traffic per day × channel × page."""
    paid = "[" + ", ".join(f"'{c}'" for c in PAID) + "]"
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    return f"""
    INSERT INTO spend (spend_key, source_system, day, channel, campaign, cost, currency,
      impressions, clicks, conversions, content_hash, import_id, loaded_at)
    SELECT md5(d || c || k), 'bench', DATE '{START}' + CAST(d AS INTEGER), c, c || '-' || k,
      round(20000 + {_h("d * 13 + k", 80000)}), 'JPY', 5000 + {_h("d + k", 20000)},
      100 + {_h("d * 3 + k", 900)}, {_h("d * 5 + k", 20)}, md5('s' || d || c || k), {import_id},
      TIMESTAMP '2027-01-01'
    FROM range({day_from}, {day_from + days}) a(d), unnest({paid}) b(c), range(4) e(k);
    INSERT INTO web_traffic (traffic_key, source_system, day, channel, source_medium,
      landing_page, sessions, users, page_views, conversions, content_hash, import_id, loaded_at)
    SELECT md5('w' || d || c || p), 'bench', DATE '{START}' + CAST(d AS INTEGER), c,
      c || ' / medium',
      '/page' || p, 50 + {_h("d * 7 + p", 500)}, 40 + {_h("d * 11 + p", 400)},
      100 + {_h("d * 19 + p", 1500)}, {_h("d * 23 + p", 10)}, md5('w' || d || c || p),
      {import_id}, TIMESTAMP '2027-01-01'
    FROM range({day_from}, {day_from + days}) a(d), unnest({channels}) b(c), range(5) e(p);
    """


def manual_rows_sql(import_id: int) -> str:
    rows = []
    for index in range(21):  # 2025-04 .. 2026-12
        year, month = 2025 + (3 + index) // 12, (3 + index) % 12 + 1
        rows.append(f"('operating_margin', '{year}-{month:02d}', {0.1 + index / 1000})")
    rows += ["('operating_margin', 'FY2025', 0.12)", "('nps', '2026-06', 31.0)"]
    return (
        "INSERT INTO manual_values (node_id, period, dimension, dimension_value, value, "
        "content_hash, import_id, loaded_at) SELECT n, p, '', '', v, md5(n || p), "
        f"{import_id}, TIMESTAMP '2027-01-01' FROM (VALUES {', '.join(rows)}) t(n, p, v)"
    )


def log_import(session: Any, import_id: int, rows: int) -> None:
    session.execute(
        "INSERT INTO import_log (import_id, source_system, reader, started_at, finished_at, "
        "status, rows_read, inserted, updated, unchanged, rejected, message) "
        "VALUES (?, 'bench', 'bench', ?, ?, 'ok', ?, ?, 0, 0, 0, 'generated')",
        [import_id, datetime.now(), datetime.now(), rows, rows],
    )


CHUNK = 2_000_000
"""Leads generated per statement batch (bounds the generator's memory at 10M leads)."""


def build(folder: Path, leads: int) -> None:
    from ikkan.warehouse import open_warehouse

    warehouse = open_warehouse("duckdb://" + str(folder / ".ikkan" / "warehouse.duckdb"))
    warehouse.migrate()
    with warehouse.transaction() as session:
        for first in range(0, leads, CHUNK):  # the same rows as at once (hashed per lead)
            sql = lead_rows_sql(first, min(leads, first + CHUNK), 1, 0, DAYS - 30)
            for statement in sql.split(";"):
                if statement.strip():
                    session.execute(statement)
        for statement in daily_rows_sql(1, 0, DAYS).split(";"):
            if statement.strip():
                session.execute(statement)
        session.execute(manual_rows_sql(1))
        log_import(session, 1, leads)
    warehouse.close()


def append(warehouse: Any, first: int, extra: int, import_id: int) -> int:
    """``extra`` more leads, created in the last month, as import ``import_id``."""
    with warehouse.transaction() as session:
        sql = lead_rows_sql(first, first + extra, import_id, APPEND_FROM, 30)
        for statement in sql.split(";"):
            if statement.strip():
                session.execute(statement)
        log_import(session, import_id, extra)
    return extra


def _build_apart(folder: Path, leads: int) -> None:
    """Generate in a child process, so this one's peak RSS is the refresh's alone."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=build, args=(folder, leads))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"generating the warehouse failed (exit code {child.exitcode})")


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000, help="leads generated (1M, 10M)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing (best of)")
    parser.add_argument("--keep", type=Path, default=None, help="build the project here, keep it")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: start from the warehouse generated there before (a copy of it as "
        "generated is kept beside it), not a new one",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ikkan-bench-refresh-"))
    reuse = bool(args.reuse and args.keep and (folder / GENERATED).is_file())
    if folder.exists() and args.keep and not reuse:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(folder, args.leads, max(1, args.repeat), reuse=reuse, keep=args.keep is not None)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def kpi_rows(warehouse: Any) -> list[tuple[Any, ...]]:
    table = warehouse.query(
        "SELECT node_id, grain, period_start, dimension, dimension_value, value, maturing "
        "FROM kpi_values ORDER BY ALL"
    )
    return [tuple(r.values()) for r in table.to_pylist()]


def best(label: str, repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``action`` (and that run's result)."""
    runs = [timed(f"{label} ({i + 1}/{repeat})", action) for i in range(repeat)]
    return min(runs, key=lambda r: r[0])


GENERATED = "warehouse.generated.duckdb"
"""With ``--keep``: the warehouse as generated, copied back by ``--reuse``."""


def run(folder: Path, leads: int, repeat: int, *, reuse: bool = False, keep: bool = False) -> None:
    from ikkan.workspace import Workspace

    shutil.copy(HERE.parent / "src/ikkan/project/templates/ikkan.en.yml", folder / "ikkan.yml")
    print(f"refresh benchmark: {leads:,} leads in {folder}, best of {repeat}")
    path = folder / ".ikkan" / "warehouse.duckdb"
    if reuse:
        shutil.rmtree(folder / ".ikkan")
        path.parent.mkdir(parents=True)
        timed("copy the generated warehouse", lambda: shutil.copy(folder / GENERATED, path))
    else:
        timed("generate warehouse (child process)", lambda: _build_apart(folder, leads))
        print(f"  {'  its peak RSS':<34} {_children_peak_mb():,.0f} MB (not counted below)")
        if keep:
            shutil.copy(path, folder / GENERATED)
    from ikkan.warehouse import open_warehouse

    warehouse = open_warehouse("duckdb://" + str(folder / ".ikkan" / "warehouse.duckdb"))
    ws = Workspace.open(folder)
    ws._warehouse = warehouse
    as_of = date(2026, 12, 31)

    def refresh(full: bool) -> Any:
        return ws.refresh(as_of=as_of, full=full)

    timed("first refresh (compiles SQL)", lambda: refresh(True))
    fulls = [
        timed(f"full refresh ({i + 1}/{repeat})", lambda: refresh(True)) for i in range(repeat)
    ]
    full_wall, report = min(fulls, key=lambda r: r[1].seconds)
    full = report.seconds
    tree, spec = ws.tree, ws.spec
    assert tree is not None
    base, values = best(
        "hand-written SQL baseline",
        repeat,
        lambda: baseline_values(
            warehouse, tree, list(spec.measure.grains), list(spec.measure.dimensions)
        ),
    )
    refreshed = {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in kpi_rows(warehouse)}
    mismatched = [k for k, v in values.items() if not _close(refreshed.get(k, "missing"), v)]
    skipped = {u.split(" ")[0] for u in UNCOVERED}
    missing = [k for k in refreshed if k not in values and k[0] not in skipped]
    warm = append(warehouse, leads, max(1, leads // 10_000), 2)
    timed(f"incremental after +{warm:,} (compiles SQL)", lambda: refresh(False))
    first, extra = leads + warm, max(1, leads // 100)
    rounds: list[tuple[float, float, float, Any, bool, Any]] = []
    for i in range(repeat):
        append(warehouse, first, extra, 3 + i)
        first += extra
        inc_wall, inc_report = timed(
            f"incremental after +{extra:,} leads ({i + 1}/{repeat})", lambda: refresh(False)
        )
        after_incremental = kpi_rows(warehouse)
        _, full_report = timed(
            f"full refresh of the same data ({i + 1}/{repeat})", lambda: refresh(True)
        )
        same = after_incremental == kpi_rows(warehouse)
        rounds.append(
            (inc_report.seconds, full_report.seconds, inc_wall, inc_report, same, full_report)
        )
    best_round = min(rounds, key=lambda r: r[0] / r[1])
    incremental, full_after, inc_wall, inc_report, _, full_after_report = best_round
    all_same = all(r[4] for r in rounds)
    print()
    print(f"  rows written          {report.rows:,} ({report.queries} queries)")
    print(
        f"  baseline equal        {not mismatched and not missing} "
        f"({len(values):,} values; {len(mismatched)} differ, {len(missing)} not computed)"
    )
    print(f"  full refresh          {full:.2f} s (with scoring {full_wall:.2f} s)")
    print(f"  baseline              {base:.2f} s")
    print(f"  full / baseline       {full / base:.2f}x   (aim <= 1.2x)")
    if UNCOVERED:
        print(f"  not in the baseline   {', '.join(sorted(set(UNCOVERED)))} (refreshed too)")
    print(
        f"  incremental / full    {incremental / full_after:.1%}   (aim <= 5%; "
        f"{incremental:.2f} s / {full_after:.2f} s; with scoring {inc_wall:.2f} s; "
        f"from {inc_report.recomputed_from}, {inc_report.rows:,} rows)"
    )
    full_cpu = sum(full_after_report.phases_cpu.values())
    inc_cpu = sum(inc_report.phases_cpu.values())
    print(
        f"  incremental / full    {inc_cpu / full_cpu:.1%} in CPU seconds "
        f"({inc_cpu:.2f} s / {full_cpu:.2f} s; the refresh's, engine threads included)"
    )
    print(f"  incremental == full   {all_same} (every kpi_value, each of {repeat} runs)")
    phases = sorted(inc_report.phases.items(), key=lambda p: -p[1])
    print(
        "  incremental phases    "
        + ", ".join(f"{k} {v:.2f}/{inc_report.phases_cpu.get(k, 0):.2f}" for k, v in phases)
        + " (s wall/CPU)"
    )
    print(f"  peak RSS              {peak_rss_mb():,.0f} MB   (aim <= 4096 MB at 10M)")
    if mismatched:
        print("  first differences:", [(k, refreshed.get(k), values[k]) for k in mismatched[:3]])


UNCOVERED: list[str] = []
"""Measured nodes the hand-written baseline has no SQL for (it then does less work than
the refresh: full / baseline is an upper bound); printed with the figures."""


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or isinstance(a, str):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


# -- the hand-written baseline ---------------------------------------------------------
GRAIN_SQL = {  # period start of t, fiscal year from April (quarters match calendar ones)
    "week": "CAST(date_trunc('week', t) AS DATE)",
    "month": "CAST(date_trunc('month', t) AS DATE)",
    "quarter": "CAST(date_trunc('quarter', t) AS DATE)",
    "half": "CAST(make_date(year(t) - CAST(month(t) < 4 AS INT), 4, 1) "
    "+ INTERVAL (((month(t) + 8) % 12) // 6 * 6) MONTH AS DATE)",
    "fiscal_year": "make_date(year(t) - CAST(month(t) < 4 AS INT), 4, 1)",
}
VALUE_SQL = {
    "sum": "coalesce(sum(num), 0)",
    "ratio": "sum(num) / nullif(sum(den), 0)",
    "romi": "(sum(num) - sum(den)) / nullif(sum(den), 0)",
}


def _in(values: Any) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _funnel_sql(stages: list[str], columns: set[str]) -> str:
    parts = []
    for name in sorted(columns):
        mode, index = name.split("_")
        members = stages[int(index) :] if mode == "inferred" else [stages[int(index)]]
        parts.append(f"min(entered_at) FILTER (WHERE stage IN ({_in(members)})) AS {name}")
    return (
        "CREATE OR REPLACE TEMP TABLE bf AS SELECT f.*, l.channel AS ch FROM "
        f"(SELECT lead_key, {', '.join(parts)} FROM lead_stages GROUP BY lead_key) f "
        "LEFT JOIN leads l USING (lead_key)"
    )


def _won(types: Any) -> str:
    where = "coalesce(is_won, false) AND closed_at IS NOT NULL"
    return where + (f" AND deal_type IN ({_in(types)})" if types else "")


def _events(metric: Any, stages: list[str], columns: set[str]) -> tuple[str, str] | None:
    """(events SQL with t, ch, num, den; how to aggregate) for one metric."""

    def col(stage: str, mode: str) -> str:
        columns.add(f"{mode}_{stages.index(stage)}")
        return f"{mode}_{stages.index(stage)}"

    kind = metric.type
    if kind == "stage_count":
        c = col(metric.stage, metric.mode)
        return f"SELECT {c} AS t, ch, 1.0 AS num, 0.0 AS den FROM bf WHERE {c} IS NOT NULL", "sum"
    if kind == "conversion" and metric.basis == "period":
        a, b = col(metric.from_stage, metric.mode), col(metric.to_stage, metric.mode)
        return (
            f"SELECT {a} AS t, ch, 0.0 AS num, 1.0 AS den FROM bf WHERE {a} IS NOT NULL "
            f"UNION ALL SELECT {b}, ch, 1.0, 0.0 FROM bf WHERE {b} IS NOT NULL"
        ), "ratio"
    if kind == "deal_amount" and metric.status == "won":
        den = "CASE WHEN amount IS NULL THEN 0.0 ELSE 1.0 END"
        return (
            f"SELECT closed_at AS t, channel AS ch, amount AS num, {den} AS den FROM deals "
            f"WHERE {_won(metric.deal_type)}"
        ), ("ratio" if metric.average else "sum")
    if kind == "web" and metric.measure == "cvr":  # conversions per session
        return (
            "SELECT day AS t, channel AS ch, coalesce(conversions, 0) AS num, "
            "coalesce(sessions, 0) AS den FROM web_traffic"
        ), "ratio"
    if kind == "web":
        table = "web_traffic"
        return f"SELECT day AS t, channel AS ch, {metric.measure} AS num, 0 AS den FROM {table}", (
            "sum"
        )
    if kind == "spend":
        return f"SELECT day AS t, channel AS ch, {metric.measure} AS num, 0 AS den FROM spend", (
            "sum"
        )
    spend = "SELECT day AS t, channel AS ch, coalesce(cost, 0.0) AS num, 0.0 AS den FROM spend"
    if kind == "cost_per":  # results carry no cost: a period without spend has no value
        if metric.per == "lead":
            results = (
                "SELECT created_at, channel, NULL, 1.0 FROM leads WHERE created_at IS NOT NULL"
            )
        elif metric.per == "stage":
            c = col(metric.stage, metric.mode)
            results = f"SELECT {c}, ch, NULL, 1.0 FROM bf WHERE {c} IS NOT NULL"
        else:
            results = (
                f"SELECT closed_at, channel, NULL, 1.0 FROM deals WHERE {_won(metric.deal_type)}"
            )
        return f"{spend} UNION ALL {results}", "ratio"
    if kind == "romi":
        won = "SELECT closed_at, channel, coalesce(amount, 0.0), 0.0 FROM deals WHERE "
        won += _won(metric.deal_type)
        return (
            "SELECT day AS t, channel AS ch, 0.0 AS num, coalesce(cost, 0.0) AS den FROM spend "
            f"UNION ALL {won}"
        ), "romi"
    if kind == "retention" and metric.kind == "retention" and metric.basis == "count":
        return (
            "SELECT closed_at AS t, channel AS ch, CASE WHEN coalesce(is_won, false) THEN 1.0 "
            "ELSE 0.0 END AS num, 1.0 AS den FROM deals "
            "WHERE deal_type = 'renewal' AND closed_at IS NOT NULL"
        ), "ratio"
    return None


def _filtered(events: str, metric: Any) -> str | None:
    """``events`` kept by the metric's ``filters`` (channel ones only; None: others)."""
    conditions = metric.filter_values() if hasattr(metric, "filter_values") else {}
    wheres = []
    for column, condition in conditions.items():
        if column != "channel":
            return None
        if condition.in_ is not None:
            wheres.append(f"ch IN ({_in(condition.in_)})")
        elif condition.not_in is not None:  # keeps rows without a channel
            wheres.append(f"(ch IS NULL OR ch NOT IN ({_in(condition.not_in)}))")
        elif condition.eq is not None:
            wheres.append(f"ch = '{condition.eq}'")
        else:
            return None
    return f"SELECT * FROM ({events}) f WHERE {' AND '.join(wheres)}" if wheres else events


def _month_start(key: str) -> date | None:
    if len(key) == 7 and not key.startswith("FY"):
        return date(int(key[:4]), int(key[5:]), 1)
    return None


def _manual(
    session: Any, node_id: str, rollup: str, grains: list[str]
) -> dict[tuple[Any, ...], Any]:
    """Months and fiscal years as entered; quarters, halves and years without a value of
    their own rolled up from the months entered in them (``rollup``)."""
    out: dict[tuple[Any, ...], Any] = {}
    rows = session.query(
        "SELECT period, value FROM manual_values WHERE node_id = ? AND dimension = ''", [node_id]
    ).to_pylist()
    months: dict[date, Any] = {}
    for row in rows:
        key = row["period"]
        month = _month_start(key)
        if month is not None:
            months[month] = row["value"]
            if "month" in grains:
                out[(node_id, "month", month, "", "")] = row["value"]
        elif len(key) == 6 and key.startswith("FY") and "fiscal_year" in grains:
            out[(node_id, "fiscal_year", date(int(key[2:]), 4, 1), "", "")] = row["value"]
    blocks = {"quarter": 3, "half": 6, "fiscal_year": 12}
    for grain in (g for g in grains if g in blocks):
        grouped: dict[date, list[tuple[date, Any]]] = {}
        for month, value in sorted(months.items()):
            since_fy = (month.month - 4) % 12  # fiscal year from April
            first = since_fy - since_fy % blocks[grain]
            year = month.year - (1 if month.month < 4 else 0) + (3 + first) // 12
            start = date(year, (3 + first) % 12 + 1, 1)
            grouped.setdefault(start, []).append((month, value))
        for start, entries in grouped.items():
            values = [v for _, v in entries]
            if rollup == "sum":
                rolled = sum(values)
            elif rollup == "average":
                rolled = sum(values) / len(values)
            else:
                rolled = max(entries)[1]
            out.setdefault((node_id, grain, start, "", ""), rolled)
    return out


def _derived(tree: Any, values: dict[tuple[Any, ...], Any]) -> None:
    """Formula-only nodes from their inputs' values, wherever every input has one."""
    from ikkan.model.formulas import FormulaError

    slots = {k[1:] for k in values}
    for node_id in tree.order:
        node = tree.nodes[node_id]
        if node.metric is not None or node.formula is None:
            continue
        if any(
            name.split(" ")[0] in {u.split(" ")[0] for u in UNCOVERED}
            for name in node.formula.names
        ):
            UNCOVERED.append(f"{node_id} (formula)")
            continue
        for slot in slots:
            inputs = {n: values.get((n, *slot)) for n in node.formula.names}
            if any(v is None for v in inputs.values()):
                continue
            try:
                values[(node_id, *slot)] = node.formula.evaluate(inputs)
            except FormulaError:
                values[(node_id, *slot)] = None


def baseline_values(
    warehouse: Any, tree: Any, grains: list[str], dimensions: list[str]
) -> dict[tuple[Any, ...], Any]:
    """Every measured node's value per (node, grain, period start, dimension, value)."""
    assert dimensions == ["channel"], "the baseline is written for the template's dimensions"
    stages = [s.id for s in tree.spec.funnel.stages]
    columns: set[str] = set()
    plans = []
    for node_id in tree.order:
        metric = tree.nodes[node_id].metric
        if metric is None:
            continue
        plan = _events(metric, stages, columns)
        if plan is not None:
            events = _filtered(plan[0], metric)
            plan = None if events is None else (events, plan[1])
        plans.append((node_id, metric, plan))
    buckets = ", ".join(f"{GRAIN_SQL[g]} AS {g}" for g in grains)
    sets = ", ".join(f"({g}), ({g}, ch)" for g in grains)
    picks = ", ".join(f"GROUPING({g}) AS g_{g}" for g in grains)
    values: dict[tuple[Any, ...], Any] = {}
    with warehouse.reading() as session:
        session.execute(_funnel_sql(stages, columns))
        for node_id, metric, plan in plans:
            if plan is None:
                if metric.type == "manual":
                    values.update(_manual(session, node_id, metric.rollup or "sum", grains))
                    continue
                UNCOVERED.append(f"{node_id} ({metric.type})")  # the refresh still computes it
                continue
            events, how = plan
            sql = (
                f"SELECT {picks}, GROUPING(ch) AS g_ch, {', '.join(grains)}, "
                f"coalesce(nullif(CAST(ch AS VARCHAR), ''), '(none)') AS ch, "
                f"{VALUE_SQL[how]} AS value FROM (SELECT *, {buckets} FROM ({events}) e "
                f"WHERE t IS NOT NULL) b GROUP BY GROUPING SETS ({sets})"
            )
            for row in session.query(sql).to_pylist():
                grain = next(g for g in grains if row[f"g_{g}"] == 0)
                split = row["g_ch"] == 0
                key = (
                    node_id,
                    grain,
                    row[grain],
                    "channel" if split else "",
                    row["ch"] if split else "",
                )
                values[key] = row["value"]
    _derived(tree, values)
    return values


if __name__ == "__main__":
    main()
