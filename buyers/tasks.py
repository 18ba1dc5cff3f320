"""Celery tasks of buyers/: thin wrappers around services, keyword-only arguments."""

from celery import shared_task

from . import uploads


@shared_task
def forecast_uploads_purge() -> int:
    """Delete the forecast files of previews never confirmed after a day (beat, 6-hourly)."""
    return uploads.uploads_purge()
