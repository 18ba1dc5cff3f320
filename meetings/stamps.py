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

- ``meetings.log:<edition id>``: the edition's change log and the progress of its last schedule
  computation, with the grid's namespaces. Bumped by a save or delete of a ``MeetingChange``
  (signals), by the computation's progress (``QuerySet.update``) and by the notification of the
  changes (``QuerySet.update``), which call :func:`log_bump`.
- ``meetings.log``: every edition's log shows its authors' e-mail addresses: bumped by a user's
  save (not a sign-in, which writes ``last_login`` only) or delete.

The rows, the figures and the lead paragraph of ``/rendez-vous/planning/<year>/`` are cached
under :func:`grid_stamp`, the computation's progress and the change log under the log's stamp
(:func:`planning_stamps` reads both at once).
"""

from __future__ import annotations

from ellipse.core.stamps import stamp, stamp_bump

GRID = "meetings.grid"
ANY = "meetings.any"  # any edition's meetings (the spaces' invitation block)
LOG = "meetings.log"


def _edition_namespace(edition_id: int) -> str:
    return f"{GRID}:{edition_id}"


def grid_stamp(*, edition_id: int) -> str:
    """Changes whenever anything the edition's planning grid shows changes."""
    return stamp(GRID, _edition_namespace(edition_id))


def _log_namespace(edition_id: int) -> str:
    return f"{LOG}:{edition_id}"


def planning_stamps(*, edition_id: int) -> tuple[str, str]:
    """The edition's grid stamp (as :func:`grid_stamp`) and its log's stamp, which also moves
    with the grid's, in one cache read."""
    values = stamp(GRID, _edition_namespace(edition_id), LOG, _log_namespace(edition_id))
    parts = values.split(".")
    grid = ".".join([*parts[:2], parts[-1]])  # the grid's two and the cache's epoch (last)
    return grid, values


def log_bump(*, edition_id: int) -> None:
    """After a bulk write of the edition's change log or of a computation's progress."""
    stamp_bump(_log_namespace(edition_id))


def grid_bump(*, edition_id: int) -> None:
    """After a bulk write of the edition's meetings or computations (no signals there)."""
    stamp_bump(_edition_namespace(edition_id), ANY)


def grid_watch() -> None:
    """Connects the signals (called once by ``MeetingsConfig.ready``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from buyers.models import BuyerOrganisation, BuyerParticipation
    from companies.models import Company, Registration
    from ellipse.core.stamps import SIGN_IN_FIELDS, stamps_watch
    from ellipse.editions.models import Edition

    from .models import Meeting, MeetingChange, ScheduleRun

    for model in (Edition, BuyerOrganisation, BuyerParticipation, Company, Registration):
        stamps_watch(model, GRID)
    stamps_watch(get_user_model(), LOG, ignored_fields=SIGN_IN_FIELDS)  # authors' e-mails

    def edition_log(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            log_bump(edition_id=instance.edition_id)

    uid = "meetings.log:MeetingChange"
    post_save.connect(edition_log, sender=MeetingChange, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(edition_log, sender=MeetingChange, weak=False, dispatch_uid=uid + ":del")

    def edition_rows(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            grid_bump(edition_id=instance.edition_id)

    for model in (Meeting, ScheduleRun):
        uid = f"meetings.grid:{model._meta.label}"
        post_save.connect(edition_rows, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(edition_rows, sender=model, weak=False, dispatch_uid=uid + ":delete")
