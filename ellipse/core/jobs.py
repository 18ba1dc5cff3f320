"""Background jobs: start a long operation once, report its progress, show its outcome.

Use from any app::

    job = job_create(kind="invitations", key=f"invitations-{year}", label=..., by=user,
                     return_url=...)          # JobAlreadyRunning if one is active for the key
    task_enqueue_on_commit(my_task, job_id=job.pk, ...)
    return redirect(job_url(job))             # the progress page (core:job)

and in the task: ``job_begin(job_id=, total=)`` (False: already started, stop),
``job_set_total(job_id=, total=)`` if known later, ``job_advance(job_id=, failure=)`` per item,
``job_finish(job_id=, result={...})`` or ``job_fail(job_id=, error=)``. The page refreshes
itself (a small local script, or a meta refresh without JavaScript) until the job is finished,
then shows ``result["lines"]`` (sentences), ``result["links"]`` (``{"url", "label"}``) and
the failures; with ``result["next_url"]`` a finished job's page goes on to that page (a
preview to confirm, say). ``total=0`` means "not known": the page counts items without a bar.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ACTIVE_STATUSES, BackgroundJob, JobStatus

# An active job not updated for this long is taken as lost (a killed worker): a new run may start.
JOB_STALE_AFTER = timedelta(minutes=15)


class JobAlreadyRunning(Exception):
    """A job with the same key is pending or running; ``job`` is that job."""

    def __init__(self, job: BackgroundJob) -> None:
        super().__init__(job.label)
        self.job = job


def job_create(
    *, kind: str, key: str, label: str, by=None, total: int = 0, return_url: str = ""
) -> BackgroundJob:
    """Record a pending job, unless one with the same key is active (guarded by the database)."""
    with transaction.atomic():
        stale = BackgroundJob.objects.select_for_update().filter(
            key=key, status__in=ACTIVE_STATUSES, updated_at__lt=timezone.now() - JOB_STALE_AFTER
        )
        for job in stale:
            job.status, job.error = (
                JobStatus.FAILED,
                _("Interrompue (aucune nouvelle depuis 15 min)."),
            )
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at", "updated_at"])
        try:
            with transaction.atomic():
                return BackgroundJob.objects.create(
                    kind=kind,
                    key=key,
                    label=label,
                    total=total,
                    created_by=by,
                    return_url=return_url,
                )
        except IntegrityError:
            active = BackgroundJob.objects.get(key=key, status__in=ACTIVE_STATUSES)
            raise JobAlreadyRunning(active) from None


def job_begin(*, job_id: int, total: int = 0) -> bool:
    """Mark a pending job running with ``total`` items; False if it already started (a task
    delivered twice must not run twice)."""
    return bool(
        BackgroundJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.RUNNING, total=total, done=0, updated_at=timezone.now()
        )
    )


def job_set_total(*, job_id: int, total: int) -> None:
    """The number of items, once the task knows it."""
    BackgroundJob.objects.filter(pk=job_id).update(total=total, updated_at=timezone.now())


def job_advance(*, job_id: int, count: int = 1, failure: str = "") -> None:
    """``count`` more items processed; ``failure`` (a French sentence) is listed at the end."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job_id)
        job.done = job.done + count
        if job.total:
            job.done = min(job.total, job.done)
        if failure:
            job.failures = [*job.failures, failure]
        job.save(update_fields=["done", "failures", "updated_at"])


def job_progress(*, job_id: int, done: int, total: int) -> None:
    """Set the progress at once (``done`` of ``total``), for tasks that count by themselves."""
    BackgroundJob.objects.filter(pk=job_id).update(
        done=min(done, total) if total else done, total=total, updated_at=timezone.now()
    )


def job_finish(*, job_id: int, result: dict | None = None) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        done=Greatest(F("total"), F("done")),
        total=Greatest(F("total"), F("done")),
        result=result or {},
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def job_fail(*, job_id: int, error: str) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def job_url(job: BackgroundJob) -> str:
    return reverse("core:job", args=[job.pk])
