"""Celery tasks of the invitations: thin, idempotent, taking ids.

One chain per recipient: ``invitation_prepare`` (build or reuse the PDF and ICS, attach them to
the outbox row) then ``ellipse.outbox.tasks.email_send``.
"""

import logging

from celery import chain, shared_task

from ellipse.core.queueing import task_enqueue
from ellipse.editions.models import Edition
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_attach, email_note_error
from ellipse.outbox.tasks import email_send

logger = logging.getLogger(__name__)


def invitation_queue_chain(*, email_id: int) -> bool:
    """Queue the chain now; False (logged) when the broker is down: the row stays pending and
    ``invitations_sweep`` queues it again."""
    return task_enqueue(
        chain(invitation_prepare.si(email_id=email_id), email_send.si(email_id=email_id))
    )


def invitation_documents_attach(*, email_id: int) -> list[str]:
    """Generate (or reuse) the recipient's agenda PDF and calendar, and attach them to the
    e-mail. Raises when they cannot be generated (the reason is noted on the e-mail)."""
    from .documents import agenda_documents_ensure

    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status in (EmailStatus.SENT, EmailStatus.SKIPPED):
        return email.attachments if email else []
    try:
        edition = Edition.objects.get(pk=email.context["edition_id"])
        documents = agenda_documents_ensure(
            edition=edition,
            owner_kind=email.context["owner_kind"],
            owner_id=email.context["owner_id"],
        )
    except Exception as exc:
        email_note_error(
            email_id=email_id, error=f"Agenda non généré — {type(exc).__name__}: {exc}"
        )
        raise
    names = [document.file.name for document in documents]
    email_attach(email_id=email_id, attachments=names)
    return names


@shared_task(bind=True, max_retries=5, acks_late=True)
def invitation_prepare(self, *, email_id: int) -> list[str]:
    """Generate (or reuse) the recipient's agenda PDF and calendar, and attach them."""
    try:
        return invitation_documents_attach(email_id=email_id)
    except Exception as exc:
        if self.request.is_eager:  # the demo: record it, the batch goes on
            logger.warning("Agenda non généré pour l'e-mail %s : %s", email_id, exc)
            return []
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc


@shared_task(acks_late=True)
def invitations_send_job(*, job_id: int, edition_id: int, resend: bool = False) -> str:
    """The staff's "send the invitations" as a background job: record the rows, then build each
    recipient's documents and send, reporting progress and failures on the job page. Rows it
    could not finish (a killed worker) stay pending and ``invitations_sweep`` takes them up."""
    from django.utils.translation import gettext as _

    from ellipse.core.jobs import job_advance, job_begin, job_fail, job_finish, job_set_total
    from ellipse.outbox.services import EmailInFlight, email_deliver

    from .services import InvitationError, invitations_send

    if not job_begin(job_id=job_id):
        return "already started"
    try:
        edition = Edition.objects.get(pk=edition_id)
        result = invitations_send(edition=edition, resend=resend, queue=False)
    except InvitationError as exc:
        job_fail(job_id=job_id, error=str(exc))
        return "refused"
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_set_total(job_id=job_id, total=len(result.email_ids))
    sent = failed = 0
    for email_id in result.email_ids:
        failure = ""
        try:
            invitation_documents_attach(email_id=email_id)
            email = email_deliver(email_id=email_id)
            sent += email.status == EmailStatus.SENT
        except EmailInFlight:
            pass  # another worker is sending this one right now
        except Exception as exc:
            address = OutgoingEmail.objects.filter(pk=email_id).values_list("to", flat=True)
            failure = f"{address.first()} : {type(exc).__name__}: {exc}"[:500]
            failed += 1
        job_advance(job_id=job_id, failure=failure)
    lines = [
        _("%(n)d invitation(s) envoyée(s).") % {"n": sent},
        _("%(n)d déjà envoyée(s) auparavant (non renvoyées).") % {"n": result.already_sent},
    ]
    if failed:
        lines.append(
            _("%(n)d en échec : elles restent dans la file d’envoi, à relancer depuis les "
              "e-mails.") % {"n": failed}
        )  # fmt: skip
    if result.without_address:
        lines.append(
            _("Sans adresse à qui écrire : %(names)s.")
            % {"names": ", ".join(result.without_address)}
        )
    job_finish(job_id=job_id, result={"lines": lines, "sent": sent, "failed": failed})
    return "done"


@shared_task
def invitations_sweep(*, older_than_minutes: int = 10) -> int:
    """Celery beat: queue again the invitation chains whose rows still wait for their agenda
    after ``older_than_minutes`` (a worker lost between queueing and sending). The chain is
    idempotent: documents are reused when unchanged, a sent row is never sent again."""
    from datetime import timedelta

    from django.utils import timezone

    stale = OutgoingEmail.objects.filter(
        status__in=[EmailStatus.PENDING, EmailStatus.FAILED],
        context__requires_attachments=True,
        created_at__lt=timezone.now() - timedelta(minutes=older_than_minutes),
        attempts__lt=5,
    ).values_list("pk", flat=True)
    queued = 0
    for pk in stale:
        if not invitation_queue_chain(email_id=pk):
            break
        queued += 1
    return queued


@shared_task
def reminders_send_due() -> int:
    """Daily (Celery beat): reminders 7 days and 1 day before each published edition."""
    from .services import reminders_due

    return sum(result.created for result in reminders_due())


@shared_task(bind=True, max_retries=3, acks_late=True)
def agenda_documents_refresh(self, *, edition_id: int, owner_kind: str, owner_id: int) -> str:
    """Regenerate one participant's PDF and ICS (no-op if unchanged). Schedule changes now queue
    ``agenda_documents_refresh_many``; this one stays for the messages queued before."""
    from .documents import NothingToShow, agenda_documents_ensure

    edition = Edition.objects.get(pk=edition_id)
    try:
        agenda_documents_ensure(edition=edition, owner_kind=owner_kind, owner_id=owner_id)
    except NothingToShow:
        return "empty"
    return "ok"


@shared_task(bind=True, max_retries=3, acks_late=True)
def agenda_documents_refresh_many(
    self, *, edition_id: int, owner_kind: str, owner_ids: list[int]
) -> int:
    """Regenerate a few participants' PDF and ICS after a schedule change (unchanged ones are
    skipped): one task and one set of context queries for several participants."""
    from .documents import agenda_documents_ensure_many

    edition = Edition.objects.get(pk=edition_id)
    return len(
        agenda_documents_ensure_many(edition=edition, owner_kind=owner_kind, owner_ids=owner_ids)
    )


@shared_task
def schedule_changes_notify_all() -> int:
    """Every few minutes (Celery beat): notify the changes of published editions."""
    from ellipse.editions.enums import EditionStatus
    from meetings.selectors import editions_with_published_schedule

    from .services import schedule_changes_notify

    return sum(
        schedule_changes_notify(edition=edition).created
        for edition in editions_with_published_schedule().exclude(status=EditionStatus.CLOSED)
    )
