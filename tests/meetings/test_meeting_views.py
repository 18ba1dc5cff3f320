"""Staff planning page and agendas: permissions, content, actions, query counts."""

import pytest
from django.urls import reverse

from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.services import edition_schedule, schedule_publish
from tests.factories import (
    BuyerMembershipFactory,
    BuyerParticipationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    MeetingFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


def _page(client, year):
    response = client.get(reverse("meetings:planning", args=[year]))
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    return response, content


def test_planning_page_is_for_staff_only(client, small):
    url = reverse("meetings:planning", args=[small.edition.year])
    assert client.get(url).status_code == 302  # to the login page
    company_user = CompanyMembershipFactory(company=small.companies[0]).user
    client.force_login(company_user)
    assert client.get(url).status_code == 403
    assert client.post(url + "action/", {"action": "schedule"}).status_code == 403


def test_planning_page_shows_grid_reasons_metrics_and_waiting_list(staff_client, small):
    edition_schedule(edition=small.edition)
    meeting = Meeting.objects.first()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    response, content = _page(staff_client, small.edition.year)
    assert response.status_code == 200
    assert '<th scope="col">' in content and '<th scope="row">' in content
    other = Meeting.objects.exclude(pk=meeting.pk).first()
    from django.utils.html import escape

    from meetings.reasons import meetings_reason_lines

    line = meetings_reason_lines([other], audience="staff")[other.pk][0]
    assert str(other.company) in content and escape(line.text) in content
    assert "des créneaux des acheteurs remplis" in content
    waiting = content.split('id="titre-attente"')[1]
    assert str(meeting.company) in waiting and "Ajouter ce rendez-vous" in waiting


def test_planning_page_query_count_does_not_grow_with_size(
    staff_client, django_assert_max_num_queries
):
    CpvCodeFactory(code="45442100")
    edition = EditionFactory(year=2033)
    for _ in range(30):
        participation = BuyerParticipationFactory(edition=edition)
        PlannedContractFactory(
            organisation=participation.organisation, year=2033, cpv_main_id="45442100"
        )
    for _ in range(40):
        company = CompanyFactory()
        company.cpv_codes.add("45442100")
        RegistrationFactory(edition=edition, company=company, retained=True)
    edition_schedule(edition=edition)
    assert Meeting.objects.count() == 40 * 3
    with django_assert_max_num_queries(36):
        _response, content = _page(staff_client, 2033)
    assert content.count('<th scope="row">') >= 30


def test_planning_action_move_conflict_shows_french_message(staff_client, small):
    edition_schedule(edition=small.edition)
    first, second = list(Meeting.objects.filter(buyer=small.buyers[2]).order_by("slot"))[:2]
    url = reverse("meetings:planning_action", args=[small.edition.year])
    response = staff_client.post(
        url, {"action": "move", "meeting": first.pk, "slot": second.slot}, follow=True
    )
    assert f"est déjà pris pour {small.buyers[2].name}" in response.content.decode()
    assert Meeting.objects.get(pk=first.pk).slot == first.slot
    response = staff_client.post(url, {"action": "move", "meeting": first.pk, "slot": "x"})
    assert response.status_code == 302


def test_planning_actions_schedule_and_publish(
    staff_client, small, django_capture_on_commit_callbacks
):
    url = reverse("meetings:planning_action", args=[small.edition.year])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "schedule"}, follow=True)
    assert "Calcul du planning lancé" in response.content.decode()
    assert Meeting.objects.filter(status=MeetingStatus.DRAFT).exists()
    response = staff_client.post(url, {"action": "publish"}, follow=True)
    assert "Planning publié" in response.content.decode()
    assert not Meeting.objects.filter(status=MeetingStatus.DRAFT).exists()


# --------------------------------------------------------------------------- agendas


def test_agenda_says_not_published_before_publication(client, small):
    edition_schedule(edition=small.edition)
    client.force_login(CompanyMembershipFactory(company=small.companies[0]).user)
    content = client.get(reverse("meetings:my_agenda")).content.decode()
    assert "pas encore publié" in content
    assert str(small.buyers[0].name) not in content


def test_company_sees_only_its_own_agenda(client, small):
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    mine, theirs = small.companies[0], small.companies[2]
    client.force_login(CompanyMembershipFactory(company=mine).user)
    response = client.get(reverse("meetings:my_agenda"))
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    own = Meeting.objects.filter(company=mine).select_related("buyer")
    assert own and all(m.buyer.name in content for m in own)
    contract = small.contracts[0]  # the painting contract, matching this company's CPV code
    assert contract.reference in content and "€ HT" in content and "2e trimestre" in content
    assert str(theirs) not in content
    other_buyers = Meeting.objects.filter(company=theirs).exclude(buyer__in=own.values("buyer"))
    assert all(m.buyer.name not in content for m in other_buyers)


def test_buyer_sees_its_meetings_with_company_profile(client, small):
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    buyer = small.buyers[1]
    client.force_login(BuyerMembershipFactory(organisation=buyer).user)
    content = client.get(reverse("meetings:my_agenda")).content.decode()
    for meeting in Meeting.objects.filter(buyer=buyer).select_related("company"):
        assert str(meeting.company) in content and meeting.company.contact_email in content
    for meeting in Meeting.objects.exclude(buyer=buyer).select_related("company"):
        if not Meeting.objects.filter(buyer=buyer, company=meeting.company).exists():
            assert meeting.company.contact_email not in content


def test_agenda_refused_to_users_without_organisation(client, small):
    client.force_login(UserFactory(role="company"))
    assert client.get(reverse("meetings:my_agenda")).status_code == 403
    client.force_login(UserFactory(role="official"))
    assert client.get(reverse("meetings:my_agenda")).status_code == 403


def test_agenda_query_count_is_bounded(client, small, django_assert_max_num_queries):
    edition = small.edition
    company = small.companies[0]
    for slot, buyer in enumerate(small.buyers):
        MeetingFactory(
            edition=edition,
            buyer=buyer,
            company=company,
            slot=slot,
            status=MeetingStatus.PUBLISHED,
        )
    client.force_login(CompanyMembershipFactory(company=company).user)
    with django_assert_max_num_queries(12):
        content = client.get(reverse("meetings:my_agenda")).content.decode()
    assert all(b.name in content for b in small.buyers)
