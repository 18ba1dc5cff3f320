"""Queue and send e-mails through the outbox. One entry point each; tasks call these."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import EmailStatus
from .models import OutgoingEmail

logger = logging.getLogger(__name__)


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    category: str = "service",
    batch: str = "",
    dedup_key: str | None = None,
    recipient=None,
    attachments: list[str] | None = None,
) -> OutgoingEmail:
    """Record an e-mail and send it once the surrounding transaction commits.

    With a ``dedup_key`` already used, the existing row is returned and nothing is queued again.
    """
    from .tasks import email_send

    if dedup_key:
        existing = OutgoingEmail.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                to=to,
                template=template,
                context=context or {},
                category=category,
                batch=batch,
                dedup_key=dedup_key,
                recipient=recipient,
                attachments=attachments or [],
            )
    except IntegrityError:
        if dedup_key:
            return OutgoingEmail.objects.get(dedup_key=dedup_key)
        raise
    transaction.on_commit(lambda: email_send.delay(email_id=email.pk))
    return email


def email_render(email: OutgoingEmail) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an e-mail, from ``templates/emails/<template>.*``."""
    context = {"site_url": settings.SITE_URL, **email.context}
    subject = render_to_string(f"emails/{email.template}.subject.txt", context).strip()
    text = render_to_string(f"emails/{email.template}.txt", context)
    html = render_to_string(f"emails/{email.template}.html", context)
    return " ".join(subject.split()), text, html


def email_deliver(*, email_id: int) -> OutgoingEmail:
    """Send one recorded e-mail unless it was already sent. Raises on a delivery error (the
    caller retries); the row keeps the attempt count and the last error."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status == EmailStatus.SENT:
            return email
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.save(update_fields=["status", "attempts"])
    try:
        subject, text, html = email_render(email)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"X-Ellipse-Email-Id": str(email.pk)},
        )
        message.attach_alternative(html, "text/html")
        for name in email.attachments:
            with default_storage.open(name, "rb") as handle:
                message.attach(Path(name).name, handle.read())
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), subject=subject[:255], last_error=""
    )
    email.refresh_from_db()
    return email
