"""An edition's phase: decided in one place, the same on the home page, the spaces and the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition
from ellipse.editions.phase import EditionPhase, edition_phase
from meetings.enums import MeetingStatus
from tests.factories import (
    BuyerMembershipFactory,
    BuyerParticipationFactory,
    CompanyMembershipFactory,
    EditionFactory,
    MeetingFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_phase_follows_status_and_dates():
    edition = EditionFactory(status=EditionStatus.DRAFT)
    assert edition_phase(edition) == EditionPhase.PREPARATION
    edition.status = EditionStatus.REGISTRATION_OPEN
    assert edition_phase(edition) == EditionPhase.REGISTRATION_OPEN
    after_deadline = edition.registration_deadline + dt.timedelta(minutes=1)
    assert edition_phase(edition, now=after_deadline) == EditionPhase.REGISTRATION_CLOSED
    edition.status = EditionStatus.REGISTRATION_CLOSED
    assert edition_phase(edition) == EditionPhase.REGISTRATION_CLOSED
    edition.status = EditionStatus.SCHEDULE_PUBLISHED
    assert edition_phase(edition) == EditionPhase.SCHEDULE_PUBLISHED
    day_after = timezone.make_aware(dt.datetime.combine(edition.date, dt.time(12)))
    day_after += dt.timedelta(days=1)
    assert edition_phase(edition, now=day_after) == EditionPhase.HELD
    edition.status = EditionStatus.CLOSED
    assert edition_phase(edition) == EditionPhase.HELD


def test_published_meetings_make_the_schedule_published_even_with_registrations_open(
    django_assert_num_queries,
):
    """The demo keeps registrations open after publishing: the phase must still say so."""
    edition = EditionFactory(status=EditionStatus.REGISTRATION_OPEN)
    assert Edition.objects.get(pk=edition.pk).phase == EditionPhase.REGISTRATION_OPEN
    MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED)
    with django_assert_num_queries(2):  # not annotated: one more query, on first use only
        fetched = Edition.objects.get(pk=edition.pk)
        assert fetched.phase == EditionPhase.SCHEDULE_PUBLISHED == fetched.phase
    with django_assert_num_queries(1):  # annotated: no further query
        assert Edition.objects.current().phase == EditionPhase.SCHEDULE_PUBLISHED


@pytest.fixture
def published():
    edition = EditionFactory(status=EditionStatus.REGISTRATION_OPEN)
    MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED)
    return edition


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_says_the_schedule_is_published(client, published):
    home = _text(client.get(reverse("home")))
    assert "Planning publié" in home and "Inscriptions ouvertes" not in home
    assert "sans assurance d'obtenir un rendez-vous" in home

    company_user = CompanyMembershipFactory().user
    RegistrationFactory(edition=published, company=company_user.company_membership.company)
    client.force_login(company_user)
    assert "Planning publié" in _text(client.get(reverse("companies:space")))

    buyer_user = BuyerMembershipFactory().user
    BuyerParticipationFactory(
        edition=published, organisation=buyer_user.buyer_membership.organisation
    )
    client.force_login(buyer_user)
    assert "Planning publié" in _text(client.get(reverse("buyers:space")))

    client.force_login(UserFactory(role="staff", is_staff=True, is_superuser=True))
    admin = _text(client.get(reverse("admin:editions_edition_changelist")))
    assert "Planning publié" in admin


def test_home_says_registrations_open_before_publication(client):
    EditionFactory(status=EditionStatus.REGISTRATION_OPEN)
    home = _text(client.get(reverse("home")))
    assert "Inscriptions ouvertes" in home and "Inscriptions des entreprises jusqu" in home
