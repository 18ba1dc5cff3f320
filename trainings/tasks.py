"""Celery tasks of the trainings app: thin wrappers around the services (beat calls them)."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def offers_expire_task() -> int:
    """Offers past their deadline lapse; the seat goes to the next person waiting."""
    return services.offers_expire()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def reminders_send_task() -> int:
    """D-7 and D-1 reminders (once each: dedup keys)."""
    return services.reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def session_fill_task(*, session_id: int) -> int:
    return len(services.session_fill(session_id=session_id))


@shared_task(bind=True, max_retries=5, acks_late=True)
def certificate_attach_task(self, *, email_id: int) -> list[str]:
    """Build the certificate PDF of a recorded e-mail, attach it, then queue the sending."""
    try:
        return services.certificate_attach(email_id=email_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def certificates_sweep_task() -> int:
    return services.certificates_sweep()
