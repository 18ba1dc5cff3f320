"""Celery tasks of the outbox: thin wrappers around the services, idempotent, retried."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ellipse.core.queueing import task_enqueue_many

from .services import EmailInFlight, EmailNotReady, email_deliver, sending_lease

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def email_send(self, *, email_id: int) -> str:
    """Deliver one recorded e-mail (a sent one is never sent again).

    In eager mode (the demo) a failure is recorded on the row and not raised, so that one bad
    address never stops a batch; staff retry it from the admin."""
    try:
        return email_deliver(email_id=email_id).status
    except EmailNotReady as exc:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc
    except EmailInFlight as exc:
        if self.request.is_eager:
            return "sending"
        countdown = int(sending_lease().total_seconds()) + 5
        raise self.retry(exc=exc, countdown=countdown, max_retries=None) from exc
    except Exception as exc:
        logger.warning("E-mail %s non envoyé : %s", email_id, exc)
        if self.request.is_eager:
            return "failed"
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc


@shared_task
def outbox_sweep(*, older_than_minutes: int = 10) -> int:
    """Queue again the e-mails left pending (a lost task, a killed worker) or stuck in sending
    past the lease. Run by Celery beat; delivery is idempotent, so a spare queueing is harmless."""
    from .enums import EmailStatus
    from .models import OutgoingEmail

    now = timezone.now()
    # Rows waiting for generated attachments are re-queued by their own feature (invitations).
    pending = OutgoingEmail.objects.filter(
        status=EmailStatus.PENDING, created_at__lt=now - timedelta(minutes=older_than_minutes)
    ).only("pk", "context", "attachments")
    ids = [
        e.pk for e in pending if not (e.context.get("requires_attachments") and not e.attachments)
    ] + list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.SENDING, sending_started_at__lt=now - sending_lease()
        ).values_list("pk", flat=True)
    )
    return task_enqueue_many(email_send, [{"email_id": pk} for pk in ids])
