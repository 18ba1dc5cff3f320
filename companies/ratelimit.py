"""Per-client rate limits kept in Django's cache, degrading open: with the cache down (Redis
unreachable) a request is let through and a warning logged, never a 500."""

import logging

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address as the WSGI server saw it (a trusted proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_exceeded(*, key: str, limit: int, period: int) -> bool:
    """Count one attempt under ``key``; True once more than ``limit`` happened in the
    ``period`` seconds since the first. False, with a log line, when the cache fails."""
    try:
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
    except Exception:  # any cache backend error (e.g. redis.ConnectionError): degrade open
        logger.warning("Rate limit %s not applied: the cache is unavailable.", key, exc_info=True)
        return False
    return count > limit
