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
