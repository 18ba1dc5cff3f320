"""Celery tasks of buyers/: thin wrappers around services, keyword-only arguments."""

from celery import shared_task

from . import uploads


@shared_task
def forecast_uploads_purge() -> int:
    """Delete the forecast files of previews never confirmed after a day (beat, 6-hourly)."""
    return uploads.uploads_purge()


@shared_task(acks_late=True)
def forecast_import_job(*, job_id: str) -> None:
    """Check or import a large forecast file, saving progress and report on the job."""
    from .services_forecasts import forecast_import_job_run

    forecast_import_job_run(job_id=job_id)
