"""Queue and send e-mails through the outbox. One entry point each; tasks call these.

Delivery rule (exactly-once as far as a database row can promise it):

1. ``email_deliver`` locks the row. ``sent`` or ``skipped``: nothing to do. ``sending`` with an
   attempt started less than ``OUTBOX_SENDING_LEASE_SECONDS`` ago: another worker may be talking
   to the mail server right now, so ``EmailInFlight`` is raised and the task retries later.
   Otherwise the row becomes ``sending`` with ``sending_started_at = now`` and the transaction
   commits *before* the mail server is contacted.
2. The message carries a ``Message-ID`` derived from the row id (identical on every attempt).
3. The connection is opened by ``email_deliver`` itself, so that as soon as the server replied
   to ``DATA`` (accepted), the row is marked ``sent`` (one UPDATE, autocommit) *before* the
   connection is closed (``QUIT``), whose failure no longer matters.

Remaining window, stated honestly: a worker killed between the server's ``250`` reply to
``DATA`` and the UPDATE (a few milliseconds, nothing else in between) leaves the row in
``sending``; once the lease has expired, the next delivery sends it again (at-least-once), with
the same Message-ID so that receiving servers and staff can recognise the copy.
``tests/integration/test_outbox_killed_worker.py`` kills a real worker at the first moment the
server can observe after acceptance (the client's next command) and counts the duplicates.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ellipse.core.queueing import task_enqueue_many
from ellipse.core.stamps import stamp_bump

from .enums import OPTIONAL_CATEGORIES, EmailCategory, EmailStatus
from .models import EmailOptOut, OutgoingEmail
from .registry import redacted_templates

# Generation stamp (ellipse.core.stamps) moved on by every e-mail sent: "sent on …" notices.
SENT_STAMP = "outbox.sent"

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "ellipse.outbox.unsubscribe"


class EmailInFlight(Exception):
    """Another attempt at this e-mail started less than a lease ago; try again later."""


class EmailNotReady(Exception):
    """The e-mail needs attachments that are not generated yet (``requires_attachments``)."""


def sending_lease() -> timedelta:
    seconds = os.environ.get("OUTBOX_SENDING_LEASE_SECONDS") or getattr(
        settings, "OUTBOX_SENDING_LEASE_SECONDS", 15 * 60
    )
    return timedelta(seconds=int(seconds))


def email_is_opted_out(*, email: str, category: str) -> bool:
    if category not in OPTIONAL_CATEGORIES:
        return False
    return EmailOptOut.objects.filter(email__iexact=email, category=category).exists()


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    category: str = EmailCategory.SERVICE,
    batch: str = "",
    dedup_key: str | None = None,
    recipient=None,
    recipient_id: int | None = None,
    attachments: list[str] | None = None,
    queue: bool = True,
    resend_of: OutgoingEmail | None = None,
) -> OutgoingEmail:
    """Record an e-mail and send it once the surrounding transaction commits.

    With a ``dedup_key`` already used, the existing row is returned and nothing is queued again.
    An address that opted out of an optional category gets a ``skipped`` row (kept, not sent).
    ``queue=False`` records the row only: the caller chains the sending itself (invitations
    build their PDF first).
    """
    if dedup_key:
        existing = OutgoingEmail.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    opted_out = email_is_opted_out(email=to, category=category)
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
                recipient_id=recipient_id if recipient is None else recipient.pk,
                attachments=attachments or [],
                resend_of=resend_of,
                status=EmailStatus.SKIPPED if opted_out else EmailStatus.PENDING,
                last_error=_("Destinataire désinscrit de cette catégorie.") if opted_out else "",
            )
    except IntegrityError:
        if dedup_key:
            return OutgoingEmail.objects.get(dedup_key=dedup_key)
        raise
    if queue and not opted_out:
        email_queue(email_ids=[email.pk])
    return email


def email_queue(*, email_ids: list[int]) -> None:
    """Queue the sending task of recorded e-mails once the transaction commits. A broker that
    is down is logged, never raised: the rows stay ``pending`` and ``outbox_sweep`` queues
    them again later."""
    from .tasks import email_send

    ids = list(email_ids)
    transaction.on_commit(lambda: task_enqueue_many(email_send, [{"email_id": pk} for pk in ids]))


def unsubscribe_token(*, email: str, category: str) -> str:
    return signing.dumps({"e": email.lower(), "c": category}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[str, str]:
    """The (address, category) a token stands for; ``signing.BadSignature`` if forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if data.get("c") not in OPTIONAL_CATEGORIES or not data.get("e"):
        raise signing.BadSignature("catégorie inconnue")
    return data["e"], data["c"]


def unsubscribe_url(*, email: str, category: str) -> str:
    path = reverse("outbox:unsubscribe", args=[unsubscribe_token(email=email, category=category)])
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def email_opt_out(*, email: str, category: str) -> EmailOptOut:
    """Stop optional messages of one category to an address; pending ones are skipped."""
    opt_out, _created = EmailOptOut.objects.get_or_create(email=email.lower(), category=category)
    OutgoingEmail.objects.filter(
        to__iexact=email, category=category, status=EmailStatus.PENDING
    ).update(
        status=EmailStatus.SKIPPED, last_error=_("Destinataire désinscrit de cette catégorie.")
    )
    return opt_out


def email_render(email: OutgoingEmail) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an e-mail, from ``templates/emails/<template>.*``."""
    context = {"site_url": settings.SITE_URL, "unsubscribe_url": "", **email.context}
    if email.category in OPTIONAL_CATEGORIES:
        context["unsubscribe_url"] = unsubscribe_url(email=email.to, category=email.category)
    subject = render_to_string(f"emails/{email.template}.subject.txt", context).strip()
    text = render_to_string(f"emails/{email.template}.txt", context)
    html = render_to_string(f"emails/{email.template}.html", context)
    return " ".join(subject.split()), text, html


def _claim(email_id: int) -> OutgoingEmail | None:
    """Lock the row and mark it ``sending``; None when there is nothing to send."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status in (EmailStatus.SENT, EmailStatus.SKIPPED):
            return None
        if email.context.get("requires_attachments") and not email.attachments:
            raise EmailNotReady(f"e-mail {email_id} : pièces jointes pas encore générées")
        now = timezone.now()
        if (
            email.status == EmailStatus.SENDING
            and email.sending_started_at
            and now - email.sending_started_at < sending_lease()
        ):
            raise EmailInFlight(
                f"e-mail {email_id} en cours d'envoi depuis {email.sending_started_at}"
            )
        email.status = EmailStatus.SENDING
        email.sending_started_at = now
        email.attempts += 1
        email.save(update_fields=["status", "sending_started_at", "attempts"])
    return email


def email_deliver(*, email_id: int) -> OutgoingEmail:
    """Send one recorded e-mail unless it was already sent. Raises on a delivery error (the
    caller retries); the row keeps the attempt count and the last error.

    The connection is opened here so that the row is marked ``sent`` as soon as the server
    accepted the message, before the connection is closed (QUIT)."""
    email = _claim(email_id)
    if email is None:
        return OutgoingEmail.objects.get(pk=email_id)
    connection = get_connection()
    try:
        subject, text, html = email_render(email)
        message = _message(email, subject=subject, text=text, html=html, connection=connection)
        connection.open()
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        _close_quietly(connection)
        raise
    changes = {
        "status": EmailStatus.SENT,
        "sent_at": timezone.now(),
        "subject": subject[:255],
        "last_error": "",
    }
    if email.template in redacted_templates():
        changes["context"] = {"redacted": True, "subject": subject[:255]}
    OutgoingEmail.objects.filter(pk=email.pk).update(**changes)
    _close_quietly(connection)
    stamp_bump(SENT_STAMP)
    email.refresh_from_db()
    return email


def _message(email: OutgoingEmail, *, subject: str, text: str, html: str, connection):
    headers = {"X-Ellipse-Email-Id": str(email.pk), "Message-ID": email.message_id}
    if email.category in OPTIONAL_CATEGORIES:
        link = unsubscribe_url(email=email.to, category=email.category)
        headers["List-Unsubscribe"] = f"<{link}>"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for name in email.attachments:
        with default_storage.open(name, "rb") as handle:
            message.attach(Path(name).name, handle.read(), _mimetype(name))
    return message


def _close_quietly(connection) -> None:
    """Close the mail connection; the message is already accepted (or failed): a QUIT that
    goes wrong changes nothing."""
    try:
        connection.close()
    except Exception as exc:
        logger.warning("Fermeture de la connexion SMTP : %s", exc)


def _mimetype(name: str) -> str:
    if name.endswith(".pdf"):
        return "application/pdf"
    if name.endswith(".ics"):
        return "text/calendar"
    return "application/octet-stream"


@transaction.atomic
def email_retry(*, email_ids: list[int]) -> int:
    """Put failed e-mails back in the queue (same rows, same dedup keys)."""
    ids = email_requeue(email_ids=email_ids, statuses=(EmailStatus.FAILED,), queue=False)
    email_queue(email_ids=ids)
    return len(ids)


@transaction.atomic
def email_requeue(
    *,
    email_ids: list[int],
    statuses: tuple[str, ...] = (EmailStatus.FAILED,),
    queue: bool = True,
) -> list[int]:
    """Make the e-mails among ``email_ids`` whose status is in ``statuses`` pending again and,
    with ``queue``, queue their sending on commit. Returns their ids."""
    ids = list(
        OutgoingEmail.objects.filter(pk__in=email_ids, status__in=statuses).values_list(
            "pk", flat=True
        )
    )
    OutgoingEmail.objects.filter(pk__in=ids).update(status=EmailStatus.PENDING)
    if queue:
        email_queue(email_ids=ids)
    return ids


def email_attach(*, email_id: int, attachments: list[str]) -> int:
    """Set the files (storage names) an e-mail not yet sent will attach. Returns 1 or 0."""
    return (
        OutgoingEmail.objects.filter(pk=email_id)
        .exclude(status=EmailStatus.SENT)
        .update(attachments=list(attachments))
    )


def email_note_error(*, email_id: int, error: str) -> int:
    """Record why an e-mail not yet sent is held back (shown to staff); its status stays."""
    return (
        OutgoingEmail.objects.filter(pk=email_id)
        .exclude(status=EmailStatus.SENT)
        .update(last_error=error[:2000])
    )


@transaction.atomic
def email_supersede(*, previous: OutgoingEmail, **enqueue: object) -> OutgoingEmail:
    """A deliberate new version of ``previous``: a new row linked to it, which takes over its
    dedup key (the previous row keeps a suffixed key). Arguments as for ``email_enqueue``."""
    key = previous.dedup_key
    if key:
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        OutgoingEmail.objects.filter(pk=previous.pk).update(
            dedup_key=f"{key}-{previous.pk}-{stamp}"
        )
    enqueue.pop("dedup_key", None)
    email = email_enqueue(**enqueue, dedup_key=key, resend_of=previous)
    return email


@transaction.atomic
def email_resend(*, email_ids: list[int]) -> list[OutgoingEmail]:
    """Deliberately send again: a new row per e-mail (linked to the original), queued."""
    copies = []
    for original in OutgoingEmail.objects.filter(pk__in=email_ids).exclude(
        template__in=redacted_templates()
    ):
        copies.append(
            email_enqueue(
                to=original.to,
                template=original.template,
                context=original.context,
                category=original.category,
                batch=original.batch,
                recipient=original.recipient,
                attachments=original.attachments,
                resend_of=original,
            )
        )
    return copies


def batch_counters(*, batches: list[str] | None = None) -> list[dict]:
    """Per batch: how many e-mails are pending, sending, sent, failed, skipped (one query)."""
    qs = OutgoingEmail.objects.exclude(batch="")
    if batches is not None:
        qs = qs.filter(batch__in=batches)
    rows = (
        qs.values("batch")
        .annotate(
            total=Count("pk"),
            **{status.value: Count("pk", filter=Q(status=status.value)) for status in EmailStatus},
            first_at=Min("created_at"),
            last_sent_at=Max("sent_at"),
        )
        .order_by("-first_at")
    )
    return [
        {
            **row,
            "first_at": row["first_at"].isoformat() if row["first_at"] else None,
            "last_sent_at": row["last_sent_at"].isoformat() if row["last_sent_at"] else None,
            "done": row["pending"] + row["sending"] == 0,
        }
        for row in rows
    ]
