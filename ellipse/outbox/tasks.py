"""Celery tasks of the outbox: thin wrappers around the services, idempotent, retried."""

from celery import shared_task

from .services import email_deliver


@shared_task(bind=True, max_retries=5, retry_backoff=True, acks_late=True)
def email_send(self, *, email_id: int) -> str:
    """Deliver one recorded e-mail (a sent one is never sent again)."""
    try:
        return email_deliver(email_id=email_id).status
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
