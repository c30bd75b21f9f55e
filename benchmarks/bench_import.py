"""Import throughput of every built-in reader against DuckDB's own ``read_csv``.

    uv run python benchmarks/bench_import.py [--rows N] [--small N] [--readers a,b] [--keep]

For each reader (``import_files.FILES``: HubSpot contacts and deals, Salesforce leads and
opportunities (leads also as XLSX), Google/Meta/Yahoo! ads, GA4, the generic mapping reader on
an event-platform export, Zoom webinar attendee reports) and each of two sizes (``--small``,
default 250k, and ``--rows``, default 1M) a file is generated, then ONE child process per
(reader, size, encoding) measures, in that process:

  baseline   DuckDB ``read_csv`` of the UTF-8 file into a table (what "fast" means here);
             for an XLSX file, ``read_csv`` of the same rows written as a UTF-8 CSV; for a
             Zoom report, of its attendee table alone (the report head is no table)
  to file    the same ``read_csv`` into a table of a fresh DuckDB *file*, committed and
             checkpointed: what a hand-written import into a DuckDB warehouse costs (DuckDB
             compresses and writes the rows; at 1M narrow rows this alone is 2-3x the
             in-memory baseline, so "read+load <= 2x baseline" is below DuckDB's own write)
  read+load  the reader (file → ReadResult) and ``load`` into a fresh DuckDB warehouse
  re-import  the same file again as ``ikkan ingest`` does it: hash the file, find the same
             content + reader + options in import_log, skip without reading
  forced     the same file again with ``force`` (read, hash, compare): must be 0 changes

(a file with a report footer, which plain ``read_csv`` refuses, is read with
``null_padding = true``) and prints each as a ratio to the baseline (2.0x: twice as
slow), each the best of ``--repeat`` (3) runs, with the CPU seconds of baseline and
read+load (``time.process_time``: every thread of the child) and their ratio, plus the
child's peak RSS (``resource.getrusage``; a fresh process per reader, size and encoding).
Memory is flat in file size when the peak at ``--rows`` is not ``rows/small`` times the
peak at ``--small``. Which readers take the vectorised path is printed (``path``).
The load average is printed before and after: figures from a loaded machine are noisy.
Files live in ``$TMPDIR/ikkan-bench-import`` and are deleted unless ``--keep``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_files import BASELINES, FILES, OPTIONS, READERS  # noqa: E402


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _timed(action: Any, cpu: list[float] | None = None) -> tuple[Any, float]:
    """``action()`` and its wall seconds; its CPU seconds appended to ``cpu``."""
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    value = action()
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    return value, time.perf_counter() - started


def _baseline(path: Path) -> int:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
        except duckdb.Error:  # a report footer (Salesforce): shorter rows padded
            con.execute(
                "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?, null_padding = true)",
                [str(path)],
            )
        count = con.execute("SELECT count(*) FROM t").fetchone()
        return int(count[0]) if count else 0
    finally:
        con.close()


def _baseline_to_file(path: Path, folder: Path) -> None:
    import duckdb

    db = folder / f"baseline-{os.getpid()}.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        try:
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
        except duckdb.Error:
            con.execute(
                "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?, null_padding = true)",
                [str(path)],
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
        db.unlink(missing_ok=True)
        Path(f"{db}.wal").unlink(missing_ok=True)


def child(
    reader_name: str, path: Path, utf8: Path, folder: Path, repeat: int = 3
) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    from ikkan.ingest.base import ReaderContext
    from ikkan.ingest.load import load, skip_if_imported
    from ikkan.ingest.sources.registry import all_readers
    from ikkan.warehouse import open_warehouse

    name = READERS.get(reader_name, reader_name)
    reader = next(r for r in all_readers() if r.name == name)
    context = ReaderContext(options=OPTIONS.get(reader_name, {}))
    warm = folder / f"warm-{reader_name}{path.suffix}"
    encoding = "xlsx" if path.suffix == ".xlsx" else "utf-8"
    FILES[reader_name][0](warm, 2, encoding)  # 2 rows: imports paid before timing
    reader.read(warm, context)
    times: dict[str, list[float]] = {
        "baseline": [],
        "to_file": [],
        "load": [],
        "skip": [],
        "forced": [],
    }
    cpu: dict[str, list[float]] = {"baseline": [], "load": []}
    found: dict[str, Any] = {}
    sha = _sha256(path)
    baseline_rss = 0.0

    def read_and_load(warehouse: Any, force: bool) -> Any:
        result = reader.read(path, context)
        found["path"] = "vectorised" if result.vectorised else "row"
        found["rows_read"] = result.rows_read
        found["rejected"] = len(result.rejected)
        return load(warehouse, result, sha, force=force)

    for _ in range(repeat):  # best of ``repeat``, each on a fresh warehouse
        times["baseline"].append(_timed(lambda: _baseline(utf8), cpu["baseline"])[1])
        baseline_rss = baseline_rss or _peak_rss_mb()
        times["to_file"].append(_timed(lambda: _baseline_to_file(utf8, folder))[1])
        db = folder / f"warehouse-{os.getpid()}.duckdb"
        db.unlink(missing_ok=True)
        warehouse = open_warehouse(f"duckdb://{db}")
        warehouse.migrate()
        first, seconds = _timed(lambda w=warehouse: read_and_load(w, False), cpu["load"])
        times["load"].append(seconds)
        skipped, seconds = _timed(
            lambda w=warehouse: skip_if_imported(
                w, _sha256(path), reader=reader.name, file_path=str(path)
            )
        )
        times["skip"].append(seconds)
        if skipped is None or skipped.status != "already_imported":
            raise SystemExit(f"{reader_name}: an unchanged re-import was not skipped")
        again, seconds = _timed(lambda w=warehouse: read_and_load(w, True))
        times["forced"].append(seconds)
        warehouse.close()
        db.unlink(missing_ok=True)
    return {
        **found,
        "baseline_s": min(times["baseline"]),
        "baseline_cpu_s": min(cpu["baseline"]),
        "to_file_s": min(times["to_file"]),
        "load_cpu_s": min(cpu["load"]),
        "load_s": min(times["load"]),
        "skip_s": min(times["skip"]),
        "reimport_s": min(times["forced"]),
        "inserted": first.inserted,
        "changes": again.changes,
        "baseline_rss_mb": baseline_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=250_000)
    parser.add_argument("--readers", default=",".join(FILES))
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the files")
    parser.add_argument(
        "--child", nargs=3, metavar=("READER", "FILE", "UTF8"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    folder = args.dir or Path(tempfile.gettempdir()) / "ikkan-bench-import"
    folder.mkdir(parents=True, exist_ok=True)
    if args.child:
        name, file, utf8 = args.child
        print(json.dumps(child(name, Path(file), Path(utf8), folder, args.repeat)))
        return 0
    print(f"load average (1, 5, 15 min) before: {_load_average()}", flush=True)
    print(
        f"{'reader':<24} {'enc':<6} {'rows':>9} {'path':<10} {'baseline':>8} "
        f"{'read+load':>15} {'to file':>7} {'÷file':>6} {'re-import':>15} {'forced':>15} "
        f"{'CPU base/load':>20} {'peak RSS':>9}  notes",
        flush=True,
    )
    try:
        for name in args.readers.split(","):
            write, encodings = FILES[name]
            for rows in (args.small, args.rows):
                utf8 = folder / f"{name}-{rows}-utf-8-baseline.csv"
                if not utf8.exists():
                    BASELINES.get(name, lambda p, n, w=write: w(p, n, "utf-8"))(utf8, rows)
                for encoding in encodings:
                    suffix = ".xlsx" if encoding == "xlsx" else ".csv"
                    path = folder / f"{name}-{rows}-{encoding}{suffix}"
                    if not path.exists():
                        write(path, rows, encoding)
                    command = [sys.executable, __file__, "--dir", str(folder)]
                    command += ["--repeat", str(args.repeat)]
                    done = subprocess.run(
                        [*command, "--child", name, str(path), str(utf8)],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    if done.returncode:
                        print(f"{name:<24} {encoding:<6} {rows:>9,} FAILED: {done.stderr[-600:]}")
                        continue
                    r = json.loads(done.stdout.strip().splitlines()[-1])
                    base = r["baseline_s"]
                    status = "" if r["changes"] == 0 else f"  RE-IMPORT CHANGED {r['changes']} ROWS"
                    print(
                        f"{name:<24} {encoding:<6} {rows:>9,} {r['path']:<10} {base:7.2f}s "
                        f"{r['load_s']:6.2f}s {r['load_s'] / base:5.2f}x "
                        f"{r['to_file_s']:6.2f}s {r['load_s'] / r['to_file_s']:5.2f}x "
                        f"{r['skip_s']:6.2f}s {r['skip_s'] / base:5.2f}x "
                        f"{r['reimport_s']:6.2f}s {r['reimport_s'] / base:5.2f}x "
                        f"{r['baseline_cpu_s']:6.2f}/{r['load_cpu_s']:6.2f}s "
                        f"{r['load_cpu_s'] / r['baseline_cpu_s']:5.2f}x "
                        f"{r['peak_rss_mb']:7,.0f}MB  read {r['rows_read']:,}, "
                        f"{r['inserted']:,} inserted, {r['rejected']} rejected, "
                        f"baseline RSS {r['baseline_rss_mb']:,.0f}MB{status}",
                        flush=True,
                    )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average (1, 5, 15 min) after: {_load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
