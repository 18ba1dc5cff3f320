"""Invitations: who receives them, the batch, the reminders and the schedule-change notices.

Recipients (decided in ``selectors.invitation_recipients``, once):
- each company with a *retained* registration and at least one published meeting of the
  edition: one e-mail to ``Company.contact_email`` (the address the company gave for the
  convention; its platform users see the same documents in their space);
- each buyer organisation with at least one published meeting: one e-mail to each member
  (``BuyerMembership``); an organisation without a member is reported, not silently skipped.

Each e-mail is one row per recipient with a dedup key; sending again only queues the rows not
sent yet, unless ``resend=True`` (new rows, linked to the previous ones).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ellipse.core.queueing import task_enqueue_many
from ellipse.outbox.enums import EmailCategory, EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_enqueue, email_requeue, email_supersede

from . import agendas
from .selectors import Recipient, invitation_batch, invitation_recipients

INVITATION_TEMPLATE = "invitations/invitation"
REMINDER_TEMPLATE = "invitations/reminder"
CHANGE_TEMPLATE = "invitations/schedule_change"
REMINDER_DAYS = (7, 1)


class InvitationError(Exception):
    """A French message for staff: why the batch cannot be sent."""


@dataclass
class BatchResult:
    batch: str
    created: int = 0
    queued: int = 0
    already_sent: int = 0
    skipped: int = 0
    without_address: list[str] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)


def _mail_context(*, edition, recipient: Recipient, agenda: dict) -> dict:
    return {
        "edition_id": edition.pk,
        "edition_title": edition.title,
        "date_label": agenda["edition"]["date_label"],
        "venue": edition.venue,
        "venue_address": edition.venue_address,
        "owner_kind": recipient.kind,
        "owner_id": recipient.owner_id,
        "owner_name": recipient.owner_name,
        "meetings": [
            {"start": m["start"], "end": m["end"], "with": m["with"], "table": m["table"]}
            for m in agenda["meetings"]
        ],
        "space_path": reverse("invitations:agenda_pdf", args=[edition.year]),
        "requires_attachments": True,
    }


def invitations_plan(*, edition, resend: bool = False) -> BatchResult:
    """What ``invitations_send`` would do, without writing: ``queued`` e-mails would leave."""
    recipients, missing = invitation_recipients(edition=edition)
    result = BatchResult(batch=invitation_batch(edition), without_address=missing)
    keys = [f"invitation-{edition.year}-{r.key}" for r in recipients]
    statuses = dict(
        OutgoingEmail.objects.filter(dedup_key__in=keys).values_list("dedup_key", "status")
    )
    for key in keys:
        status = statuses.get(key)
        if status is None or resend:
            result.created += 1
        elif status == EmailStatus.SENT:
            result.already_sent += 1
        elif status == EmailStatus.SKIPPED:
            result.skipped += 1
    result.queued = len(keys) - result.already_sent - result.skipped if not resend else len(keys)
    return result


def invitations_send(
    *, edition, resend: bool = False, recipient_keys=None, queue: bool = True
) -> BatchResult:
    """Record the invitation of every recipient and queue, on commit, one chain each (build the
    PDF and ICS, then send). Rows already sent are left alone unless ``resend``. With
    ``queue=False`` nothing is queued: the caller (the batch job) sends ``result.email_ids``."""
    from meetings.services import schedule_is_published

    if not schedule_is_published(edition):
        raise InvitationError(
            _("Le planning de l’édition %(edition)s n’est pas publié : publiez-le avant "
              "d’envoyer les invitations.") % {"edition": edition.year}
        )  # fmt: skip
    recipients, missing = invitation_recipients(edition=edition)
    if recipient_keys is not None:
        recipients = [r for r in recipients if r.key in set(recipient_keys)]
    company_agendas = agendas.company_agendas(edition=edition)
    buyer_agendas = agendas.buyer_agendas(edition=edition)
    batch = invitation_batch(edition)
    result = BatchResult(batch=batch, without_address=missing)
    to_queue: list[int] = []
    with transaction.atomic():
        keys = [f"invitation-{edition.year}-{r.key}" for r in recipients]
        existing = {e.dedup_key: e for e in OutgoingEmail.objects.filter(dedup_key__in=keys)}
        for recipient, key in zip(recipients, keys, strict=True):
            agenda = (company_agendas if recipient.kind == "company" else buyer_agendas)[
                recipient.owner_id
            ]
            previous = existing.get(key)
            if previous is not None and not resend:
                if previous.status == EmailStatus.SENT:
                    result.already_sent += 1
                    continue
                if previous.status == EmailStatus.SKIPPED:
                    result.skipped += 1
                    continue
                email_requeue(email_ids=[previous.pk], queue=False)
                to_queue.append(previous.pk)
                continue
            fields = {
                "to": recipient.email,
                "template": INVITATION_TEMPLATE,
                "context": _mail_context(edition=edition, recipient=recipient, agenda=agenda),
                "category": EmailCategory.INVITATION,
                "batch": batch,
                "recipient_id": recipient.user_id,
                "queue": False,
            }
            if previous is not None:  # a deliberate resend: the new row takes over the key
                email = email_supersede(previous=previous, **fields)
            else:
                email = email_enqueue(**fields, dedup_key=key)
            result.created += 1
            to_queue.append(email.pk)
        result.queued = len(to_queue)
        result.email_ids = list(to_queue)
        if queue:
            transaction.on_commit(lambda: _queue_chains(to_queue))
    return result


def _queue_chains(email_ids: list[int]) -> None:
    from .tasks import invitation_queue_chain

    for pk in email_ids:
        if not invitation_queue_chain(email_id=pk):
            break  # the broker is down (logged): the sweep queues the rest later


def reminders_send(*, edition, days_before: int) -> BatchResult:
    """Reminder D-7 or D-1 to every recipient (optional category: opt-outs are honoured)."""
    recipients, missing = invitation_recipients(edition=edition)
    company_agendas = agendas.company_agendas(edition=edition)
    buyer_agendas = agendas.buyer_agendas(edition=edition)
    batch = f"rappels-{edition.year}-j{days_before}"
    result = BatchResult(batch=batch, without_address=missing)
    with transaction.atomic():
        for recipient in recipients:
            agenda = (company_agendas if recipient.kind == "company" else buyer_agendas)[
                recipient.owner_id
            ]
            context = _mail_context(edition=edition, recipient=recipient, agenda=agenda)
            context.update(days_before=days_before, requires_attachments=False)
            email = email_enqueue(
                to=recipient.email,
                template=REMINDER_TEMPLATE,
                context=context,
                category=EmailCategory.REMINDER,
                batch=batch,
                dedup_key=f"reminder-{edition.year}-j{days_before}-{recipient.key}",
                recipient_id=recipient.user_id,
            )
            if email.status == EmailStatus.SKIPPED:
                result.skipped += 1
            else:
                result.created += 1
    return result


def reminders_due(*, today=None) -> list[BatchResult]:
    """Editions whose convention is 7 or 1 day(s) away: send their reminders (idempotent)."""
    from meetings.selectors import editions_with_published_schedule

    today = today or timezone.localdate()
    results = []
    for days in REMINDER_DAYS:
        for edition in editions_with_published_schedule().filter(
            date=today + timezone.timedelta(days=days)
        ):
            results.append(reminders_send(edition=edition, days_before=days))
    return results


def schedule_changes_notify(*, edition) -> BatchResult:
    """Notify the changes made after publication (``meetings.MeetingChange`` rows not notified
    yet): one e-mail per company / buyer member listing every change concerning them, then the
    rows get ``notified_at``. Parties whose invitation has not been sent yet get nothing (their
    invitation will carry the current schedule); their rows are marked notified too. Their
    documents are regenerated on commit. Run by Celery beat and from the admin page."""
    from meetings.models import MeetingChange
    from meetings.stamps import log_bump

    batch = f"changements-{edition.year}"
    result = BatchResult(batch=batch)
    with transaction.atomic():
        changes = list(
            MeetingChange.objects.select_for_update()
            .filter(edition=edition, notified_at__isnull=True, needs_notification=True)
            .order_by("created_at", "pk")
        )
        if not changes:
            return result
        invited = {
            (e["context__owner_kind"], e["context__owner_id"])
            for e in OutgoingEmail.objects.filter(
                batch=invitation_batch(edition), status=EmailStatus.SENT
            ).values("context__owner_kind", "context__owner_id")
        }
        by_party: dict[tuple[str, int], list] = {}
        for change in changes:
            for party in (("company", change.company_id), ("buyer", change.buyer_id)):
                by_party.setdefault(party, []).append(change)
        recipients, _missing = invitation_recipients(edition=edition)
        addresses: dict[tuple[str, int], list[Recipient]] = {}
        for recipient in recipients:
            addresses.setdefault((recipient.kind, recipient.owner_id), []).append(recipient)
        company_ids = [pk for kind, pk in by_party if kind == "company"]
        buyer_ids = [pk for kind, pk in by_party if kind == "buyer"]
        company_agendas_ = agendas.company_agendas(edition=edition, company_ids=company_ids)
        buyer_agendas_ = agendas.buyer_agendas(edition=edition, buyer_ids=buyer_ids)
        for party, party_changes in by_party.items():
            if party not in invited:
                continue
            kind, owner_id = party
            agenda = (company_agendas_ if kind == "company" else buyer_agendas_).get(owner_id)
            if agenda is None:  # every meeting cancelled: an empty agenda still informs
                agenda = {"edition": agendas.edition_info(edition), "meetings": []}
            last = max(c.pk for c in party_changes)
            for recipient in addresses.get(party, []):
                context = _mail_context(edition=edition, recipient=recipient, agenda=agenda)
                context.update(
                    changes=[c.description for c in party_changes], requires_attachments=False
                )
                email_enqueue(
                    to=recipient.email,
                    template=CHANGE_TEMPLATE,
                    context=context,
                    category=EmailCategory.SCHEDULE,
                    batch=batch,
                    dedup_key=f"change-{edition.year}-{recipient.key}-{last}",
                    recipient_id=recipient.user_id,
                )
                result.created += 1
        MeetingChange.objects.filter(pk__in=[c.pk for c in changes]).update(
            notified_at=timezone.now()
        )
        log_bump(edition_id=edition.pk)  # the planning page's change log: « à notifier »
        parties = list(by_party)
        transaction.on_commit(lambda: _refresh_documents(edition.pk, parties))
    return result


def _refresh_documents(edition_id: int, parties: list[tuple[str, int]]) -> None:
    """Regenerate the documents (a broker outage is logged; downloads regenerate them anyway),
    ``REFRESH_CHUNK`` participants of a kind per task."""
    from .tasks import agenda_documents_refresh_many

    task_enqueue_many(agenda_documents_refresh_many, refresh_chunks(edition_id, parties))


# Participants per refresh task: fewer tasks and context queries, still enough tasks for every
# worker process of a batch (172 participants: 22 tasks).
REFRESH_CHUNK = 8


def refresh_chunks(edition_id: int, parties: list[tuple[str, int]]) -> list[dict]:
    """The keyword arguments of the refresh tasks for these (kind, owner id) parties."""
    by_kind: dict[str, list[int]] = {}
    for kind, owner_id in parties:
        by_kind.setdefault(kind, []).append(owner_id)
    return [
        {"edition_id": edition_id, "owner_kind": kind, "owner_ids": ids[i : i + REFRESH_CHUNK]}
        for kind, ids in by_kind.items()
        for i in range(0, len(ids), REFRESH_CHUNK)
    ]
