"""How long hostile YAML takes to be refused, and what an ordinary big project costs.

    uv run python benchmarks/bench_yaml_limits.py

Each case runs in a fresh child process (so peak memory is its own) through
``ikkan.project.yaml_positions.parse_yaml``: alias bombs ("billion laughs", nine nested
aliases of nine), a self-referencing alias, 20,000 nested brackets, a long alias chain, and
for scale an ordinary spec of 3,000 nodes. Prints wall seconds, peak RSS and the outcome.
"""

from __future__ import annotations

import json
import subprocess
import sys

CASES = {
    "laughs 9x9": "laughs:9",
    "laughs 9x5 (under the bound)": "laughs:5",
    "self alias": "self",
    "nesting 20000": "deep",
    "alias chain 300": "chain",
    "3000 nodes (block style)": "nodes",
}

CHILD = r"""
import json, resource, sys, time
from ikkan.errors import SpecError
from ikkan.project.yaml_positions import parse_yaml

def laughs(n):
    lines = ['x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, n)]
    return "\n".join(lines) + "\n"

def nodes(n):
    out = ["nodes:"]
    for i in range(n):
        out += [f"  n{i}:", "    kind: KPI", f"    label: {{ja: 指標{i}, en: KPI {i}}}",
                "    unit: count", "    target: {commit: 100, stretch: 120}",
                "    definition: leads created in the month"]
    return "\n".join(out) + "\n"

kind = sys.argv[1]
text = {
    "self": "a: &a [1, *a]\n",
    "deep": "a: " + "[" * 20000 + "]" * 20000 + "\n",
    "chain": "\n".join(["c0: &c0 [1]"] + [f"c{i}: &c{i} [*c{i-1}]" for i in range(1, 300)]),
    "nodes": None,
}.get(kind.split(":")[0])
if kind.startswith("laughs"):
    text = laughs(int(kind.split(":")[1]))
if kind == "nodes":
    text = nodes(3000)
start = time.perf_counter()
try:
    doc = parse_yaml(text, "ikkan.yml")
    outcome = f"read: {len(doc.values):,} values"
except SpecError as exc:
    outcome = "refused: " + exc.render().splitlines()[0]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": outcome}))
"""


def main() -> None:
    print(f"{'case':32} {'seconds':>8} {'peak MB':>8}  outcome")
    for name, kind in CASES.items():
        result = subprocess.run(
            [sys.executable, "-c", CHILD, kind], capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            print(f"{name:32} failed: {result.stderr.strip().splitlines()[-1]}")
            continue
        row = json.loads(result.stdout)
        print(f"{name:32} {row['seconds']:8.2f} {row['peak_mb']:8.0f}  {row['outcome']}")


if __name__ == "__main__":
    main()
