"""Outcomes spread evenly over time: a jittered error-diffusion draw instead of coin flips.

A company with 500 leads a month does not see its MQL rate jump from 30% to 55% between
months, but independent coin flips at these volumes (and at ten deals a month) do exactly
that. ``Quota.hit(key, rate)`` keeps a running balance per key: each call adds ``rate``
times a random factor (0.6–1.4) and succeeds when the balance reaches 1. Over many calls the
share of successes is ``rate``; in any stretch of calls it stays close to it, with noise.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable


class Quota:
    def __init__(self, rng: random.Random, jitter: float = 0.4) -> None:
        self.rng = rng
        self.jitter = jitter
        self.balance: defaultdict[Hashable, float] = defaultdict(lambda: rng.random())

    def hit(self, key: Hashable, rate: float) -> bool:
        """One outcome for ``key`` with long-run success share ``rate`` (0..1)."""
        balance = self.balance[key] + rate * self.rng.uniform(1 - self.jitter, 1 + self.jitter)
        if balance >= 1.0:
            self.balance[key] = balance - 1.0
            return True
        self.balance[key] = balance
        return False
