"""The admin's home: the current edition's state, step by step, the next thing to do first."""

import pytest
from django.urls import reverse

from companies.enums import RegistrationStatus
from ellipse.core.dashboard import staff_dashboard
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from tests.factories import (
    EditionFactory,
    MeetingFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


def _titles(dashboard):
    return [step.title for step in dashboard.steps]


def test_steps_in_the_conventions_order_and_the_next_one_first():
    edition = EditionFactory()
    RegistrationFactory(edition=edition)  # registered: to call
    RegistrationFactory(edition=edition, status=RegistrationStatus.QUALIFIED)
    dashboard = staff_dashboard(edition=edition)
    assert _titles(dashboard)[:4] == [
        "Inscriptions",
        "Appels de qualification",
        "Sélection des entreprises",
        "Planning des rendez-vous",
    ]
    assert dashboard.next_step.title == "Appels de qualification"
    assert "1 appel à passer" in dashboard.next_step.todo


def test_next_step_moves_on_with_the_edition():
    edition = EditionFactory()
    registration = RegistrationFactory(edition=edition, retained=True)
    assert staff_dashboard(edition=edition).next_step.todo == (
        "Calculer le planning des rendez-vous."
    )
    meeting = MeetingFactory(edition=edition, company=registration.company)
    assert "publier le planning" in staff_dashboard(edition=edition).next_step.todo
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PUBLISHED)
    edition.status = EditionStatus.SCHEDULE_PUBLISHED
    edition.save()
    dashboard = staff_dashboard(edition=Edition.objects.get(pk=edition.pk))
    assert dashboard.next_step.title == "Invitations"
    assert dashboard.next_step.todo == "Envoyer les invitations et les agendas."


def test_admin_home_shows_the_dashboard_with_links(staff_client, django_assert_max_num_queries):
    edition = EditionFactory(status=EditionStatus.REGISTRATION_OPEN)
    for _ in range(5):
        RegistrationFactory(edition=edition)
    with django_assert_max_num_queries(20):
        response = staff_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Prochaine étape" in content and "Inscriptions ouvertes" in content
    assert reverse("meetings:planning", args=[edition.year]) in content
    assert reverse("admin:companies_callqueueentry_changelist") in content
    assert "5 appels à passer" in content
    for _ in range(20):
        RegistrationFactory(edition=edition)
    with django_assert_max_num_queries(20):  # the same whatever the size of the edition
        staff_client.get(reverse("admin:index"))


def test_admin_home_without_edition(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Prochaine étape" not in response.content.decode()


def test_trainings_step_counts_seats_and_asks_to_fill_half_empty_sessions():
    from tests.factories import ParticipantFactory, SessionFactory

    edition = EditionFactory()
    full = SessionFactory(capacity=2)
    ParticipantFactory(session=full, seat_number=1)
    ParticipantFactory(session=full, seat_number=2)
    SessionFactory(capacity=10, edition=edition)  # an empty afternoon workshop
    step = next(s for s in staff_dashboard(edition=edition).steps if s.order == 60)
    assert "2 sessions à venir (dont 1 ateliers de l'après-midi), 10 places libres" in step.summary
    assert step.todo.startswith("1 session à venir est remplie à moins de moitié")
