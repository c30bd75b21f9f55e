"""Metric definitions bound to nodes (``metric:`` in the spec).

Owned by the measurement work (compute/); the spec only needs ``MetricSpec`` to exist and
to refuse unknown keys.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MetricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
