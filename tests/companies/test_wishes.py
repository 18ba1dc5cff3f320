import pytest
from django.urls import reverse

from buyers.enums import Visibility
from companies.models import Wish
from tests.factories import (
    CompanyMembershipFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    membership = CompanyMembershipFactory()
    RegistrationFactory(company=membership.company, edition=EditionFactory())
    return membership


def test_wish_toggles_on_and_off(client, member):
    contract = PlannedContractFactory()
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
