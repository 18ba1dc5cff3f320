"""Catalogue, detail and registration, iCalendar, spaces, signed links, staff pages, PDFs."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ellipse.outbox.models import OutgoingEmail
from tests.factories import (
    BuyerMembershipFactory,
    CompanyMembershipFactory,
    ParticipantFactory,
    SessionFactory,
    TopicFactory,
    UserFactory,
)
from trainings import services
from trainings.enums import ParticipantStatus
from trainings.models import Participant, SurveyAnswer

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())  # lines wrap where the names' lengths decide


@pytest.fixture
def member():
    return CompanyMembershipFactory()


def test_catalogue_lists_upcoming_sessions_first_and_filters(client):
    tender = TopicFactory(name="Répondre à un appel d'offres")
    price = TopicFactory(name="Construire son prix")
    later = SessionFactory(
        topic=tender, title="Session tardive", starts_at=timezone.now() + dt.timedelta(days=40)
    )
    soon = SessionFactory(topic=price, title="Session proche")
    SessionFactory(title="Session passée", past=True)
    SessionFactory(title="Session agents", audience="agents", topic=price)
    page = client.get(reverse("trainings:index")).content.decode()
    assert page.index(soon.title) < page.index(later.title)
    assert "Session passée" not in page
    filtered = client.get(reverse("trainings:index"), {"theme": tender.pk}).content.decode()
    assert later.title in filtered and soon.title not in filtered
    companies = client.get(reverse("trainings:index"), {"public": "companies"}).content.decode()
    assert "Session agents" not in companies and soon.title in companies


def test_catalogue_is_paginated_with_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    topic = TopicFactory()
    for i in range(25):
        SessionFactory(topic=topic, starts_at=timezone.now() + dt.timedelta(days=i + 1))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("trainings:index"))
    assert response.content.decode().count('class="card session-card"') == 20
    assert "Page 1 sur 2" in response.content.decode()


def test_detail_shows_seats_left(client):
    session = SessionFactory(capacity=3)
    ParticipantFactory(session=session, seat_number=1)
    response = client.get(reverse("trainings:detail", args=[session.pk]))
    assert "2 places restantes" in response.content.decode()


def test_company_registers_two_people(client, member):
    session = SessionFactory(capacity=5, people_per_company=2)
    client.force_login(member.user)
    response = client.post(
        reverse("trainings:detail", args=[session.pk]),
        {
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Awa Diallo",
            "people-0-email": "awa@entreprise.fr",
            "people-1-name": "Jean Martin",
            "people-1-email": "jean@entreprise.fr",
        },
        follow=True,
    )
    assert "Inscription enregistrée" in response.content.decode()
    participants = Participant.objects.filter(session=session)
    assert {p.company_id for p in participants} == {member.company_id}
    assert {p.status for p in participants} == {ParticipantStatus.CONFIRMED}


def test_registration_beyond_the_limit_shows_a_french_error(client, member):
    session = SessionFactory(people_per_company=1)
    client.force_login(member.user)
    response = client.post(
        reverse("trainings:detail", args=[session.pk]),
        {
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "A",
            "people-0-email": "a@entreprise.fr",
            "people-1-name": "B",
            "people-1-email": "b@entreprise.fr",
        },
    )
    assert response.status_code == 200
    assert "Au plus 1 personne(s) par organisation" in response.content.decode()
    assert not Participant.objects.exists()


def test_buyer_agent_registers_on_an_agents_session(client):
    membership = BuyerMembershipFactory()
    session = SessionFactory(audience="both")
    client.force_login(membership.user)
    client.post(
        reverse("trainings:detail", args=[session.pk]),
        {
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Agent",
            "people-0-email": "agent@ville.fr",
        },
    )
    participant = Participant.objects.get()
    assert participant.kind == "agent"
    assert participant.buyer_organisation_id == membership.organisation_id


def test_anonymous_visitor_cannot_register(client):
    session = SessionFactory()
    response = client.post(reverse("trainings:detail", args=[session.pk]), {})
    assert response.status_code == 403


def test_ics_holds_the_session(client):
    session = SessionFactory(title="Signature électronique")
    response = client.get(reverse("trainings:ics", args=[session.pk]))
    calendar = Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == "Signature électronique"
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert "Romainville" in str(event["location"])


def test_space_lists_only_the_own_company_sessions(client, member):
    mine = ParticipantFactory(company=member.company, name="Awa Diallo")
    other = ParticipantFactory(name="Personne Autre")
    client.force_login(member.user)
    page = client.get(reverse("trainings:mine")).content.decode()
    assert mine.name in page and other.name not in page


def test_company_cannot_cancel_or_read_another_company_registration(client, member):
    other = ParticipantFactory(attendance="present", session=SessionFactory(past=True))
    client.force_login(member.user)
    assert client.post(reverse("trainings:cancel", args=[other.pk])).status_code == 404
    assert client.get(reverse("trainings:certificate_own", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_cancel_in_one_click_offers_the_seat(client, member):
    session = SessionFactory(capacity=1)
    mine = ParticipantFactory(session=session, company=member.company, seat_number=1)
    waiting = ParticipantFactory(
        session=session, status="waiting", seat_number=None, waiting_since=timezone.now()
    )
    client.force_login(member.user)
    client.post(reverse("trainings:cancel", args=[mine.pk]))
    waiting.refresh_from_db()
    assert waiting.status == "offered"


def test_offer_link_confirms_without_login(client):
    session = SessionFactory(capacity=1)
    first = ParticipantFactory(session=session, seat_number=1)
    waiting = ParticipantFactory(
        session=session, status="waiting", seat_number=None, waiting_since=timezone.now()
    )
    services.participant_cancel(participant_id=first.pk)
    path = OutgoingEmail.objects.get(template="trainings/offer").context["confirm_path"]
    assert "Je confirme ma place" in client.get(path).content.decode()
    response = client.post(path, follow=True)
    assert "Votre place est confirmée" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert client.get("/formations/place/faux-jeton/").status_code == 404


def test_attendance_page_is_staff_only_and_marks_presence(client, member):
    session = SessionFactory(past=True)
    people = [ParticipantFactory(session=session, name=f"Personne {i}") for i in range(3)]
    url = reverse("trainings:attendance", args=[session.pk])
    client.force_login(member.user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(staff=True))
    assert "Personne 0" in client.get(url).content.decode()
    client.post(url, {f"p{people[0].pk}": "present", f"p{people[1].pk}": "excused"})
    assert [Participant.objects.get(pk=p.pk).attendance for p in people] == [
        "present",
        "excused",
        "",
    ]


def test_sign_in_sheet_pdf_lists_the_registered(client):
    session = SessionFactory(title="Clauses sociales en pratique")
    person = ParticipantFactory(session=session, name="Awa Diallo")
    client.force_login(UserFactory(staff=True))
    response = client.get(reverse("trainings:sign_in_sheet", args=[session.pk]))
    text = _pdf_text(response.content)
    assert "Feuille d" in text and "Clauses sociales en pratique" in text
    assert person.name in text and person.company.legal_name in text


def test_certificate_from_the_space_and_from_the_signed_link(client, member):
    session = SessionFactory(past=True, title="Répondre en groupement")
    mine = ParticipantFactory(session=session, company=member.company, name="Awa Diallo")
    services.attendance_mark(participant_id=mine.pk, attendance="present")
    client.force_login(member.user)
    text = _pdf_text(client.get(reverse("trainings:certificate_own", args=[mine.pk])).content)
    assert "Attestation de présence" in text
    assert "Awa Diallo" in text and "Répondre en groupement" in text
    services.certificates_send(session_id=session.pk)
    client.logout()
    path = OutgoingEmail.objects.get(template="trainings/certificate").context["certificate_path"]
    assert "Awa Diallo" in _pdf_text(client.get(path).content)


def test_survey_by_signed_link_accepts_one_answer(client):
    person = ParticipantFactory(session=SessionFactory(past=True), attendance="present")
    services.certificates_send(session_id=person.session_id)
    path = OutgoingEmail.objects.get(template="trainings/certificate").context["survey_path"]
    response = client.post(path, {"rating": "4", "useful": "1", "comment": "Très clair"})
    assert "Merci" in response.content.decode()
    client.post(path, {"rating": "1", "useful": "0"})
    answer = SurveyAnswer.objects.get()
    assert (answer.rating, answer.useful, answer.comment) == (4, True, "Très clair")


def test_figures_page_for_staff(client):
    session = SessionFactory(past=True, capacity=4)
    ParticipantFactory(session=session, attendance="present")
    SurveyAnswer.objects.create(
        participant=ParticipantFactory(session=session, attendance="present"), rating=4
    )
    client.force_login(UserFactory(staff=True))
    page = client.get(reverse("trainings:figures")).content.decode()
    assert "50 %" in page and "4,0" in page
    assert "chiffres" in client.get(reverse("trainings:index")).content.decode()


def test_company_and_buyer_spaces_list_their_own_sessions(client, member):
    mine = ParticipantFactory(company=member.company, session=SessionFactory(title="Prix justes"))
    ParticipantFactory(session=SessionFactory(title="Session des autres"))
    client.force_login(member.user)
    page = client.get(reverse("companies:space")).content.decode()
    assert "Vos formations" in page and mine.session.title in page
    assert "Session des autres" not in page
    buyer = BuyerMembershipFactory()
    ParticipantFactory(
        kind="agent",
        company=None,
        buyer_organisation=buyer.organisation,
        session=SessionFactory(title="Achats responsables", audience="agents"),
    )
    client.force_login(buyer.user)
    page = client.get(reverse("buyers:space")).content.decode()
    assert "Achats responsables" in page and "Prix justes" not in page


def test_elected_official_registers_in_own_name_and_only_sees_own(client):
    session = SessionFactory(audience="agents", people_per_company=1)
    official = UserFactory(official=True, first_name="Dominique", last_name="Bernard")
    client.force_login(official)
    client.post(
        reverse("trainings:detail", args=[session.pk]),
        {
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Dominique Bernard",
            "people-0-email": official.email,
        },
    )
    participant = Participant.objects.get()
    assert participant.kind == "official" and participant.registered_by == official
    assert "Dominique Bernard" in client.get(reverse("trainings:mine")).content.decode()
    other = UserFactory(official=True)
    client.force_login(other)
    assert "Dominique Bernard" not in client.get(reverse("trainings:mine")).content.decode()
    assert client.post(reverse("trainings:cancel", args=[participant.pk])).status_code == 404


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("https://ailleurs.example/piege", "/formations/mes-formations/"),
        ("//ailleurs.example", "/formations/mes-formations/"),
        ("/entreprises/espace/", "/entreprises/espace/"),
    ],
)
def test_cancel_goes_back_only_to_a_page_of_this_site(client, member, next_value, expected):
    """No open redirect: ``next`` is followed only when it is a path of this site."""
    mine = ParticipantFactory(session=SessionFactory(), company=member.company, seat_number=1)
    client.force_login(member.user)
    response = client.post(reverse("trainings:cancel", args=[mine.pk]), {"next": next_value})
    assert response.status_code == 302 and response["Location"] == expected
