"""Celery tasks of sourcing: thin wrappers around the services, taking ids."""

from celery import shared_task

from ellipse.editions.models import Edition

from .services import outcome_reminders_send_due as _reminders_send_due
from .services import outcome_requests_send


@shared_task(acks_late=True)
def outcome_requests_send_task(*, edition_id: int) -> int:
    """E-mail both sides of every meeting of an edition their link (idempotent)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    return outcome_requests_send(edition=edition) if edition else 0


@shared_task(acks_late=True)
def outcome_reminders_send_due() -> int:
    """Beat: the reminders due a week after the requests (idempotent)."""
    return _reminders_send_due()
