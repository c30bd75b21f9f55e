"""What target revisions cost the plan, and what the effect measurement costs.

    uv run python benchmarks/bench_pdca.py [--revisions N] [--repeat R]

In one process, on the template project in a temporary folder (SQLite state database):

  baseline   ``make_plan`` of the tree as in ikkan.yml (what every plan cost before)
  revised    ``Workspace.plan()`` with N stored revisions (half period, half month pins):
             reading the revisions, the precedence rule, the plan worked out again
  effect     ``measure_effect`` on 48 months of values for a 2-month action

Prints the best of R runs for each, and the ratio of ``revised`` to ``baseline``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revisions", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("IKKAN_STATE_URL", None)

    from ikkan.clock import FixedClock
    from ikkan.model.planning import make_plan
    from ikkan.monitor.effect import measure_effect, month_key
    from ikkan.project.scaffold import template_text
    from ikkan.services.pdca_access import local_actor
    from ikkan.workspace import Workspace

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
        ws = Workspace.open(root, clock=FixedClock(datetime(2026, 11, 20, 3, tzinfo=UTC)))
        tree = ws.require_valid()
        baseline = best(lambda: make_plan(tree), args.repeat)
        log = ws.pdca()
        actor = local_actor("bench")
        months = [m.period.key for m in ws.plan().months["commit"]]
        start = time.perf_counter()
        for i in range(args.revisions):
            if i % 2:
                log.revise_target(actor, "revenue", "commit", 9e7 + i, "bench", months[i % 12])
            else:
                log.revise_target(actor, "win_rate", "commit", 0.2 + i / 1000, "bench")
        writing = (time.perf_counter() - start) / max(args.revisions, 1)
        revised = best(ws.plan, args.repeat)
        values = {month_key(2022 * 12 + i): 100.0 + (i % 12) * 7 for i in range(48)}
        effect = best(
            lambda: measure_effect(values, "2025-09", "2025-10", last_complete_month="2025-12"),
            args.repeat * 20,
        )
    print(f"baseline make_plan (ikkan.yml)      {baseline * 1000:8.1f} ms")
    print(f"Workspace.plan() with {args.revisions:3d} revisions {revised * 1000:8.1f} ms")
    print(f"ratio revised / baseline            {revised / baseline:8.2f}x")
    print(f"one revision stored (with its diff) {writing * 1000:8.1f} ms")
    print(f"measure_effect (48 months)          {effect * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
