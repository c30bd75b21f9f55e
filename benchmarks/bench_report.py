"""Time to build the review report of the demo project, by step and format.

    uv run python benchmarks/bench_report.py [--leads 2000] [--period 2026-10]

Generates the demo exports (N leads), ingests and refreshes them in a temporary folder,
then measures in one process:

  status      ``Workspace.status`` of the period (what ``ikkan status`` reads): the baseline
  gather      every read the review makes (status ×4, by channel ×2, drill-down, history,
              alerts, plan) and its arrangement into sections
  html        gather + the Jinja2 page with the tree and chart SVGs
  pdf         gather + html + WeasyPrint (the print step alone is the difference)
  xlsx        gather + the openpyxl workbook

Each step runs 3 times; the best time is printed with its ratio to ``status``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def best_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--period", default="2026-10")
    args = parser.parse_args()

    from ikkan.clock import FixedClock
    from ikkan.demo import generate_exports
    from ikkan.project.scaffold import template_text
    from ikkan.reports.review import render_review, review_data
    from ikkan.workspace import Workspace

    clock = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "ikkan.yml").write_text(template_text("ja"), encoding="utf-8")
        generate_exports(root / "exports", leads=args.leads, seed=7)
        ws = Workspace.open(root, clock=clock)
        ws.ingest()
        ws.refresh()
        base = best_of(3, lambda: ws.status(period=args.period))
        steps: dict[str, Callable[[], Any]] = {
            "gather": lambda: review_data(ws, args.period, "ja"),
            "html": lambda: render_review(ws, args.period, "html", "ja"),
            "pdf": lambda: render_review(ws, args.period, "pdf", "ja"),
            "xlsx": lambda: render_review(ws, args.period, "xlsx", "ja"),
        }
        print(f"demo: {args.leads:,} leads, period {args.period}")
        print(f"{'status':8s} {base:8.3f} s   1.0 ×")
        for name, work in steps.items():
            took = best_of(3, work)
            print(f"{name:8s} {took:8.3f} s {took / base:5.1f} ×")
        size = len(render_review(ws, args.period, "pdf", "ja"))
        print(f"pdf size {size / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
