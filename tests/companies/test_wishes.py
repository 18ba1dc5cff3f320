import pytest
from django.urls import reverse

from buyers.enums import Visibility
from companies.models import Wish
from companies.selectors import wish_refusal
from tests.factories import (
    BuyerOrganisationFactory,
    BuyerParticipationFactory,
    CompanyMembershipFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def member(edition):
    membership = CompanyMembershipFactory()
    RegistrationFactory(company=membership.company, edition=edition)
    return membership


def test_wish_toggles_on_and_off(client, member, edition):
    contract = PlannedContractFactory(year=edition.year)
    client.force_login(member.user)
    data = {
        "organisation": contract.organisation_id,
        "planned_contract": contract.pk,
        "next": "/previsions/",
    }
    response = client.post(reverse("companies:wish_toggle"), data)
    assert response["Location"] == "/previsions/"
    assert Wish.objects.filter(planned_contract=contract).count() == 1
    client.post(reverse("companies:wish_toggle"), data)
    assert not Wish.objects.exists()


def test_wish_on_staff_only_line_is_refused(client, member):
    contract = PlannedContractFactory(visibility=Visibility.STAFF)
    client.force_login(member.user)
    client.post(
        reverse("companies:wish_toggle"),
        {"organisation": contract.organisation_id, "planned_contract": contract.pk},
    )
    assert not Wish.objects.exists()


def test_wish_after_deadline_is_refused(client):
    membership = CompanyMembershipFactory()
    RegistrationFactory(company=membership.company, edition=EditionFactory(closed=True))
    contract = PlannedContractFactory()
    client.force_login(membership.user)
    response = client.post(
        reverse("companies:wish_toggle"), {"organisation": contract.organisation_id}, follow=True
    )
    assert "Les inscriptions sont closes" in response.content.decode()
    assert not Wish.objects.exists()


def test_open_redirect_is_ignored(client, member):
    contract = PlannedContractFactory()
    client.force_login(member.user)
    response = client.post(
        reverse("companies:wish_toggle"),
        {"organisation": contract.organisation_id, "next": "https://evil.example"},
    )
    assert response["Location"] == reverse("companies:space")


def test_buyer_cannot_toggle_wishes(client):
    from tests.factories import BuyerMembershipFactory

    client.force_login(BuyerMembershipFactory().user)
    contract = PlannedContractFactory()
    response = client.post(
        reverse("companies:wish_toggle"), {"organisation": contract.organisation_id}
    )
    assert response.status_code == 403


# --- One rule for what a company may wish, through every entry point ------------------------


@pytest.fixture
def outsiders(edition):
    """A buyer taking no part in the edition, and a published contract of another year."""
    return BuyerOrganisationFactory(), PlannedContractFactory(year=edition.year + 1)


def test_rule_refuses_an_outsider_buyer_and_another_years_contract(edition, outsiders):
    buyer, contract = outsiders
    assert "ne participe pas" in wish_refusal(edition=edition, organisation=buyer)
    refusal = wish_refusal(
        edition=edition, organisation=contract.organisation, planned_contract=contract
    )
    assert "n'est pas publié pour l'édition" in refusal
    participant = BuyerParticipationFactory(edition=edition).organisation
    assert wish_refusal(edition=edition, organisation=participant) is None


def test_wish_toggle_applies_the_rule(client, member, outsiders):
    buyer, contract = outsiders
    client.force_login(member.user)
    response = client.post(
        reverse("companies:wish_toggle"), {"organisation": buyer.pk}, follow=True
    )
    assert "ne participe pas" in response.content.decode()
    response = client.post(
        reverse("companies:wish_toggle"),
        {"organisation": contract.organisation_id, "planned_contract": contract.pk},
        follow=True,
    )
    assert "n&#x27;est pas publié pour l&#x27;édition" in response.content.decode()
    assert not Wish.objects.exists()


def test_registration_form_applies_the_rule(edition, outsiders):
    from companies.forms import CompanyRegistrationForm
    from tests.companies.registration_helpers import valid_post

    buyer, contract = outsiders
    data = valid_post(wish_contracts=[contract.pk], wish_organisations=[buyer.pk])
    form = CompanyRegistrationForm(data, edition=edition)
    assert not form.is_valid()
    assert "wish_organisations" in form.errors and "wish_contracts" in form.errors


def test_registration_service_applies_the_rule(member, edition, outsiders):
    from django.core.exceptions import ValidationError

    from companies.services.registration import registration_update

    _buyer, contract = outsiders
    registration = member.company.registrations.get()
    with pytest.raises(ValidationError, match="n'est pas publié pour l'édition"):
        registration_update(
            registration=registration,
            company_data={"legal_name": member.company.legal_name},
            wish_contract_ids=[contract.pk],
        )
    assert not Wish.objects.exists()


def test_wish_made_before_may_be_removed_even_if_no_longer_allowed(client, member, outsiders):
    buyer, _contract = outsiders
    registration = member.company.registrations.get()
    Wish.objects.create(registration=registration, organisation=buyer)
    client.force_login(member.user)
    client.post(reverse("companies:wish_toggle"), {"organisation": buyer.pk})
    assert not Wish.objects.exists()


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999", "١٢", "1\x00"])
def test_wish_toggle_junk_ids_never_fail(client, member, value):
    client.force_login(member.user)
    response = client.post(
        reverse("companies:wish_toggle"), {"organisation": value, "planned_contract": value}
    )
    assert response.status_code == (400 if "\x00" in value else 302)  # NUL: refused up front
    assert not Wish.objects.exists()
