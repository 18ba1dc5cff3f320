"""Generation stamps of the staff planning page (see ``ellipse.core.stamps``).

Namespaces:

- ``meetings.grid:<edition id>``: the edition's meetings and schedule computations. Bumped by a
  save or delete of a ``Meeting`` or ``ScheduleRun`` (signals, :func:`grid_watch`) and by the
  services' bulk writes (``QuerySet.update``, ``bulk_create``, ``delete``), which call
  :func:`grid_bump`.
- ``meetings.any``: bumped with every edition's namespace (the spaces' invitation block).
- ``meetings.grid``: what the grid shows from the layers below, for every edition: editions
  (slots, capacities), buyers and their participations (name, table, availability, capacity),
  companies (names and the ESS / size / local figures) and registrations (retained ones).
  Bumped on their saves and deletes (their services write one row at a time).

The rows, the figures and the lead paragraph of ``/rendez-vous/planning/<year>/`` are cached
under :func:`grid_stamp`; the progress of a computation and the change log are read each time.
"""

from __future__ import annotations

from ellipse.core.stamps import stamp, stamp_bump

GRID = "meetings.grid"
ANY = "meetings.any"  # any edition's meetings (the spaces' invitation block)


def _edition_namespace(edition_id: int) -> str:
    return f"{GRID}:{edition_id}"


def grid_stamp(*, edition_id: int) -> str:
    """Changes whenever anything the edition's planning grid shows changes."""
    return stamp(GRID, _edition_namespace(edition_id))


def grid_bump(*, edition_id: int) -> None:
    """After a bulk write of the edition's meetings or computations (no signals there)."""
    stamp_bump(_edition_namespace(edition_id), ANY)


def grid_watch() -> None:
    """Connects the signals (called once by ``MeetingsConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save

    from buyers.models import BuyerOrganisation, BuyerParticipation
    from companies.models import Company, Registration
    from ellipse.core.stamps import stamps_watch
    from ellipse.editions.models import Edition

    from .models import Meeting, ScheduleRun

    for model in (Edition, BuyerOrganisation, BuyerParticipation, Company, Registration):
        stamps_watch(model, GRID)

    def edition_rows(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            grid_bump(edition_id=instance.edition_id)

    for model in (Meeting, ScheduleRun):
        uid = f"meetings.grid:{model._meta.label}"
        post_save.connect(edition_rows, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(edition_rows, sender=model, weak=False, dispatch_uid=uid + ":delete")
