"""Seconds per phase of a refresh, wall and CPU, for ``RefreshReport.phases`` (profiling;
CPU is the process's, every thread of it: the engine's too)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Phases:
    """``with phases("name"):`` adds the block's wall seconds to ``seconds["name"]`` and
    its CPU seconds to ``cpu["name"]``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.seconds[name] = self.seconds.get(name, 0.0) + spent
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
