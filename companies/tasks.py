"""Celery tasks of companies/: thin wrappers around the services, taking ids."""

from celery import shared_task

from ellipse.editions.models import Edition

from .services.selection import edition_refresh_matches


@shared_task(acks_late=True)
def edition_refresh_matches_task(*, edition_id: int) -> int:
    """Recompute every cached matching score of an edition (seconds at 5,000 companies)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    return edition_refresh_matches(edition=edition) if edition else 0


@shared_task(acks_late=True)
def registrations_decide_task(
    *, job_id: int, registration_ids: list[int], to_status: str, by_id: int | None, reason: str = ""
) -> str:
    """Bulk decisions (with their e-mails) as a background job: see ``services.decisions``."""
    from .services.decisions import decisions_job_run

    return decisions_job_run(
        job_id=job_id,
        registration_ids=registration_ids,
        to_status=to_status,
        by_id=by_id,
        reason=reason,
    )


@shared_task(acks_late=True)
def match_refresh_job_task(*, job_id: int, edition_ids: list[int]) -> str:
    """The staff's "recompute the matching scores" as a background job, one edition a step."""
    from django.utils.translation import gettext as _

    from ellipse.core.jobs import job_advance, job_begin, job_fail, job_finish

    if not job_begin(job_id=job_id, total=len(edition_ids)):
        return "already started"
    lines = []
    try:
        for edition in Edition.objects.filter(pk__in=edition_ids).order_by("year"):
            count = edition_refresh_matches(edition=edition)
            lines.append(
                _("%(edition)s : %(n)d score(s) recalculé(s).") % {"edition": edition, "n": count}
            )
            job_advance(job_id=job_id)
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job_id=job_id, result={"lines": lines})
    return "done"
