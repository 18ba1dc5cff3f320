"""One per-client rate limit for the project's own views (allauth keeps its own for accounts).

The client address comes from :func:`client_ip`, which trusts ``X-Forwarded-For`` only for the
number of proxies configured (``ALLAUTH_TRUSTED_PROXY_COUNT``, the same setting allauth reads), so
that behind the reverse proxy every visitor has a counter of their own, and a visitor talking to
the application directly cannot choose theirs. The cache degrades open (see ``cache.py``)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger("ellipse.ratelimit")


def client_ip(request: HttpRequest) -> str:
    """The caller's address: the n-th address from the right of X-Forwarded-For behind n proxies."""
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if trusted:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")


def limit_exceeded(request: HttpRequest, *, scope: str, limit: int, period: int = 60) -> bool:
    """Count one hit of ``scope`` for this client; True when over ``limit`` within ``period`` s.

    Fails open: if the cache cannot count, the hit is let through and logged."""
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    try:
        if cache.add(key, 1, timeout=period):
            return False
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        return False
    except Exception:  # a cache backend without degraded mode
        logger.warning("Limite de fréquence %s non comptée : cache indisponible", scope)
        return False
    return count > limit
