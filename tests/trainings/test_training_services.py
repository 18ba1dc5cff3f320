"""Registration, waiting list, offers, invitations, reminders, attendance, survey."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ellipse.outbox.models import OutgoingEmail
from tests.factories import (
    CompanyFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
)
from trainings import services
from trainings.enums import Attendance, ParticipantKind, ParticipantStatus
from trainings.models import Participant, SessionInvitation, SurveyAnswer
from trainings.services import Person, offer_delay

pytestmark = pytest.mark.django_db


def _register(session, company, *emails, now=None):
    return services.session_register(
        session_id=session.pk,
        people=[Person(f"Personne {e}", e) for e in emails],
        kind=ParticipantKind.COMPANY,
        company_id=company.pk,
        now=now,
    )


def test_register_takes_seats_then_the_waiting_list():
    session = SessionFactory(capacity=2, people_per_company=3)
    company = CompanyFactory()
    created = _register(session, company, "a@x.fr", "b@x.fr", "c@x.fr")
    assert [p.status for p in created] == ["confirmed", "confirmed", "waiting"]
    assert [p.seat_number for p in created] == [1, 2, None]
    mails = OutgoingEmail.objects.filter(template="trainings/registered").order_by("pk")
    assert [m.to for m in mails] == ["a@x.fr", "b@x.fr", "c@x.fr"]
    assert mails[2].context["status"] == "waiting"


def test_register_refuses_beyond_the_per_company_limit_and_writes_nothing():
    session = SessionFactory(capacity=10, people_per_company=2)
    company = CompanyFactory()
    _register(session, company, "a@x.fr")
    with pytest.raises(ValidationError, match="Au plus 2 personne"):
        _register(session, company, "b@x.fr", "c@x.fr")
    assert Participant.objects.filter(session=session).count() == 1


def test_register_refuses_after_the_deadline():
    session = SessionFactory(registration_deadline=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="closes"):
        _register(session, CompanyFactory(), "a@x.fr")


def test_register_refuses_an_address_already_registered():
    session = SessionFactory()
    _register(session, CompanyFactory(), "a@x.fr")
    with pytest.raises(ValidationError, match="déjà inscrit"):
        _register(session, CompanyFactory(), "A@x.fr")


def test_register_refuses_an_agent_on_a_companies_only_session():
    session = SessionFactory(audience="companies")
    with pytest.raises(ValidationError, match="pas ouverte"):
        services.session_register(
            session_id=session.pk, people=[Person("Agent", "agent@ville.fr")], kind="agent"
        )


def test_database_refuses_two_people_on_the_same_seat():
    session = SessionFactory()
    ParticipantFactory(session=session, seat_number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(session=session, seat_number=1)


def test_database_refuses_a_waiting_person_with_a_seat():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(status=ParticipantStatus.WAITING, seat_number=3)


def test_cancel_frees_the_seat_and_offers_it_to_the_first_waiting():
    session = SessionFactory(capacity=1, people_per_company=1)
    first = _register(session, CompanyFactory(), "a@x.fr")[0]
    second = _register(session, CompanyFactory(), "b@x.fr")[0]
    third = _register(session, CompanyFactory(), "c@x.fr")[0]
    services.participant_cancel(participant_id=first.pk)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "offered" and second.seat_number == 1
    assert second.offer_expires_at is not None
    assert third.status == "waiting"
    offer = OutgoingEmail.objects.get(template="trainings/offer")
    assert offer.to == "b@x.fr"
    assert offer.context["confirm_path"].startswith("/formations/place/")


def test_cancel_refused_once_the_session_started():
    session = SessionFactory()
    participant = _register(session, CompanyFactory(), "a@x.fr")[0]
    with pytest.raises(ValidationError, match="commencé"):
        services.participant_cancel(
            participant_id=participant.pk, now=session.starts_at + dt.timedelta(minutes=1)
        )


def test_confirm_before_the_deadline_keeps_the_seat():
    session = SessionFactory(capacity=1, people_per_company=1)
    first = _register(session, CompanyFactory(), "a@x.fr")[0]
    second = _register(session, CompanyFactory(), "b@x.fr")[0]
    services.participant_cancel(participant_id=first.pk)
    confirmed = services.offer_confirm(participant_id=second.pk)
    assert confirmed.status == "confirmed" and confirmed.seat_number == 1


def test_expiry_passes_the_seat_to_the_next_and_is_idempotent():
    session = SessionFactory(capacity=1, people_per_company=1)
    first = _register(session, CompanyFactory(), "a@x.fr")[0]
    second = _register(session, CompanyFactory(), "b@x.fr")[0]
    third = _register(session, CompanyFactory(), "c@x.fr")[0]
    services.participant_cancel(participant_id=first.pk)
    second.refresh_from_db()
    later = second.offer_expires_at + dt.timedelta(minutes=1)
    assert services.offers_expire(now=later) == 1
    assert services.offers_expire(now=later) == 0  # nothing left to expire
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "expired" and second.seat_number is None
    assert third.status == "offered" and third.seat_number == 1
    assert OutgoingEmail.objects.filter(template="trainings/offer").count() == 2
    assert OutgoingEmail.objects.filter(template="trainings/offer_expired").count() == 1
    with pytest.raises(ValidationError, match="expiré"):
        services.offer_confirm(participant_id=second.pk, now=later)


def test_offer_delay_is_48_hours_far_from_the_date_and_shorter_close_to_it():
    now = timezone.now()
    assert offer_delay(starts_at=now + dt.timedelta(days=10), now=now) == dt.timedelta(hours=48)
    assert offer_delay(starts_at=now + dt.timedelta(hours=30), now=now) == dt.timedelta(hours=15)
    assert offer_delay(starts_at=now + dt.timedelta(hours=3), now=now) == dt.timedelta(hours=2)
    assert offer_delay(starts_at=now + dt.timedelta(hours=1), now=now) == dt.timedelta(hours=1)


def test_fill_after_a_capacity_increase_offers_the_new_seats():
    session = SessionFactory(capacity=1, people_per_company=1)
    _register(session, CompanyFactory(), "a@x.fr")
    _register(session, CompanyFactory(), "b@x.fr")
    session.capacity = 2
    session.save()
    offered = services.session_fill(session_id=session.pk)
    assert [p.email for p in offered] == ["b@x.fr"]
    assert services.session_fill(session_id=session.pk) == []


def test_session_copy_to_a_new_date_keeps_length_and_shifts_the_deadline():
    session = SessionFactory(registration_deadline=timezone.now() + dt.timedelta(days=18))
    ParticipantFactory(session=session)
    new_start = session.starts_at + dt.timedelta(days=30)
    copy = services.session_copy(session_id=session.pk, starts_at=new_start)
    assert copy.pk != session.pk
    assert copy.ends_at - copy.starts_at == session.ends_at - session.starts_at
    assert copy.registration_deadline == session.registration_deadline + dt.timedelta(days=30)
    assert copy.participants.count() == 0


def test_targeted_invitations_reach_interested_companies_once():
    topic = TopicFactory(name="Clauses sociales", keywords="insertion")
    session = SessionFactory(topic=topic)
    interested = RegistrationFactory(training_needs="Comprendre les heures d'insertion").company
    by_topic = RegistrationFactory().company
    by_topic.registrations.first().training_topics.add(topic)
    RegistrationFactory(training_needs="Rien de particulier")
    already = RegistrationFactory(needs="clauses sociales").company
    ParticipantFactory(session=SessionFactory(topic=topic), company=already)
    from companies.services.qualification import call_log_record  # a need heard on the phone

    on_the_phone = RegistrationFactory()
    call_log_record(registration=on_the_phone, by=None, outcome="reached", topics=[topic])
    assert services.invitations_count(session=session) == 3
    assert services.session_invite(session_id=session.pk) == 3
    assert services.session_invite(session_id=session.pk) == 0
    assert services.invitations_count(session=session) == 0
    invited = set(SessionInvitation.objects.values_list("company_id", flat=True))
    assert invited == {interested.pk, by_topic.pk, on_the_phone.company_id}
    assert OutgoingEmail.objects.filter(template="trainings/invitation").count() == 3


def test_reminders_d7_and_d1_are_sent_once_each_with_the_place():
    now = timezone.now()
    session = SessionFactory(starts_at=now + dt.timedelta(days=6))
    participant = ParticipantFactory(session=session)
    assert services.reminders_send(now=now) == 1
    services.reminders_send(now=now)
    later = session.starts_at - dt.timedelta(hours=20)
    services.reminders_send(now=later)
    reminders = OutgoingEmail.objects.filter(template="trainings/reminder", to=participant.email)
    assert sorted(m.context["days"] for m in reminders) == [1, 7]
    assert all(m.context["place"] == session.place for m in reminders)


def test_survey_one_answer_per_present_participant():
    participant = ParticipantFactory(session=SessionFactory(past=True), attendance="present")
    services.survey_answer(participant_id=participant.pk, rating=5, useful=True)
    with pytest.raises(ValidationError, match="déjà répondu"):
        services.survey_answer(participant_id=participant.pk, rating=1, useful=False)
    assert SurveyAnswer.objects.count() == 1


def test_attendance_and_certificates_go_to_those_present_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = SessionFactory(past=True, title="Clauses sociales en pratique")
    present = ParticipantFactory(session=session, name="Awa Diallo")
    absent = ParticipantFactory(session=session)
    services.attendance_mark(participant_id=present.pk, attendance=Attendance.PRESENT)
    services.attendance_mark(participant_id=absent.pk, attendance=Attendance.ABSENT)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_send(session_id=session.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_send(session_id=session.pk) == 0  # once each
    mail = OutgoingEmail.objects.get(template="trainings/certificate")
    assert mail.to == present.email and mail.status == "sent"
    assert "/formations/questionnaire/" in mail.context["survey_path"]
    assert len(mailoutbox) == 1
    ((name, content, mimetype),) = mailoutbox[0].attachments
    assert name == f"attestation-{present.pk}.pdf" and mimetype == "application/pdf"
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Attestation de présence" in text and "Awa Diallo" in text
    assert "Clauses sociales en pratique" in text


def test_certificates_sweep_attaches_and_sends_what_a_lost_worker_left(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = SessionFactory(past=True)
    ParticipantFactory(session=session, attendance=Attendance.PRESENT)
    services.certificates_send(session_id=session.pk)  # commit callbacks never run: lost
    assert OutgoingEmail.objects.get().attachments == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_sweep() == 1
    assert OutgoingEmail.objects.get().status == "sent" and len(mailoutbox) == 1
    assert services.certificates_sweep() == 0
