"""Freed memory handed back to the system between the steps of an import.

The allocators keep freed pages for reuse: Arrow's pool (mimalloc) until it next purges,
which it does only when it allocates again, and the C library's heap (numpy arrays under
its mmap threshold) until trimmed. After a read let go of its scanned cells and
intermediate columns, the process still held them (1M HubSpot contacts: ~350 MB more RSS
than the live Arrow buffers) and the next step (the warehouse insert) added its own memory
on top. ``release_memory`` purges both at once (about a millisecond)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache
from typing import Any


def release_memory() -> None:
    """Return the Arrow pool's and the C heap's freed pages to the operating system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library or platform)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim
