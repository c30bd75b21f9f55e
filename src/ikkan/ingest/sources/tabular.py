"""Moved to ``ikkan.ingest.engine.tabular``. Kept only for ``services/ingest.py`` (owned by
another change); switch that import and delete this module."""

from ikkan.ingest.engine.tabular import head_text

__all__ = ["head_text"]
