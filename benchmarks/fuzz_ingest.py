"""Damage exports at random and import each one: crashes and unaccounted rows, counted.

    uv run python benchmarks/fuzz_ingest.py [FILES] [--seed N] [--minutes M]
        [--postgres URL | --no-warehouse]

The long run of ``tests/fuzz`` (same damage, same check, ``ikkan.ingest.damage``): every
demo export and the generic reader's inputs (CSV and XLSX), each damaged by 1-4 random
damages and imported with ``ikkan.services.ingest.ingest_file`` into one DuckDB file (or
PostgreSQL). Prints progress every 500 files and the figures at the end: files, crashes
(unexpected errors), files refused with a clear error, rows read / loaded / rejected /
skipped, rows unaccounted for, rows lost before being counted. Exits 1 if any file
crashed or lost a row, printing the first few with the damage that did it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.fuzz.seeds

from tests.fuzz.seeds import all_seeds

from ikkan.ingest.damage import KINDS, NUMBERS, TEXTS, Damage, check, damaged
from ikkan.project.scaffold import template_text
from ikkan.warehouse import open_warehouse
from ikkan.workspace import Workspace


def random_damage(rng: random.Random) -> list[Damage]:
    out = []
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(TEXTS) if rng.random() < 0.7 else _random_text(rng)
        out.append(Damage(rng.choice(KINDS), rng.random(), text, rng.random()))
    return out


def _random_text(rng: random.Random) -> str:
    alphabet = "aあ株,\"'\r\n\t#=-+.0123456789０１２３ \x00\x1b" + "".join(NUMBERS[:1])
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--minutes", type=float, default=None, help="stop after this long")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL instead of DuckDB")
    parser.add_argument(
        "--no-warehouse",
        action="store_true",
        help="read and prepare each file for loading (schema, hashes) but write nothing",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="ikkan-fuzz-") as tmp:
        folder = Path(tmp)
        seeds = all_seeds(folder / "seeds")
        root = folder / "project"
        root.mkdir()
        (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
        spec = Workspace.open(root).spec
        warehouse = None
        if not args.no_warehouse:
            warehouse = open_warehouse(args.postgres or f"duckdb://{folder / 'fuzz.duckdb'}")
            warehouse.migrate()
        totals: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        bad: list[str] = []
        started = time.perf_counter()
        files = folder / "files"
        files.mkdir()
        done = 0
        for done in range(1, args.files + 1):
            seed = rng.choice(seeds)
            damage = random_damage(rng)
            as_xlsx = seed.name.endswith(".xlsx") or rng.random() < 0.15
            data, may_lose = damaged(seed, damage, xlsx=as_xlsx)
            path = files / f"{done:06}_{Path(seed.name).stem}{'.xlsx' if as_xlsx else '.csv'}"
            path.write_bytes(data)
            verdict = check(spec, warehouse, seed, path, may_lose)
            path.unlink()
            totals["files"] += 1
            totals["crashed"] += verdict.crashed
            totals["refused with a clear error"] += (
                verdict.error is not None and not verdict.crashed
            )
            for name in ("rows_read", "loaded", "rejected", "skipped", "unaccounted"):
                totals[name] += getattr(verdict, name)
            totals["lost_before_counting"] += verdict.lost_before_counting
            if verdict.error and not verdict.crashed:
                errors[verdict.error.splitlines()[0].split(": ", 1)[-1][:70]] += 1
            if not verdict.ok and len(bad) < 10:
                bad.append(f"{seed.name} {damage}: {verdict}")
            if done % 500 == 0:
                print(_line(totals, started), flush=True)
            if args.minutes and time.perf_counter() - started > args.minutes * 60:
                break
        if warehouse is not None:
            warehouse.close()
    print("mode:", "read + prepare, no warehouse" if args.no_warehouse else "full import")
    print("final:", _line(totals, started))
    print("clear errors (file refused as a whole):")
    for text, n in errors.most_common(8):
        print(f"  {n:6} {text}")
    for line in bad:
        print("BAD", line)
    failed = totals["crashed"] or totals["unaccounted"] or totals["lost_before_counting"]
    return 1 if failed else 0


def _line(totals: Counter[str], started: float) -> str:
    seconds = time.perf_counter() - started
    return (
        f"{totals['files']} files in {seconds:.0f} s ({totals['files'] / seconds:.1f}/s): "
        f"{totals['crashed']} crashed, {totals['refused with a clear error']} refused with a "
        f"clear error; rows read {totals['rows_read']} = loaded {totals['loaded']} + "
        f"rejected {totals['rejected']} + skipped {totals['skipped']}; unaccounted "
        f"{totals['unaccounted']}, lost before counting {totals['lost_before_counting']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
