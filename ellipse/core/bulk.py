"""Helpers for bulk computations and reads (tens of thousands of small objects at once)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a computation allocates many small,
    acyclic objects (tuples, dicts, dataclasses): each collection walks every live object, so
    a computation holding hundreds of thousands of them pays for it again and again (a third
    of the relevance's time at a region's size). Reference counting still frees them; the
    collector resumes as it was afterwards, even on an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
