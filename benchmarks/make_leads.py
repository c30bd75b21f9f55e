"""Write a large HubSpot-format contacts export, fast, for importer benchmarks.

    uv run python benchmarks/make_leads.py --leads 1000000 [--encoding utf-8|cp932] OUT.csv

Same headers, quoting and value shapes as the demo's EN contacts export
(``ikkan.demo.write_hubspot``), built column-wise with numpy and written by Arrow's CSV
writer in chunks, so memory stays flat and 10M rows are possible. Stage dates use calendar
day lags (the demo uses business days); that is all this file needs for a load test.
Prints the time it took.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ikkan.demo.calendar import day_weights, days_between
from ikkan.demo.channels import CHANNELS
from ikkan.demo.names import FIRST_NAMES, INSIDE_SALES, JOB_TITLES, LAST_NAMES, make_companies
from ikkan.demo.write_hubspot import CONTACT_HEADERS_EN, LEAD_STATUS_EN, LIFECYCLE_EN

CHUNK = 250_000
START, END = date(2025, 4, 1), date(2026, 11, 15)
STAGES = ("lead", "mql", "sql", "opportunity", "customer")


def _take(values: list[str] | tuple[str, ...], index: np.ndarray) -> pa.Array:
    return pc.take(pa.array(list(values), pa.string()), pa.array(index))


def _stage_dates(created: np.ndarray, reached: np.ndarray, rng: np.random.Generator,
                 low: int, high: int) -> np.ndarray:  # fmt: skip
    lag = rng.integers(low, high + 1, created.shape[0]).astype("timedelta64[D]")
    minutes = rng.integers(0, 8 * 60, created.shape[0]).astype("timedelta64[m]")
    return np.where(reached, created + lag + minutes, np.datetime64("NaT"))


def _timestamps(values: np.ndarray, end: np.datetime64) -> pa.Array:
    values = np.where(values <= end, values, np.datetime64("NaT"))
    array = pa.array(values.astype("datetime64[s]"), pa.timestamp("s"), from_pandas=True)
    return pc.strftime(array, format="%Y-%m-%d %H:%M")


def build_chunk(
    first_id: int, size: int, rng: np.random.Generator, ctx: dict[str, object]
) -> pa.Table:
    companies = ctx["companies"]
    assert isinstance(companies, list)
    days = ctx["days"]
    probabilities = ctx["probabilities"]
    assert isinstance(days, np.ndarray) and isinstance(probabilities, np.ndarray)
    last = rng.integers(0, len(LAST_NAMES), size)
    first = rng.integers(0, len(FIRST_NAMES), size)
    company = rng.integers(0, len(companies), size)
    channel = rng.choice(len(CHANNELS), size, p=ctx["channel_share"])  # type: ignore[arg-type]
    ids = np.arange(first_id, first_id + size)
    created = days[rng.choice(len(days), size, p=probabilities)] + rng.integers(
        8 * 60, 23 * 60, size
    ).astype("timedelta64[m]")
    rates = np.array([[c.mql_rate, c.sql_rate, c.opportunity_rate, c.win_rate] for c in CHANNELS])
    roll = rng.random((size, 4))
    reached_mql = roll[:, 0] < rates[channel, 0]
    reached_sql = reached_mql & (roll[:, 1] < rates[channel, 1])
    reached_opp = reached_sql & (roll[:, 2] < rates[channel, 2])
    reached_won = reached_opp & (roll[:, 3] < rates[channel, 3])
    mql = _stage_dates(created, reached_mql, rng, 0, 14)
    sql = _stage_dates(mql, reached_sql, rng, 1, 9)
    opp = _stage_dates(sql, reached_opp, rng, 3, 16)
    won = _stage_dates(opp, reached_won, rng, 30, 100)
    end = np.datetime64(END) + np.timedelta64(1, "D")
    stage = (mql < end).astype(int) + (sql < end) + (opp < end) + (won < end)  # NaT compares False
    last_r = _take([r for _, r in LAST_NAMES], last)
    first_r = _take([r[0] for _, r in FIRST_NAMES], first)
    domains = _take([c.domain for c in companies], company)
    local = pc.binary_join_element_wise(first_r, ".", last_r, pa.array(ids.astype(str)), "")
    email = pc.binary_join_element_wise(local, domains, "@")
    created_text = _timestamps(created, end)
    columns = [
        pa.array(ids.astype(str)),
        _take([f for f, _ in FIRST_NAMES], first),
        _take([n for n, _ in LAST_NAMES], last),
        email,
        _take([c.canonical for c in companies], company),
        _take([c.industry for c in companies], company),
        _take([str(c.employees) for c in companies], company),
        _take(JOB_TITLES, rng.integers(0, len(JOB_TITLES), size)),
        created_text,
        _take([LIFECYCLE_EN[s] for s in STAGES], stage),
        _take(
            [LEAD_STATUS_EN[s] for s in ("new", "open", "in_progress", "open_deal", "connected")],
            stage,
        ),
        _take([c.hubspot_source for c in CHANNELS], channel),
        _take([c.drill_downs[0] for c in CHANNELS], channel),
        pa.nulls(size, pa.string()),  # Original Source Drill-Down 2
        pa.nulls(size, pa.string()),
        _take(INSIDE_SALES, rng.integers(0, len(INSIDE_SALES), size)),
        created_text,
        _timestamps(mql, end),
        _timestamps(sql, end),
        _timestamps(opp, end),
        _timestamps(won, end),
        pa.array((rng.integers(0, 40, size) + stage * 12).astype(str)),
    ]
    return pa.table(columns, names=list(CONTACT_HEADERS_EN))


def write(out: Path, leads: int, encoding: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    day_list = days_between(START, END)
    weights = np.array(day_weights(day_list))
    shares = np.array([c.share_main for c in CHANNELS])
    ctx: dict[str, object] = {
        "companies": make_companies(random.Random(seed), 400),
        "days": np.array(day_list, dtype="datetime64[m]"),
        "probabilities": weights / weights.sum(),
        "channel_share": shares / shares.sum(),
    }
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    with out.open("wb") as sink:
        header = ",".join(f'"{h}"' for h in CONTACT_HEADERS_EN) + "\n"
        sink.write(header.encode(encoding))
        written = 0
        while written < leads:
            size = min(CHUNK, leads - written)
            chunk = build_chunk(51_001 + written, size, rng, ctx)
            if encoding == "utf-8":
                pacsv.write_csv(chunk, sink, options)
            else:
                buffer = pa.BufferOutputStream()
                pacsv.write_csv(chunk, buffer, options)
                sink.write(buffer.getvalue().to_pybytes().decode("utf-8").encode(encoding))
            written += size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--encoding", choices=("utf-8", "cp932"), default="utf-8")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write(args.out, args.leads, args.encoding, args.seed)
    seconds = time.perf_counter() - started
    size_mb = args.out.stat().st_size / 1e6
    print(
        f"wrote {args.leads:,} contacts ({args.encoding}, {size_mb:,.0f} MB) to {args.out} "
        f"in {seconds:.1f} s ({args.leads / seconds:,.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
