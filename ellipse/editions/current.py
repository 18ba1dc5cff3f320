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

from ellipse.core.stamped import stamped_fact

from .models import Edition
from .phase import schedule_published_stamps

EDITIONS_STAMP = "editions"


# This process's answers, kept under their stamps (``ellipse.core.stamped``).
_kept: dict[str, tuple] = {}
_kept_years: dict[str, tuple] = {}
KEPT_YEARS_MAX = 64


def current_edition() -> Edition | None:
    """``Edition.objects.current()``, cached (see the module's docstring); a copy the caller
    may change (its phase is computed from the clock on that copy)."""
    edition = stamped_fact(
        "editions.current",
        "",
        (EDITIONS_STAMP, *schedule_published_stamps()),
        Edition.objects.current,
        kept=_kept,
        kept_max=1,
    )
    return copy.copy(edition)


def edition_of_year(year: int) -> Edition | None:
    """The edition of ``year`` (None if there is none) as pages read it: cached under the
    ``editions`` stamp (any save or delete of an edition), kept in this process under the same
    stamp; a copy the caller may change. Writes read the database."""
    edition = stamped_fact(
        "editions.year",
        year,
        (EDITIONS_STAMP,),
        lambda: Edition.objects.filter(year=year).first(),
        kept=_kept_years,
        kept_max=KEPT_YEARS_MAX,
    )
    return copy.copy(edition)
