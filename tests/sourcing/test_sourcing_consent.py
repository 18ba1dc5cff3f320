"""A company says yes or no to the buyers' directory from its space, at any time."""

import pytest
from django.urls import reverse

from companies.models import Company
from tests.companies.registration_helpers import valid_post
from tests.factories.companies import CompanyMembershipFactory
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db
URL = reverse("sourcing:directory_consent")


@pytest.fixture
def member():
    return CompanyMembershipFactory(company__directory_consent=None)


def test_space_asks_companies_not_asked_yet(client, member):
    client.force_login(member.user)
    page = client.get(reverse("companies:space")).content.decode()
    assert "Souhaitez-vous figurer dans l'annuaire" in page
    assert 'value="oui"' in page and 'value="non"' in page


def test_company_agrees_then_withdraws(client, member, buyer):
    client.force_login(member.user)
    response = client.post(URL, {"annuaire": "oui"})
    assert response.status_code == 302
    member.company.refresh_from_db()
    assert member.company.directory_consent is True
    assert member.company.directory_consent_at is not None
    assert "Retirer ma fiche" in client.get(reverse("companies:space")).content.decode()
    client.force_login(buyer)
    assert client.get(reverse("sourcing:supplier", args=[member.company.pk])).status_code == 200

    client.force_login(member.user)
    client.post(URL, {"annuaire": "non"})
    member.company.refresh_from_db()
    assert member.company.directory_consent is False
    client.force_login(buyer)
    assert client.get(reverse("sourcing:supplier", args=[member.company.pk])).status_code == 404


def test_consent_choice_refused_to_others_and_to_bad_values(client, member, buyer):
    client.force_login(buyer)
    assert client.post(URL, {"annuaire": "oui"}).status_code == 403
    client.force_login(member.user)
    assert client.post(URL, {"annuaire": "peut-être"}).status_code == 403
    assert client.get(URL).status_code == 405
    member.company.refresh_from_db()
    assert member.company.directory_consent is None


def test_registration_offers_the_directory_off_by_default(client):
    EditionFactory()
    page = client.get(reverse("companies:register")).content.decode()
    assert 'name="directory_consent"' in page
    assert client.post(reverse("companies:register"), valid_post()).status_code == 302
    company = Company.objects.get()
    assert company.directory_consent is False
    assert company.directory_consent_at is not None


def test_registration_with_directory_consent(client):
    EditionFactory()
    client.post(reverse("companies:register"), valid_post(directory_consent="on"))
    assert Company.objects.get().directory_consent is True
