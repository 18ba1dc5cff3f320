"""Celery tasks of spaser/: thin wrappers around the services, taking ids."""

from pathlib import Path

from celery import shared_task

from .models import DecpImport, ImportStatus
from .services import decp_import


@shared_task(acks_late=True)
def decp_import_task(*, import_id: int) -> int | None:
    """Import an uploaded DECP file; progress is saved on the run after every 1,000 records."""
    run = DecpImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).first()
    if run is None or not run.upload:
        return None
    decp_import(path=Path(run.upload.path), run=run, dry_run=run.dry_run)
    return run.pk
