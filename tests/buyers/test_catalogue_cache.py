"""The catalogue's cached fragments (filters, result list, page data) under the stamp
``buyers.catalogue``: a warm page runs no query, and every write path (a save, the admin, the
publication's update(), the forecast import's bulk writes, the CPV load) shows on the next
render. Private parts (contacts, wish buttons) never leak through a shared key."""

import pytest
from django.urls import reverse

from buyers.enums import ContractStatus
from buyers.models import PlannedContract
from buyers.services import cpv_load_rows, forecast_import, planned_contract_save
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories import (
    CompanyMembershipFactory,
    EditionFactory,
    RegistrationFactory,
    UserFactory,
    WishFactory,
)
from tests.factories.buyers import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)

pytestmark = pytest.mark.django_db
URL = "/previsions/"


def page(client, params=None) -> str:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lines():
    organisation = BuyerOrganisationFactory(name="Ville de Bobigny")
    cpv = CpvCodeFactory(code="45000000", label="Travaux de construction")
    return PlannedContractFactory.create_batch(30, organisation=organisation, cpv_main=cpv)


def test_warm_catalogue_runs_no_query_for_anonymous_visitors(
    client, lines, django_assert_max_num_queries
):
    first = page(client)
    with django_assert_max_num_queries(0):
        assert page(client) == first
    page(client, {"q": "entretien", "page": 2})
    with django_assert_max_num_queries(0):
        page(client, {"q": " entretien ", "page": 2})  # the same filters, normalised


def test_warm_catalogue_of_a_signed_in_visitor_costs_session_and_user_only(
    client, lines, django_assert_max_num_queries
):
    client.force_login(UserFactory(role="official"))
    page(client)
    with django_assert_max_num_queries(3):  # session, user, its roles (navigation)
        page(client)


def test_a_line_saved_through_the_service_shows_on_the_next_render(client, lines):
    assert "Ravalement des façades" not in page(client)
    contract = lines[0]
    contract.title = "Ravalement des façades"
    planned_contract_save(contract=contract)
    assert "Ravalement des façades" in page(client)


def test_publication_by_update_shows_on_the_next_render(client, lines):
    organisation = lines[0].organisation
    draft = PlannedContractFactory(
        organisation=organisation,
        status=ContractStatus.DRAFT,
        title="Brouillon à publier",
        year=2035,  # sorts first
    )
    assert "Brouillon à publier" not in page(client)
    buyer = BuyerMembershipFactory(organisation=organisation).user
    client.force_login(buyer)
    client.post(reverse("buyers:contracts_publish"), {"contracts": [draft.pk]})
    client.logout()
    assert "Brouillon à publier" in page(client)


def test_forecast_import_bulk_writes_show_on_the_next_render(client, cpv_demo, organisation):
    PlannedContractFactory(organisation=organisation, title="Ancienne ligne", year=2031)
    assert "Entretien des espaces verts" not in page(client)
    filters_before = page(client, {"year": "2031"})
    report = forecast_import(
        organisation=organisation,
        year=2032,
        file=csv_bytes([row(Référence="2032-001")]),
        file_format="csv",
        dry_run=False,
    )
    assert report.written
    content = page(client)
    assert "Entretien des espaces verts" in content
    assert '<option value="2032">2032</option>' in content  # the year filter follows
    assert filters_before != page(client, {"year": "2031"})


def test_admin_deletion_shows_on_the_next_render(client, lines):
    doomed = lines[0]
    assert f'id="contrat-{doomed.pk}"' in page(client, {"organisation": doomed.organisation_id})
    client.force_login(UserFactory(role="staff"))
    client.post(
        reverse("admin:buyers_plannedcontract_changelist"),
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )
    assert not PlannedContract.objects.filter(pk=doomed.pk).exists()
    client.logout()
    assert f'id="contrat-{doomed.pk}"' not in page(client, {"organisation": doomed.organisation_id})


def test_renamed_buyer_and_cpv_label_show_in_the_list_and_the_filters(client, lines):
    organisation = lines[0].organisation
    content = page(client)
    assert "Ville de Bobigny" in content and "45 — Travaux de construction" in content
    organisation.name = "Ville de Pantin"
    organisation.save()  # what the admin's change form does
    cpv_load_rows(rows=[("45000000-7", "Travaux de bâtiment")])  # bulk_update
    content = page(client)
    assert "Ville de Bobigny" not in content
    assert f'<option value="{organisation.pk}">Ville de Pantin</option>' in content
    assert "45 — Travaux de bâtiment" in content
    assert "45000000-7 Travaux de bâtiment" in content


def test_contacts_shown_to_a_signed_in_visitor_never_reach_an_anonymous_one(client):
    PlannedContractFactory(contact_name="Mme Agent", contact_email="agent@ville.fr")
    client.force_login(UserFactory(role="official"))
    assert "agent@ville.fr" in page(client)
    client.logout()
    assert "agent@ville.fr" not in page(client)


def test_wish_buttons_follow_each_wish_and_are_never_cached(client):
    edition = EditionFactory()
    membership = CompanyMembershipFactory()
    registration = RegistrationFactory(edition=edition, company=membership.company)
    contract = PlannedContractFactory(year=edition.year)
    page(client)  # an anonymous visitor warms the shared fragments
    client.force_login(membership.user)
    assert "Retirer mon souhait" not in page(client)
    WishFactory(
        registration=registration, organisation=contract.organisation, planned_contract=contract
    )
    content = page(client)
    assert "Retirer mon souhait" in content and "csrfmiddlewaretoken" in content
    client.logout()
    assert "csrfmiddlewaretoken" not in page(client)


def test_cached_pagination_links_carry_the_cleaned_filters_only(client, lines):
    content = page(client, {"amount": "lt40", "utm": "<x>", "q": " "})
    assert "utm" not in content
    content = page(client, {"quarter": "2", "evil": "1"})
    assert 'href="?quarter=2&amp;page=2"' in content and "evil" not in content
    assert "evil" not in page(client, {"quarter": "2"})


def test_invalid_filters_are_not_cached_and_echo_what_was_typed(client, lines):
    assert "Sélectionnez un choix valide" in page(client, {"organisation": "999999"})
    assert "Sélectionnez un choix valide" not in page(client)
    assert "Sélectionnez un choix valide" in page(client, {"organisation": "999999"})


def test_only_the_first_pages_are_cached(client, settings):
    from django.core.cache import cache

    from buyers.selectors import CATALOGUE_CACHED_PAGES

    PlannedContractFactory.create_batch(3)
    page(client, {"page": CATALOGUE_CACHED_PAGES + 1})
    page(client)
    keys = list(cache._cache.keys())  # LocMem in tests
    assert sum(":buyers.catalogue.page:" in k for k in keys) == 1
