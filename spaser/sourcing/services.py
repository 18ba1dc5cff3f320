"""Writes of sourcing: meeting outcomes asked for, answered, and reminded."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buyers.models import BuyerOrganisation
from companies.models import Company
from ellipse.editions.models import Edition
from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.services import email_enqueue

from .enums import Absence, FollowUp, OutcomeStatus, Side
from .models import MeetingOutcome, OutcomeRequest
from .outcome_links import OutcomeLink, outcome_url
from .outcome_selectors import edition_meetings, outcome_deadline, party_meetings


@dataclass(frozen=True)
class OutcomeAnswer:
    """One side's answer for one meeting, as typed."""

    meeting_id: int
    status: str
    absence: str = ""
    follow_ups: tuple[str, ...] = ()
    comment: str = ""


def _answer_check(answer: OutcomeAnswer) -> None:
    if answer.status not in OutcomeStatus.values:
        raise ValidationError(_("Choisissez ce qu'il est advenu du rendez-vous."))
    if answer.absence and (
        answer.status != OutcomeStatus.NOT_HELD or answer.absence not in Absence.values
    ):
        raise ValidationError(
            _("L'absence ne se précise que pour un rendez-vous qui n'a pas eu lieu.")
        )
    if answer.follow_ups and (
        answer.status != OutcomeStatus.FOLLOW_UP
        or not set(answer.follow_ups) <= set(FollowUp.values)
    ):
        raise ValidationError(_("Les suites ne se précisent que si une suite est prévue."))


@transaction.atomic
def outcome_answers_save(
    *,
    link: OutcomeLink,
    answers: list[OutcomeAnswer],
    email: str = "",
    today: dt.date | None = None,
) -> int:
    """Record (or change) one side's answers; all of them or none. Returns how many were saved."""
    edition = Edition.objects.get(pk=link.edition_id)
    today = today or timezone.localdate()
    if today > outcome_deadline(edition):
        raise ValidationError(_("Le délai pour répondre ou modifier vos réponses est dépassé."))
    own = set(party_meetings(link=link).values_list("pk", flat=True))
    for answer in answers:
        if answer.meeting_id not in own:
            raise ValidationError(_("Ce rendez-vous ne fait pas partie des vôtres."))
        _answer_check(answer)
    for answer in answers:
        MeetingOutcome.objects.update_or_create(
            meeting_id=answer.meeting_id,
            side=link.side,
            defaults={
                "status": answer.status,
                "absence": answer.absence,
                "follow_ups": sorted(set(answer.follow_ups)),
                "comment": answer.comment.strip(),
                "answered_by": email,
            },
        )
    return len(answers)


def _recipients(edition: Edition) -> list[tuple[str, Company | BuyerOrganisation, list[str]]]:
    """(side, party, e-mail addresses) of every party with a published meeting of the edition."""
    meetings = edition_meetings(edition=edition)
    companies = Company.objects.filter(pk__in=meetings.values("company_id")).prefetch_related(
        "memberships__user"
    )
    buyers = BuyerOrganisation.objects.filter(pk__in=meetings.values("buyer_id")).prefetch_related(
        "memberships__user"
    )
    out = []
    for company in companies:
        emails = [company.contact_email, *(m.user.email for m in company.memberships.all())]
        out.append((Side.COMPANY, company, emails))
    for buyer in buyers:
        out.append((Side.BUYER, buyer, [m.user.email for m in buyer.memberships.all()]))
    return out


def _context(*, edition: Edition, side: str, party, reminder: bool = False) -> dict:
    return {
        "party_name": str(party),
        "edition_title": edition.title,
        "date_label": date_format(edition.date, "j F Y"),
        "deadline_label": date_format(outcome_deadline(edition), "j F Y"),
        "url": outcome_url(edition_id=edition.pk, side=side, party_id=party.pk),
        "reminder": reminder,
    }


def outcome_requests_check(*, edition: Edition, now: dt.datetime | None = None) -> None:
    """Raise (French message) unless the requests can go: after the convention, in the window."""
    today = timezone.localdate(now or timezone.now())
    if today < edition.date:
        raise ValidationError(_("Les suites se demandent après la convention, pas avant."))
    if today > outcome_deadline(edition):
        raise ValidationError(_("Le délai de réponse de cette édition est dépassé."))


@transaction.atomic
def outcome_requests_send(*, edition: Edition, now: dt.datetime | None = None) -> int:
    """After the convention, e-mail every contact of both sides its signed link (once each)."""
    now = now or timezone.now()
    outcome_requests_check(edition=edition, now=now)
    sent = 0
    for side, party, emails in _recipients(edition):
        for email in dict.fromkeys(e.lower() for e in emails if e):
            party_field = {"company": party} if side == Side.COMPANY else {"buyer": party}
            _request, created = OutcomeRequest.objects.get_or_create(
                edition=edition, side=side, email=email, **party_field, defaults={"sent_at": now}
            )
            if not created:
                continue
            email_enqueue(
                to=email,
                template="sourcing/outcome_request",
                context=_context(edition=edition, side=side, party=party),
                category=EmailCategory.SERVICE,
                batch=f"sourcing-outcomes-{edition.pk}",
                dedup_key=f"sourcing:outcome:{edition.pk}:{side}:{party.pk}:{email}",
            )
            sent += 1
    return sent


@transaction.atomic
def outcome_reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """A week after the request, remind the contacts whose side has meetings still unanswered."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.SOURCING_OUTCOME_REMINDER_DAYS)
    due = OutcomeRequest.objects.filter(reminded_at__isnull=True, sent_at__lte=since)
    sent = 0
    for request in due.select_related("edition", "company", "buyer").select_for_update(
        of=("self",)
    ):
        edition = request.edition
        if timezone.localdate(now) > outcome_deadline(edition):
            continue
        party = request.company if request.side == Side.COMPANY else request.buyer
        link = OutcomeLink(edition_id=edition.pk, side=request.side, party_id=party.pk)
        unanswered = party_meetings(link=link).exclude(outcomes__side=request.side).exists()
        request.reminded_at = now
        request.save(update_fields=["reminded_at"])
        if not unanswered:
            continue
        email_enqueue(
            to=request.email,
            template="sourcing/outcome_request",
            context=_context(edition=edition, side=request.side, party=party, reminder=True),
            category=EmailCategory.SERVICE,
            batch=f"sourcing-outcomes-{edition.pk}-reminder",
            dedup_key=f"sourcing:outcome-reminder:{request.pk}",
        )
        sent += 1
    return sent


@transaction.atomic
def directory_consent_set(*, company: Company, consent: bool) -> Company:
    """A company says whether it appears in the buyers' directory (any time; dated)."""
    company.directory_consent = bool(consent)
    company.directory_consent_at = timezone.now()
    company.save(update_fields=["directory_consent", "directory_consent_at", "updated_at"])
    return company
