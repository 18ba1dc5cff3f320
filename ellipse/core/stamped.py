"""Small facts kept under stamps: in this process, then in the cache, computed on a miss.

For what pages ask at each request and rarely changes (which organisation a user belongs to,
their roles, the current edition): the stamps are read at each call (``ellipse.core.stamps``,
once per request), so a kept value is never stale; the process's copy saves the cache read.
``None`` is kept too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .stamps import stamp

T = TypeVar("T")
TIMEOUT = 3600


def stamped_fact(
    name: str,
    key: object,
    namespaces: tuple[str, ...],
    compute: Callable[[], T],
    *,
    kept: dict[str, tuple],
    kept_max: int = 5000,
) -> T:
    """The value ``compute()`` gave for ``key`` while the ``namespaces`` stamps stay the same.
    ``kept`` is the caller's dict for this process (bounded by ``kept_max``); values must be
    small and picklable (ids, names, a row), and are shared: a caller that lets its callers
    change one hands out a copy."""
    cache_key = f"{name}:{key}:{stamp(*namespaces)}"
    found = kept.get(cache_key)
    if found is None:
        found = cache.get(cache_key)
        if found is None:
            found = (compute(),)
            cache.set(cache_key, found, TIMEOUT)
        if len(kept) >= kept_max:
            kept.clear()
        kept[cache_key] = found
    return found[0]
