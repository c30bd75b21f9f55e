"""Text-level parsing shared by every source reader: encodings, layout, values, dates.

Pure functions; no warehouse, no project. A value that cannot be parsed raises
``ParseError``; readers turn it into a ``RejectedRow``.
"""

from ikkan.ingest.parsing.values import ParseError

__all__ = ["ParseError"]
