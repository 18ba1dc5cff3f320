"""Searches that ignore accents on every database: the ``__unaccent`` lookup.

PostgreSQL has ``unaccent`` (the extension, created by buyers' migration 0003); SQLite (the demo
and a newcomer's test run) gets the same function from Python when a connection opens. The
lookup is registered on text fields once, so ``name__unaccent__icontains="creche"`` finds
« Crèches » everywhere."""

from __future__ import annotations

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField, Transform


def strip_accents(text: str | None) -> str | None:
    """« Crèche » → « Creche » (letters kept, combining marks dropped)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Unaccent(Transform):
    """``UNACCENT(x)`` on both sides of the lookup (as django.contrib.postgres's own)."""

    bilateral = True
    lookup_name = "unaccent"
    function = "UNACCENT"


def _sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, strip_accents, deterministic=True)


def install() -> None:
    """Called once by ``CoreConfig.ready``."""
    CharField.register_lookup(Unaccent)
    TextField.register_lookup(Unaccent)
    connection_created.connect(_sqlite_unaccent, dispatch_uid="ellipse-sqlite-unaccent")
