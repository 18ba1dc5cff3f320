"""Generation stamps: one short value per namespace that changes whenever data under it changes.

A fragment cached with a stamp in its key is never stale: a write moves the stamp on and the old
fragment is simply no longer read (it expires on its own). This is pretix's per-event cache
namespace, reduced to what Ellipse needs::

    stamps_watch(PlannedContract, "catalogue")      # in an app's ready(): saves and deletes
    stamp_bump("catalogue")                          # after a bulk write (no signals there)
    {% cache 3600 catalogue_list stamp q page %}     # in a template; ``stamp`` from the view

Stamps live in the default cache, which production shares between processes (Redis). When the
cache is unreachable (``ResilientRedisCache`` answers nothing), ``stamp`` returns a value of its
own each time: fragments are then recomputed, never stale. Every stamp also holds the cache's
epoch (:data:`EPOCH`), which the first process to reach the cache again after an outage moves
on (``epoch_bump``): a write whose bump was lost during the outage leaves no fragment stale.

Within a web request the stamps read are kept until the request ends, and the first read also
fetches the shared namespaces (no object id in their name) this process has read before: a page
whose fragments depend on a dozen namespaces reads them in one round trip, not one per fragment.
A stamp read early is only ever older than the data read after it, so a fragment is never cached
under a stamp newer than its data; the request's own bumps replace the kept values at once.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

PREFIX = "stamp:"
#: Part of every stamp; moved on after a cache outage (``ResilientRedisCache``), so that no
#: fragment cached before it is read again (a bump may have been lost meanwhile).
EPOCH = "cache.epoch"


def _fresh() -> str:
    return uuid.uuid4().hex[:12]


# The stamps read during the current request of this thread (None outside a request), and the
# shared namespaces this process has read (fetched together at a request's first read).
_request = threading.local()
_shared: set[str] = set()
_SHARED_MAX = 200
_WITH_ID = re.compile(r"\d")


def _request_started(**kwargs) -> None:
    _request.stamps = {}


def _request_finished(**kwargs) -> None:
    _request.stamps = None


request_started.connect(_request_started, dispatch_uid="ellipse.core.stamps:started")
request_finished.connect(_request_finished, dispatch_uid="ellipse.core.stamps:finished")


def stamp(*namespaces: str) -> str:
    """The current stamp of these namespaces and of the cache's epoch, as one string (for a
    cache key)."""
    namespaces = (*namespaces, EPOCH)
    kept = getattr(_request, "stamps", None)
    if kept is None:
        return ".".join(_read(namespaces).values())
    missing = [name for name in namespaces if name not in kept]
    if missing:
        first = not kept
        _shared.update(n for n in missing if len(_shared) < _SHARED_MAX and not _WITH_ID.search(n))
        if first:
            missing += [name for name in _shared if name not in missing]
        kept.update(_read(missing))
    return ".".join(kept[name] for name in namespaces)


def _read(namespaces: Iterable[str]) -> dict[str, str]:
    """The stamps of these namespaces from the cache, one round trip (starting those missing)."""
    keys = {name: PREFIX + name for name in namespaces}
    found = cache.get_many(list(keys.values()))
    values = {}
    for name, key in keys.items():
        value = found.get(key)
        if value is None:
            value = _fresh()
            # add(): two processes starting a namespace at once agree on the first value.
            if not cache.add(key, value, timeout=None):  # another process was first
                value = cache.get(key) or value
        values[name] = value
    return values


def _set(namespaces: Iterable[str]) -> None:
    values = {name: _fresh() for name in namespaces}
    cache.set_many({PREFIX + name: value for name, value in values.items()}, timeout=None)
    kept = getattr(_request, "stamps", None)
    if kept is not None:
        kept.update(values)


def epoch_bump() -> None:
    """Every stamp moves on (after a cache outage: ``ellipse.core.cache``)."""
    _set([EPOCH])


def stamp_bump(*namespaces: str) -> None:
    """Moves these namespaces on now and again once the current transaction commits.

    Now: this transaction's own later reads see fresh fragments. At the commit: a fragment
    another request cached in between, from the data before the commit, is never read again.
    A transaction writing many rows registers one commit bump per namespace, not one per row."""
    _set(namespaces)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # Django replaces ``run_on_commit`` by a new list at every commit and every (savepoint)
    # rollback: a marker registered on the current list is still going to run.
    markers = connection.__dict__.setdefault("_stamp_markers", {})
    todo = [name for name in namespaces if markers.get(name) is not connection.run_on_commit]
    if not todo:
        return
    for name in todo:
        markers[name] = connection.run_on_commit
    transaction.on_commit(lambda: _set(todo))


#: A sign-in saves the user with these fields only: nothing any page shows of a user changes.
SIGN_IN_FIELDS = frozenset({"last_login"})


def only_fields(update_fields, fields: frozenset[str]) -> bool:
    """Whether a save (its ``update_fields``) wrote nothing but ``fields``."""
    return bool(update_fields) and set(update_fields) <= fields


def stamps_watch(
    model: type[Model],
    *namespaces: str,
    through: Iterable[type[Model]] = (),
    ignored_fields: frozenset[str] = frozenset(),
) -> None:
    """Bumps the namespaces on every save or delete of ``model`` (and changes of the listed
    many-to-many ``through`` models), except saves writing only ``ignored_fields``. Bulk
    writes bypass signals: their services bump."""

    def handler(sender, **kwargs) -> None:
        if kwargs.get("raw"):  # loaddata
            return
        if ignored_fields and only_fields(kwargs.get("update_fields"), ignored_fields):
            return
        if kwargs.get("action", "post_").startswith("pre_"):  # m2m: once the change is made
            return
        stamp_bump(*namespaces)

    uid = f"stamps:{model._meta.label}:{','.join(namespaces)}"
    post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")
    for m2m in through:
        m2m_uid = f"{uid}:{m2m._meta.label}"
        m2m_changed.connect(handler, sender=m2m, weak=False, dispatch_uid=m2m_uid)
