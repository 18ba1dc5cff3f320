"""A Redis cache that degrades open: when Redis is unreachable, reads miss and writes are dropped.

The cache only holds what can be recomputed (rate-limit counters, cached fragments), so a Redis
outage must slow the site down, never break a request. Each failure is logged; after one, the
cache is left alone a few seconds (no connection timeout per operation), and once it answers
again every stamp moves on (nothing cached before a lost bump is read again)."""

from __future__ import annotations

import hashlib
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


#: After a failure, the cache is not tried again for this long (per process and thread): during
#: a network partition each operation would otherwise wait for its connection timeout.
BREAKER_SECONDS = 5.0
#: Reads, done again after the epoch moved on (a write is not repeated).
REREAD = frozenset({"get", "get_many", "has_key"})


def _degraded(operation: str, default: Any):
    def method(self, *args, **kwargs):
        return self._guarded(
            operation,
            default,
            lambda: getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs),
        )

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
    outage they answer 0, which lets rate limits through (fail open, logged). After a failure
    the cache is left alone for :data:`BREAKER_SECONDS` (each operation answers its default at
    once), then tried again; the first success after an outage moves every stamp on
    (``ellipse.core.stamps.epoch_bump``): a bump lost meanwhile leaves nothing stale. One
    Redis client per connection pool (:class:`ReusedClientRedisCacheClient`)."""

    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._closed_until = 0.0  # the breaker: no attempt before this time.monotonic()
        self._outage = False  # a failure since the last success

    def _guarded(self, operation: str, default: Any, call: Callable[[], Any]) -> Any:
        if time.monotonic() < self._closed_until:
            return default() if callable(default) else default
        try:
            result = call()
        except FAILURES as exc:
            _failed()
            self._outage = True
            self._closed_until = time.monotonic() + BREAKER_SECONDS
            logger.warning(
                "Cache indisponible (%s) : %s ignoré, cache laissé de côté %g s ; %s",
                type(exc).__name__,
                operation,
                BREAKER_SECONDS,
                exc,
            )
            return default() if callable(default) else default
        if self._outage:
            self._outage = False
            from .stamps import epoch_bump

            logger.warning("Cache de nouveau joignable : tous les fragments sont renouvelés.")
            epoch_bump()
            if operation in REREAD:  # what was read holds the old epoch: read it again
                result = self._guarded(operation, default, call)
        return result

    get_many = _degraded("get_many", dict)
    set = _degraded("set", None)
    add = _degraded("add", True)
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    delete_many = _degraded("delete_many", None)
    set_many = _degraded("set_many", list)
    has_key = _degraded("has_key", False)
    incr = _degraded("incr", 0)
    clear = _degraded("clear", None)

    # get_or_set and decr: Django's own, made of the guarded get, add and incr.

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get",
            lambda: default,
            lambda: super(ResilientRedisCache, self).get(key, default, version),
        )


def private_fragment_key(request: Any, *parts: object) -> str:
    """The key of a fragment of a signed-in user's page that holds forms (``{% csrf_token %}``):
    ``parts`` (stamps and the facts the fragment shows), the user, the language and a digest of
    the user's CSRF secret. A cached token stays valid: Django accepts any masked token of the
    request's secret, and a new secret (sign-in, rotation) is a new key. Empty (do not cache)
    when the request brings no CSRF cookie yet: rendering then sets one."""
    from django.utils.translation import get_language

    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.user.is_authenticated:
        return ""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
    return ":".join([str(request.user.pk), get_language() or "", digest, *map(str, parts)])


def messages_waiting(request: Any) -> bool:
    """Whether messages wait to be shown on this request's page: shown once, so such a page is
    neither served from nor stored in a page cache (``private_page``, the admin's lists)."""
    from django.contrib import messages

    return bool(len(messages.get_messages(request)))


def private_page(
    request: Any, key: str, render: Callable[[], HttpResponse], timeout: int
) -> HttpResponse:
    """A signed-in user's whole page (the base template included) from the cache under ``key``,
    a :func:`private_fragment_key` holding every fact the page shows; rendered by ``render``
    and stored on a miss. A hit renders nothing and still renews the CSRF cookie as a render
    would. Never served from nor stored in the cache when ``key`` is empty or messages wait to
    be shown (they are shown once); only a 200 HTML answer is stored."""
    from django.core.cache import cache
    from django.middleware.csrf import get_token

    if not key or messages_waiting(request):
        return render()
    key = "page:" + hashlib.sha256(key.encode()).hexdigest()  # stamps make long keys
    content = cache.get(key)
    if content is not None:
        get_token(request)
        return HttpResponse(content)
    response = render()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, response.content, timeout)
    return response
