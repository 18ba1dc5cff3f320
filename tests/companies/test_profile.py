"""The company edits its profile and registration until the deadline (same form and rules as
the registration); never another company's, never after the deadline."""

from html import unescape

import pytest
from django.urls import reverse

from companies.models import Company
from tests.companies.registration_helpers import valid_post
from tests.factories import (
    CompanyMembershipFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
    WishFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/espace/inscription/"


def edit_post(**overrides):
    data = valid_post(**overrides)
    for key in ("email", "password1", "password2", "consent"):
        data.pop(key, None)
    data.setdefault("contact_email", "contact@bois.fr")
    return data


@pytest.fixture
def registered():
    membership = CompanyMembershipFactory(company__legal_name="Bois et Compagnie")
    registration = RegistrationFactory(company=membership.company, edition=EditionFactory())
    return membership, registration


def test_edit_url():
    assert reverse("companies:registration_edit") == URL


def test_edit_page_is_prefilled(client, registered, django_assert_max_num_queries):
    membership, registration = registered
    contract = PlannedContractFactory(year=registration.edition.year)
    WishFactory(
        registration=registration, organisation=contract.organisation, planned_contract=contract
    )
    client.force_login(membership.user)
    with django_assert_max_num_queries(16):  # + the training topics and their choices
        response = client.get(URL)
    html = unescape(response.content.decode())
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'value="Bois et Compagnie"' in html
    assert f'id="id_wish_contract_{contract.pk}" checked' in html
    assert 'name="password1"' not in html
    assert "disabled" in html  # the SIRET


def test_edit_saves_changes(client, registered):
    membership, _registration = registered
    siret = membership.company.siret
    client.force_login(membership.user)
    response = client.post(URL, edit_post(commune="Bobigny", legal_name="Bois & Cie"))
    assert response["Location"] == reverse("companies:space")
    company = Company.objects.get()
    assert company.legal_name == "Bois & Cie"
    assert company.siret == siret
    assert company.is_local


def test_edit_cannot_change_siret(client, registered):
    membership, _registration = registered
    siret = membership.company.siret
    client.force_login(membership.user)
    client.post(URL, edit_post(siret="73282932000074"))
    assert Company.objects.get().siret == siret


def test_edit_invalid_phone_keeps_typing_and_saves_nothing(client, registered):
    membership, _registration = registered
    client.force_login(membership.user)
    response = client.post(URL, edit_post(contact_phone="12", legal_name="Nouveau nom"))
    html = unescape(response.content.decode())
    assert "Le formulaire contient 1 erreur" in html
    assert 'value="Nouveau nom"' in html
    assert Company.objects.get().legal_name == "Bois et Compagnie"


def test_edit_after_deadline_is_refused(client):
    membership = CompanyMembershipFactory(company__legal_name="Bois et Compagnie")
    RegistrationFactory(company=membership.company, edition=EditionFactory(closed=True))
    client.force_login(membership.user)
    assert client.get(URL)["Location"] == reverse("companies:space")
    client.post(URL, edit_post(legal_name="Trop tard"))
    assert Company.objects.get().legal_name == "Bois et Compagnie"


def test_edit_only_touches_own_company(client, registered):
    membership, registration = registered
    other = CompanyMembershipFactory(company__legal_name="Autre entreprise")
    RegistrationFactory(company=other.company, edition=registration.edition)
    client.force_login(membership.user)
    client.post(URL, edit_post(legal_name="Changé"))
    assert Company.objects.get(pk=other.company.pk).legal_name == "Autre entreprise"
    assert Company.objects.get(pk=membership.company.pk).legal_name == "Changé"


def test_edit_requires_company_role(client):
    EditionFactory()
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(role="buyer"))
    assert client.get(URL).status_code == 403
