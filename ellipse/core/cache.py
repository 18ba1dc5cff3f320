"""A Redis cache that degrades open: when Redis is unreachable, reads miss and writes are dropped.

The cache only holds what can be recomputed (rate-limit counters, cached fragments), so a Redis
outage must slow the site down, never break a request. Each failure is logged."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("ellipse.cache")

try:  # redis-py is a dependency of Celery's Redis transport and of Django's Redis cache.
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is installed with celery[redis]
    RedisError = OSError  # type: ignore[misc,assignment]

FAILURES = (RedisError, OSError)


def _degraded(operation: str, default: Any):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except FAILURES as exc:
            logger.warning(
                "Cache indisponible (%s) : %s ignoré, %s", type(exc).__name__, operation, exc
            )
            return default() if callable(default) else default

    method.__name__ = operation
    return method


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose operations never raise on a connection failure.

    ``incr``/``decr`` on a missing key still raise ``ValueError`` as Django documents; on an
    outage they answer 0, which lets rate limits through (fail open, logged)."""

    get_many = _degraded("get_many", dict)
    set = _degraded("set", None)
    add = _degraded("add", True)
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    delete_many = _degraded("delete_many", None)
    set_many = _degraded("set_many", list)
    has_key = _degraded("has_key", False)
    incr = _degraded("incr", 0)
    decr = _degraded("decr", 0)
    clear = _degraded("clear", None)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version=version)
        except FAILURES as exc:
            logger.warning("Cache indisponible (%s) : get ignoré, %s", type(exc).__name__, exc)
            return default

    def get_or_set(self, key, default, timeout=None, version=None):
        try:
            return super().get_or_set(key, default, timeout=timeout, version=version)
        except FAILURES as exc:
            logger.warning("Cache indisponible (%s) : get_or_set ignoré", type(exc).__name__)
            return default() if callable(default) else default
