"""Celery tasks of companies/: thin wrappers around the services, taking ids."""

from celery import shared_task

from ellipse.editions.models import Edition

from .services.selection import edition_refresh_matches


@shared_task(acks_late=True)
def edition_refresh_matches_task(*, edition_id: int) -> int:
    """Recompute every cached matching score of an edition (seconds at 5,000 companies)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    return edition_refresh_matches(edition=edition) if edition else 0
