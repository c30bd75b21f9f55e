"""Freed memory goes back to the system between the steps of an import
(``engine.memory.release_memory``); measured in a fresh process, whose allocators hold
nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

_CHILD = textwrap.dedent(
    """
    import json, os, sys
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20

    # Many mid-sized Arrow buffers (as a conversion makes them) and numpy arrays below
    # the C heap's mmap threshold once it has grown (as the stage table makes them).
    big = np.ones(40_000_000 // 8)
    del big  # raises glibc's mmap threshold: the arrays below then live in the heap
    values = [pc.add(pa.array(np.arange(200_000, dtype=np.int64)), i) for i in range(150)]
    arrays = [np.full(3_000_000 // 8, i, dtype=np.float64) for i in range(60)]
    del values, arrays
    before = rss()
    if sys.argv[1] == "release":
        from ikkan.ingest.engine.memory import release_memory
        release_memory()
    print(json.dumps({"before": before, "after": rss()}))
    """
)


def _freed_mb(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return int(found["before"] - found["after"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_release_memory_returns_freed_arrow_and_heap_pages() -> None:
    assert _freed_mb("keep") < 100  # the allocators keep what was freed ...
    assert _freed_mb("release") >= 200  # ... until release_memory hands it back
