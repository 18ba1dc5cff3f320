"""Celery tasks of meetings/: thin, idempotent, taking ids."""

from celery import shared_task


@shared_task(acks_late=True)
def schedule_edition_task(*, run_id: int) -> str:
    """Compute the schedule of a recorded ``ScheduleRun`` (a finished run is left alone)."""
    from .services import schedule_run_execute

    return schedule_run_execute(run_id=run_id).status
