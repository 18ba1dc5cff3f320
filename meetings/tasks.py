"""Celery tasks of meetings/: thin, idempotent, taking ids."""

from celery import shared_task


@shared_task(acks_late=True)
def schedule_edition_task(*, run_id: int) -> str:
    """Compute the schedule of a recorded ``ScheduleRun`` (a finished run is left alone)."""
    from .services import schedule_run_execute

    return schedule_run_execute(run_id=run_id).status


@shared_task(acks_late=True)
def edition_relevance_task(*, edition_id: int) -> int:
    """Compute and store the relevance of every pair of an edition; returns the pair count."""
    from ellipse.editions.models import Edition

    from .services import edition_relevance_store

    edition = Edition.objects.filter(pk=edition_id).first()
    return len(edition_relevance_store(edition=edition).pairs) if edition else 0
