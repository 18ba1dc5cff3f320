"""Writes of the trainings app: registration, cancellation, the waiting list, invitations,
reminders, attendance. One keyword-only entry point each, in a transaction; views, admin actions
and Celery tasks call these.

Capacity: every write that may take a seat first locks the session row (``SELECT … FOR UPDATE``),
then gives the lowest free seat number; the unique (session, seat number) constraint makes a
double booking impossible even if a caller forgot the lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_enqueue

from .enums import ACTIVE, SEATED, Attendance, ParticipantStatus
from .models import Participant, Session, SessionInvitation, SurveyAnswer

OFFER_SALT = "trainings.offer"
SURVEY_SALT = "trainings.survey"
CERTIFICATE_SALT = "trainings.certificate"
OFFER_DELAY = dt.timedelta(hours=48)
OFFER_DELAY_MIN = dt.timedelta(hours=2)
REMINDER_DAYS = (7, 1)


@dataclass(frozen=True)
class Person:
    name: str
    email: str


# --- signed links -------------------------------------------------------------------------


def participant_token(*, participant_id: int, salt: str) -> str:
    return signing.dumps(participant_id, salt=salt)


def participant_from_token(*, token: str, salt: str) -> Participant | None:
    try:
        pk = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return Participant.objects.select_related("session", "company").filter(pk=pk).first()


# --- helpers ------------------------------------------------------------------------------


def _when(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return _("le %(day)s de %(start)s à %(end)s") % {
        "day": date_format(start, "l j F Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def session_context(session: Session) -> dict:
    """What every trainings e-mail says about the session (JSON-serialisable)."""
    return {
        "session_id": session.pk,
        "session_title": session.title,
        "topic": session.topic.name,
        "when": _when(session),
        "place": session.place,
        "video_url": session.video_url,
        "session_path": reverse("trainings:detail", args=[session.pk]),
    }


def _send(
    participant: Participant,
    template: str,
    key: str,
    category: str = EmailCategory.SERVICE,
    **extra,
) -> None:
    email_enqueue(
        to=participant.email,
        template=f"trainings/{template}",
        context={
            **session_context(participant.session),
            "name": participant.name,
            "status": participant.status,
            **extra,
        },
        category=category,
        batch=f"trainings-session-{participant.session_id}",
        dedup_key=f"trainings:{template}:{participant.pk}:{key}",
    )


def _free_seat(session: Session) -> int | None:
    """The lowest free seat number, or None when the session is full (session row locked)."""
    taken = set(
        Participant.objects.filter(session=session, seat_number__isnull=False).values_list(
            "seat_number", flat=True
        )
    )
    for number in range(1, session.capacity + 1):
        if number not in taken:
            return number
    return None


def offer_delay(*, starts_at: dt.datetime, now: dt.datetime) -> dt.timedelta:
    """48 h to confirm; close to the date, half the time left (at least 2 h)."""
    left = starts_at - now
    return max(min(OFFER_DELAY, left / 2), min(OFFER_DELAY_MIN, left))


def _lock(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("topic").get(pk=session_id)


# --- registration -------------------------------------------------------------------------


@transaction.atomic
def session_register(
    *,
    session_id: int,
    people: list[Person],
    kind: str,
    company_id: int | None = None,
    buyer_organisation_id: int | None = None,
    user=None,
    now: dt.datetime | None = None,
) -> list[Participant]:
    """Register people of one organisation: a seat each while there are some, then the waiting
    list. Refuses (``ValidationError``, nothing written) after the deadline, beyond the
    per-organisation limit, for an audience the session is not open to, or an address already
    registered."""
    now = now or timezone.now()
    session = _lock(session_id)
    if not session.registration_open(now):
        raise ValidationError(_("Les inscriptions à cette session sont closes."))
    if not session.open_to(kind):
        raise ValidationError(_("Cette session n'est pas ouverte à votre public."))
    people = [Person(p.name.strip(), p.email.strip().lower()) for p in people if p.email.strip()]
    if not people:
        raise ValidationError(_("Indiquez au moins une personne (nom et e-mail)."))
    for person in people:
        if not person.name:
            raise ValidationError(_("Indiquez le nom de chaque personne."))
        try:
            validate_email(person.email)
        except ValidationError:
            raise ValidationError(
                _("Adresse e-mail invalide : %(email)s") % {"email": person.email}
            ) from None
    emails = [p.email for p in people]
    if len(set(emails)) != len(emails):
        raise ValidationError(_("La même adresse e-mail est indiquée deux fois."))
    active = Participant.objects.filter(session=session, status__in=ACTIVE)
    already = active.filter(email__in=emails).values_list("email", flat=True).first()
    if already:
        raise ValidationError(
            _("%(email)s est déjà inscrit·e à cette session.") % {"email": already}
        )
    if company_id:
        organisation = Q(company_id=company_id)
    elif buyer_organisation_id:
        organisation = Q(buyer_organisation_id=buyer_organisation_id)
    else:  # a person in their own name (an elected official): limited like an organisation
        organisation = Q(registered_by=user, company=None, buyer_organisation=None)
    if company_id or buyer_organisation_id or user is not None:
        count = active.filter(organisation).count()
        if count + len(people) > session.people_per_company:
            raise ValidationError(
                _(
                    "Au plus %(limit)s personne(s) par organisation pour cette session "
                    "(%(count)s déjà inscrite(s))."
                )
                % {"limit": session.people_per_company, "count": count}
            )
    created = []
    for person in people:
        seat = _free_seat(session)
        participant = Participant.objects.create(
            session=session,
            kind=kind,
            company_id=company_id,
            buyer_organisation_id=buyer_organisation_id,
            registered_by=user,
            name=person.name,
            email=person.email,
            status=ParticipantStatus.CONFIRMED if seat else ParticipantStatus.WAITING,
            seat_number=seat,
            waiting_since=None if seat else now,
        )
        _send(participant, "registered", participant.status)
        created.append(participant)
    return created


@transaction.atomic
def participant_cancel(*, participant_id: int, now: dt.datetime | None = None) -> Participant:
    """Cancel a registration (or leave the waiting list) up to the start; a freed seat is
    offered to the next person waiting."""
    now = now or timezone.now()
    participant = Participant.objects.select_related("session").get(pk=participant_id)
    session = _lock(participant.session_id)
    participant.refresh_from_db()
    if participant.status not in ACTIVE:
        return participant
    if now >= session.starts_at:
        raise ValidationError(_("La session a commencé : l'inscription ne peut plus être annulée."))
    freed = participant.status in SEATED
    participant.status = ParticipantStatus.CANCELLED
    participant.seat_number = None
    participant.offer_expires_at = None
    participant.save(update_fields=["status", "seat_number", "offer_expires_at", "updated_at"])
    if freed:
        session_fill(session_id=session.pk, now=now)
    return participant


@transaction.atomic
def session_fill(*, session_id: int, now: dt.datetime | None = None) -> list[Participant]:
    """Offer each free seat to the next person waiting (by arrival), with a deadline to confirm.

    Idempotent: with no free seat or nobody waiting, nothing happens. Also called after a
    capacity increase ("promote")."""
    now = now or timezone.now()
    session = _lock(session_id)
    if now >= session.starts_at:
        return []
    offered = []
    waiting = Participant.objects.filter(
        session=session, status=ParticipantStatus.WAITING
    ).order_by("waiting_since", "pk")
    for participant in waiting:
        seat = _free_seat(session)
        if seat is None:
            break
        participant.status = ParticipantStatus.OFFERED
        participant.seat_number = seat
        participant.offer_expires_at = now + offer_delay(starts_at=session.starts_at, now=now)
        participant.save(update_fields=["status", "seat_number", "offer_expires_at", "updated_at"])
        token = participant_token(participant_id=participant.pk, salt=OFFER_SALT)
        deadline = timezone.localtime(participant.offer_expires_at)
        _send(
            participant,
            "offer",
            participant.offer_expires_at.isoformat(),
            deadline=date_format(deadline, "l j F Y à H:i"),
            confirm_path=reverse("trainings:offer", args=[token]),
        )
        offered.append(participant)
    return offered


@transaction.atomic
def offer_confirm(*, participant_id: int, now: dt.datetime | None = None) -> Participant:
    """The person offered a seat takes it (before the deadline)."""
    now = now or timezone.now()
    participant = Participant.objects.select_related("session").get(pk=participant_id)
    _lock(participant.session_id)
    participant.refresh_from_db()
    if participant.status == ParticipantStatus.CONFIRMED:
        return participant
    if participant.status != ParticipantStatus.OFFERED or participant.offer_expires_at <= now:
        raise ValidationError(
            _("Cette proposition a expiré : la place a été proposée à la personne suivante.")
        )
    participant.status = ParticipantStatus.CONFIRMED
    participant.offer_expires_at = None
    participant.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _send(participant, "registered", "confirmed")
    return participant


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Offers past their deadline lapse and the seat goes to the next person (Celery beat).

    Idempotent: an offer already expired is not touched again. Returns the number expired."""
    now = now or timezone.now()
    session_ids = set(
        Participant.objects.filter(
            status=ParticipantStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("session_id", flat=True)
    )
    expired = 0
    for session_id in session_ids:
        with transaction.atomic():
            _lock(session_id)
            lapsed = list(
                Participant.objects.select_for_update().filter(
                    session_id=session_id,
                    status=ParticipantStatus.OFFERED,
                    offer_expires_at__lte=now,
                )
            )
            for participant in lapsed:
                participant.status = ParticipantStatus.EXPIRED
                participant.seat_number = None
                participant.save(update_fields=["status", "seat_number", "updated_at"])
                _send(participant, "offer_expired", "expired")
            expired += len(lapsed)
            session_fill(session_id=session_id, now=now)
    return expired


# --- staff operations ---------------------------------------------------------------------


@transaction.atomic
def session_copy(*, session_id: int, starts_at: dt.datetime) -> Session:
    """A new session like this one at another date (same length, deadline shifted alike)."""
    session = Session.objects.get(pk=session_id)
    shift = starts_at - session.starts_at
    session.pk = None
    session._state.adding = True
    session.starts_at = starts_at
    session.ends_at = session.ends_at + shift
    if session.registration_deadline:
        session.registration_deadline = session.registration_deadline + shift
    session.save()
    return session


def invitations_count(*, session: Session, company_ids: list[int] | None = None) -> int:
    """How many e-mails ``session_invite`` would send (shown to staff before sending)."""
    from .selectors import invitation_recipients

    return len(invitation_recipients(session=session, company_ids=company_ids))


@transaction.atomic
def session_invite(*, session_id: int, company_ids: list[int] | None = None) -> int:
    """Invite companies to a session; an address is never invited twice to the same session.
    Returns the number of e-mails queued."""
    from .selectors import invitation_recipients

    session = _lock(session_id)
    sent = 0
    for company_id, email, name in invitation_recipients(session=session, company_ids=company_ids):
        SessionInvitation.objects.create(session=session, company_id=company_id, email=email)
        email_enqueue(
            to=email,
            template="trainings/invitation",
            context={**session_context(session), "name": name},
            category=EmailCategory.NEWS,
            batch=f"trainings-invitations-{session.pk}",
            dedup_key=f"trainings:invitation:{session.pk}:{email}",
        )
        sent += 1
    return sent


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """D-7 and D-1 reminders with the place or link, once each (dedup keys). Returns how many."""
    now = now or timezone.now()
    count = 0
    for days in REMINDER_DAYS:
        window_end = now + dt.timedelta(days=days)
        participants = Participant.objects.filter(
            status=ParticipantStatus.CONFIRMED,
            session__starts_at__gt=now,
            session__starts_at__lte=window_end,
        ).select_related("session__topic")
        for participant in participants:
            # The D-7 reminder is pointless once the D-1 one is due.
            if days == 7 and participant.session.starts_at <= now + dt.timedelta(days=1):
                continue
            with transaction.atomic():
                _send(participant, "reminder", f"d{days}", EmailCategory.REMINDER, days=days)
            count += 1
    return count


@transaction.atomic
def attendance_mark(*, participant_id: int, attendance: str) -> Participant:
    if attendance not in Attendance.values:
        raise ValidationError(_("Présence inconnue."))
    participant = Participant.objects.select_for_update().get(pk=participant_id)
    if participant.status != ParticipantStatus.CONFIRMED:
        raise ValidationError(_("Seules les personnes inscrites ont une présence."))
    participant.attendance = attendance
    participant.save(update_fields=["attendance", "updated_at"])
    return participant


CERTIFICATE_DIR = "trainings/certificates"


def certificate_pdf(*, participant: Participant) -> bytes:
    from ellipse.pdf import pdf_render

    return pdf_render(
        template="trainings/pdf/certificate.html",
        context={"participant": participant, "session": participant.session},
    )


def certificate_store(*, participant_id: int) -> str:
    """Render a present participant's certificate and store it; returns its storage name
    (the same name every time: rendering again replaces the file)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    participant = Participant.objects.select_related(
        "session__topic", "company", "buyer_organisation"
    ).get(pk=participant_id, attendance=Attendance.PRESENT)
    name = f"{CERTIFICATE_DIR}/attestation-{participant.pk}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(certificate_pdf(participant=participant)))


@transaction.atomic
def certificates_send(*, session_id: int) -> int:
    """E-mail each person present their certificate (PDF attached, built by a task after the
    commit) with the link to the satisfaction survey; once each (dedup keys). Returns the number
    of e-mails recorded now."""
    from .tasks import certificate_attach_task

    session = Session.objects.select_related("topic").get(pk=session_id)
    present = session.participants.filter(
        status=ParticipantStatus.CONFIRMED, attendance=Attendance.PRESENT
    ).select_related("session__topic")
    count = 0
    for participant in present:
        dedup_key = f"trainings:certificate:{participant.pk}:1"
        if OutgoingEmail.objects.filter(dedup_key=dedup_key).exists():
            continue
        email = email_enqueue(
            to=participant.email,
            template="trainings/certificate",
            context={
                **session_context(session),
                "name": participant.name,
                "status": participant.status,
                "participant_id": participant.pk,
                "requires_attachments": True,
                "certificate_path": reverse(
                    "trainings:certificate",
                    args=[participant_token(participant_id=participant.pk, salt=CERTIFICATE_SALT)],
                ),
                "survey_path": reverse(
                    "trainings:survey",
                    args=[participant_token(participant_id=participant.pk, salt=SURVEY_SALT)],
                ),
            },
            batch=f"trainings-session-{session.pk}",
            dedup_key=dedup_key,
            queue=False,
        )
        transaction.on_commit(
            lambda email_id=email.pk: certificate_attach_task.delay(email_id=email_id)
        )
        count += 1
    return count


def certificate_attach(*, email_id: int) -> list[str]:
    """Build the certificate of a recorded e-mail, attach it, queue the sending. Idempotent."""
    from ellipse.outbox.enums import EmailStatus
    from ellipse.outbox.services import email_queue

    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status in (EmailStatus.SENT, EmailStatus.SKIPPED):
        return email.attachments if email else []
    if not email.attachments:
        name = certificate_store(participant_id=email.context["participant_id"])
        OutgoingEmail.objects.filter(pk=email_id, attachments=[]).update(attachments=[name])
    email_queue(email_ids=[email_id])
    return OutgoingEmail.objects.get(pk=email_id).attachments


def certificates_sweep() -> int:
    """Certificates e-mails left without their PDF (a lost worker): build and send them."""
    from ellipse.outbox.enums import EmailStatus

    ids = list(
        OutgoingEmail.objects.filter(
            template="trainings/certificate", status=EmailStatus.PENDING, attachments=[]
        ).values_list("pk", flat=True)
    )
    for email_id in ids:
        certificate_attach(email_id=email_id)
    return len(ids)


@transaction.atomic
def survey_answer(
    *, participant_id: int, rating: int, useful: bool, comment: str = ""
) -> SurveyAnswer:
    """One answer per participant (the database refuses a second one)."""
    participant = Participant.objects.select_for_update().get(pk=participant_id)
    if hasattr(participant, "survey_answer"):
        raise ValidationError(_("Vous avez déjà répondu à ce questionnaire. Merci !"))
    if participant.attendance != Attendance.PRESENT:
        raise ValidationError(_("Le questionnaire est réservé aux personnes présentes."))
    return SurveyAnswer.objects.create(
        participant=participant, rating=rating, useful=useful, comment=comment.strip()
    )
