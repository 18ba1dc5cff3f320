"""The current edition as pages read it: from the cache, not one query (with its phase's
annotation) per page.

Cached under the stamp ``editions`` (every save or delete of an edition, ``EditionsConfig``) and
the namespaces the apps deciding that a schedule is public registered
(``phase.register_schedule_published``): a new edition, a status changed or a schedule
published shows at once. The phase itself is computed from the dates at each use, never
cached. Services and tasks that write keep ``Edition.objects.current()``, the database's answer.
"""

from __future__ import annotations

from django.core.cache import cache

from ellipse.core.stamps import stamp

from .models import Edition
from .phase import schedule_published_stamps

EDITIONS_STAMP = "editions"
TIMEOUT = 3600


def current_edition() -> Edition | None:
    """``Edition.objects.current()``, cached (see the module's docstring)."""
    key = f"editions.current:{stamp(EDITIONS_STAMP, *schedule_published_stamps())}"
    found = cache.get(key)
    if found is not None:
        return found[0]
    edition = Edition.objects.current()
    cache.set(key, (edition,), TIMEOUT)  # a 1-tuple: "no edition" is cached too
    return edition
