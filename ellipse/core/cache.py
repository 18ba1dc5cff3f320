"""A Redis cache that degrades open: when Redis is unreachable, reads miss and writes are dropped.

The cache only holds what can be recomputed (rate-limit counters, cached fragments), so a Redis
outage must slow the site down, never break a request. Each failure is logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpResponse

logger = logging.getLogger("ellipse.cache")

try:  # redis-py is a dependency of Celery's Redis transport and of Django's Redis cache.
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is installed with celery[redis]
    RedisError = OSError  # type: ignore[misc,assignment]

FAILURES = (RedisError, OSError)

# When this process's cache last failed (time.monotonic()), for cache_failed_within().
_last_failure: float | None = None


def _failed() -> None:
    global _last_failure
    _last_failure = time.monotonic()


def cache_failures_forget() -> None:
    """As if the cache had never failed in this process (tests end their simulated outages)."""
    global _last_failure
    _last_failure = None


def cache_failed_within(seconds: float) -> bool:
    """Whether a cache operation of this process failed in the last ``seconds``: during an
    outage every stamp read is new (``ellipse.core.stamps``), and what is kept per process
    under a stamp may then be kept a little while instead of rebuilt at each request."""
    return _last_failure is not None and time.monotonic() - _last_failure < seconds


def _degraded(operation: str, default: Any):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except FAILURES as exc:
            _failed()
            logger.warning(
                "Cache indisponible (%s) : %s ignoré, %s", type(exc).__name__, operation, exc
            )
            return default() if callable(default) else default

    method.__name__ = operation
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache operation, and redis-py fills ~170
    response callbacks in each constructor: ~0.3 ms an operation, a third of a warm page's time
    when it reads a dozen stamps and fragments. A ``redis.Redis`` is safe to share (it takes a
    connection from its pool per command), and the cache backend is already one per thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose operations never raise on a connection failure.

    ``incr``/``decr`` on a missing key still raise ``ValueError`` as Django documents; on an
    outage they answer 0, which lets rate limits through (fail open, logged). One Redis client
    per connection pool (:class:`ReusedClientRedisCacheClient`)."""

    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

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
            _failed()
            logger.warning("Cache indisponible (%s) : get ignoré, %s", type(exc).__name__, exc)
            return default

    def get_or_set(self, key, default, timeout=None, version=None):
        try:
            return super().get_or_set(key, default, timeout=timeout, version=version)
        except FAILURES as exc:
            _failed()
            logger.warning("Cache indisponible (%s) : get_or_set ignoré", type(exc).__name__)
            return default() if callable(default) else default


def private_fragment_key(request: Any, *parts: object) -> str:
    """The key of a fragment of a signed-in user's page that holds forms (``{% csrf_token %}``):
    ``parts`` (stamps and the facts the fragment shows), the user, the language and a digest of
    the user's CSRF secret. A cached token stays valid: Django accepts any masked token of the
    request's secret, and a new secret (sign-in, rotation) is a new key. Empty (do not cache)
    when the request brings no CSRF cookie yet: rendering then sets one."""
    import hashlib

    from django.utils.translation import get_language

    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.user.is_authenticated:
        return ""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
    return ":".join([str(request.user.pk), get_language() or "", digest, *map(str, parts)])


def private_page(
    request: Any, key: str, render: Callable[[], HttpResponse], timeout: int
) -> HttpResponse:
    """A signed-in user's whole page (the base template included) from the cache under ``key``,
    a :func:`private_fragment_key` holding every fact the page shows; rendered by ``render``
    and stored on a miss. A hit renders nothing and still renews the CSRF cookie as a render
    would. Never served from nor stored in the cache when ``key`` is empty or messages wait to
    be shown (they are shown once); only a 200 HTML answer is stored."""
    from django.contrib import messages
    from django.core.cache import cache
    from django.middleware.csrf import get_token

    if not key or len(messages.get_messages(request)):
        return render()
    key = f"page:{key}"
    content = cache.get(key)
    if content is not None:
        get_token(request)
        return HttpResponse(content)
    response = render()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, response.content, timeout)
    return response
