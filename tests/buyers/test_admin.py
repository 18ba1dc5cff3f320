"""Staff: upload for any organisation in the admin, exports, invitations; SIRET rules."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from buyers.enums import OrganisationKind
from buyers.forms import default_year
from buyers.models import BuyerMembership, BuyerOrganisation, PlannedContract
from ellipse.outbox.models import OutgoingEmail
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories import UserFactory
from tests.factories.buyers import PlannedContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


def test_admin_import_preview_then_confirm_for_any_organisation(
    staff_client, organisation, cpv_demo
):
    url = reverse("admin:buyers_plannedcontract_import")
    handle = io.BytesIO(csv_bytes([row()]))
    handle.name = "p.csv"
    response = staff_client.post(
        url, {"organisation": organisation.pk, "year": default_year(), "file": handle}
    )
    assert response.status_code == 200 and "nouvelle" in response.content.decode()
    assert not PlannedContract.objects.exists()
    staff_client.post(url, {"token": response.context["pending"].token})
    assert PlannedContract.objects.get().organisation == organisation


def test_admin_changelist_and_export_all(staff_client, django_assert_max_num_queries):
    PlannedContractFactory.create_batch(20)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:buyers_plannedcontract_changelist"))
    assert "Importer des prévisions" in response.content.decode()
    response = staff_client.get(reverse("admin:buyers_plannedcontract_export", args=["csv"]))
    assert response.content.decode("utf-8-sig").count("\r\n") == 21


def test_admin_invites_a_buyer(staff_client, organisation):
    url = reverse("admin:buyers_buyerorganisation_invite", args=[organisation.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"email": "acheteuse@ville.fr", "first_name": "Ana"})
    assert response.status_code == 302
    assert (
        BuyerMembership.objects.get(user__email="acheteuse@ville.fr").organisation == organisation
    )
    assert OutgoingEmail.objects.filter(
        to="acheteuse@ville.fr", template="buyers/invitation"
    ).exists()


def test_buyer_cannot_reach_the_admin_import(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("admin:buyers_plannedcontract_import"))
    assert response.status_code == 302  # admin login page: buyers are not staff


def test_siret_is_validated_in_french():
    organisation = BuyerOrganisation(
        name="X", kind=OrganisationKind.COMMUNE, siret="12345678901234"
    )
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "clé de contrôle" in str(error.value)


def test_siret_required_for_public_buyers_but_not_private_ones():
    public = BuyerOrganisation(name="Y", kind=OrganisationKind.COMMUNE, siret="")
    with pytest.raises(ValidationError, match="obligatoire pour un acheteur public"):
        public.full_clean()
    private = BuyerOrganisation(name="Z", kind=OrganisationKind.PRIVATE, siret="")
    private.full_clean()
    private.save()
    assert private.siret is None
    with pytest.raises(IntegrityError):
        BuyerOrganisation.objects.create(name="W", kind=OrganisationKind.COMMUNE, siret=None)


def test_admin_search_ignores_accents(staff_client):
    from tests.factories.buyers import PlannedContractFactory

    PlannedContractFactory(title="Entretien des crèches")
    PlannedContractFactory(title="Peinture")
    response = staff_client.get(
        reverse("admin:buyers_plannedcontract_changelist"), {"q": "CRECHES"}
    )
    assert [c.title for c in response.context["cl"].result_list] == ["Entretien des crèches"]
