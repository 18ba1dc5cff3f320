"""Staff admin: copy to a new date, targeted invitations with the count shown first, lists
without N+1; the trainings e-mails render from the outbox."""

import datetime as dt

import pytest
from django.urls import reverse

from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.registry import registry
from ellipse.outbox.services import email_render
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    UserFactory,
)
from trainings import services
from trainings.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(staff=True))
    return client


def test_copy_action_creates_the_session_at_the_new_date(staff_client):
    session = SessionFactory(title="Signature électronique")
    url = reverse("admin:trainings_session_changelist")
    form = staff_client.post(url, {"action": "copy_to_date", "_selected_action": [session.pk]})
    assert "Nouvelle date de début" in form.content.decode()
    new_day = (session.starts_at + dt.timedelta(days=60)).date()
    staff_client.post(
        url,
        {
            "action": "copy_to_date",
            "_selected_action": [session.pk],
            "apply": "1",
            "starts_at_0": new_day.isoformat(),
            "starts_at_1": "14:00",
        },
    )
    copy = Session.objects.exclude(pk=session.pk).get()
    assert copy.title == session.title
    assert copy.starts_at.date() == new_day


def test_invite_action_shows_the_count_then_sends_once(staff_client):
    topic = TopicFactory(name="Répondre en groupement", keywords="cotraitance")
    session = SessionFactory(topic=topic)
    RegistrationFactory(training_needs="La cotraitance avec d'autres PME")
    RegistrationFactory(training_needs="Répondre en groupement")
    url = reverse("admin:trainings_session_changelist")
    page = staff_client.post(url, {"action": "invite_targeted", "_selected_action": [session.pk]})
    assert "2 e-mails seront envoyés" in page.content.decode()
    assert not OutgoingEmail.objects.exists()
    data = {"action": "invite_targeted", "_selected_action": [session.pk], "apply": "1"}
    staff_client.post(url, data)
    staff_client.post(url, data)
    assert OutgoingEmail.objects.filter(template="trainings/invitation").count() == 2


def test_session_changelist_query_count(staff_client, django_assert_max_num_queries):
    for _ in range(15):
        session = SessionFactory()
        ParticipantFactory(session=session)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:trainings_session_changelist"))
    assert response.status_code == 200


def test_participant_changelist_and_import_page(staff_client, django_assert_max_num_queries):
    for _ in range(10):
        ParticipantFactory()
    with django_assert_max_num_queries(12):
        assert (
            staff_client.get(reverse("admin:trainings_participant_changelist")).status_code == 200
        )
    assert staff_client.get(reverse("admin:trainings_pastattendance_import")).status_code == 200


def test_every_trainings_email_renders_with_the_place_or_link(settings):
    session = SessionFactory(online=True, capacity=1)
    first = ParticipantFactory(session=session, seat_number=1, attendance="present")
    waiting = ParticipantFactory(session=session, status="waiting", seat_number=None)
    services.participant_cancel(participant_id=first.pk)
    services.offer_confirm(participant_id=waiting.pk)
    services.reminders_send(now=session.starts_at - dt.timedelta(days=6))
    assert OutgoingEmail.objects.filter(template="trainings/reminder").exists()
    names = {n for n in registry() if n.startswith("trainings/")}
    assert len(names) == 6
    for email in OutgoingEmail.objects.all():
        subject, text, html = email_render(email)
        assert subject and "{{" not in text and "<html" in html
        if email.template == "trainings/reminder":
            assert session.video_url in text
