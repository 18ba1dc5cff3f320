"""The current edition as pages read it: from the cache, not one query (with its phase's
annotation) per page.

Cached under the stamp ``editions`` (every save or delete of an edition, ``EditionsConfig``) and
the namespaces the apps deciding that a schedule is public registered
(``phase.register_schedule_published``): a new edition, a status changed or a schedule
published shows at once. The phase itself is computed from the dates at each use, never
cached. Services and tasks that write keep ``Edition.objects.current()``, the database's answer.

Each process also keeps the last answer under its stamp (the stamp is read at each call, so it is
never stale) and hands out a copy: no cache read on most pages.
"""

from __future__ import annotations

import copy

from django.core.cache import cache

from ellipse.core.stamps import stamp

from .models import Edition
from .phase import schedule_published_stamps

EDITIONS_STAMP = "editions"
TIMEOUT = 3600


# This process's last answer: {stamp: edition or None}, one entry.
_kept: dict[str, Edition | None] = {}


def current_edition() -> Edition | None:
    """``Edition.objects.current()``, cached (see the module's docstring); a copy the caller
    may change (its phase is computed from the clock on that copy)."""
    version = stamp(EDITIONS_STAMP, *schedule_published_stamps())
    if version in _kept:
        return copy.copy(_kept[version])
    key = f"editions.current:{version}"
    found = cache.get(key)
    if found is not None:
        edition = found[0]
    else:
        edition = Edition.objects.current()
        cache.set(key, (edition,), TIMEOUT)  # a 1-tuple: "no edition" is cached too
    _kept.clear()
    _kept[version] = copy.copy(edition)
    return edition


# This process's editions by year: {(year, stamp): edition or None}, bounded.
_kept_years: dict[tuple[int, str], Edition | None] = {}
KEPT_YEARS_MAX = 64


def edition_of_year(year: int) -> Edition | None:
    """The edition of ``year`` (None if there is none) as pages read it: cached under the
    ``editions`` stamp (any save or delete of an edition), kept in this process under the same
    stamp; a copy the caller may change. Writes read the database."""
    version = stamp(EDITIONS_STAMP)
    if (year, version) in _kept_years:
        return copy.copy(_kept_years[year, version])
    key = f"editions.year:{year}:{version}"
    found = cache.get(key)
    if found is not None:
        edition = found[0]
    else:
        edition = Edition.objects.filter(year=year).first()
        cache.set(key, (edition,), TIMEOUT)
    if len(_kept_years) >= KEPT_YEARS_MAX:
        _kept_years.clear()
    _kept_years[year, version] = copy.copy(edition)
    return edition
