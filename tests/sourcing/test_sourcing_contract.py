"""From a forecast line: the matching local suppliers (consenting only) and the advice."""

import pytest
from django.urls import reverse

from buyers.enums import ContractStatus
from companies.enums import EssStatus
from companies.models import Company
from tests.factories.buyers import BuyerMembershipFactory, CpvCodeFactory, PlannedContractFactory
from tests.factories.companies import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(organisation):
    return PlannedContractFactory(
        organisation=organisation,
        title="Entretien des espaces verts",
        cpv_main=CpvCodeFactory(code="77310000"),
        estimated_amount=120000,
        social_clause=False,
        environmental_consideration=False,
        status=ContractStatus.DRAFT,
    )


def test_line_lists_matching_consenting_suppliers_best_first(client, buyer, contract, supplier):
    supplier(["77310000"], trade_name="Jardins exacts", ess_status=EssStatus.SIAE)
    supplier(["77000000"], trade_name="Division seulement")
    supplier(["45000000"], trade_name="Hors sujet")
    supplier([], trade_name="Mots-clés", keywords="espaces verts")
    hidden = CompanyFactory(trade_name="Sans accord", directory_consent=False)
    hidden.cpv_codes.add(CpvCodeFactory(code="77310000"))
    client.force_login(buyer)
    response = client.get(reverse("sourcing:contract", args=[contract.pk]))
    assert response.status_code == 200
    sourcing = response.context["sourcing"]
    listed = [str(m.company) for m in sourcing.suppliers]
    assert listed[0] == "Jardins exacts"
    # a shared division alone (77) is a weak hint, not a match
    assert set(listed) == {"Jardins exacts", "Mots-clés"}
    assert sourcing.suppliers[0].reasons == ["même catégorie CPV que le marché"]
    # The advice counts every local supplier registered (consent or not): 3 match.
    assert sourcing.facts.matching == 3
    assert sourcing.facts.matching_siae == 1
    page = response.content.decode()
    assert "Sans accord" not in page
    assert 'data-advice="insertion_clause"' in page
    assert 'data-advice="environment"' in page
    assert "120" in page


def test_line_page_refused_to_another_buyer(client, contract):
    other = BuyerMembershipFactory().user
    client.force_login(other)
    assert client.get(reverse("sourcing:contract", args=[contract.pk])).status_code == 403


def test_line_page_open_to_staff(client, staff, contract):
    client.force_login(staff)
    assert client.get(reverse("sourcing:contract", args=[contract.pk])).status_code == 200


def test_buyer_space_links_each_line_to_its_sourcing(client, buyer, contract):
    client.force_login(buyer)
    page = client.get(reverse("buyers:space")).content.decode()
    assert reverse("sourcing:contract", args=[contract.pk]) in page


def test_advice_thresholds_come_from_settings(client, buyer, contract, settings):
    settings.SOURCING_INSERTION_MIN_AMOUNT = 200000
    client.force_login(buyer)
    page = client.get(reverse("sourcing:contract", args=[contract.pk])).content.decode()
    assert 'data-advice="insertion_clause"' not in page


def test_line_page_queries_do_not_grow_with_suppliers(
    client, buyer, contract, supplier, django_assert_max_num_queries
):
    for n in range(15):
        supplier(["77310000"], trade_name=f"Jardinier {n}")
    client.force_login(buyer)
    with django_assert_max_num_queries(16):  # the companies' index built: 2 more queries
        response = client.get(reverse("sourcing:contract", args=[contract.pk]))
    assert len(response.context["sourcing"].suppliers) == 15
    with django_assert_max_num_queries(14):  # the index kept
        client.get(reverse("sourcing:contract", args=[contract.pk]))


def test_staff_list_links_every_line_with_bounded_queries(
    client, staff, contract, django_assert_max_num_queries
):
    for _ in range(5):
        PlannedContractFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("sourcing:contracts_staff"))
    assert response.context["page"].paginator.count == 6
    assert reverse("sourcing:contract", args=[contract.pk]) in response.content.decode()
    filtered = client.get(
        reverse("sourcing:contracts_staff"), {"acheteur": contract.organisation_id}
    )
    assert [line.pk for line in filtered.context["page"]] == [contract.pk]


def test_staff_list_refused_to_buyers(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("sourcing:contracts_staff")).status_code == 403


def test_line_matching_follows_companies_changes(buyer, contract, supplier):
    """The companies' index is kept between requests, never past a change of its inputs."""
    from spaser.sourcing.matching import contract_matches

    local = Company.objects.filter(is_local=True)
    first = supplier(["45000000"], trade_name="Bientôt paysagiste")
    assert contract_matches(contract=contract, companies=local) == []
    first.cpv_codes.add(CpvCodeFactory(code="77310000"))
    [match] = contract_matches(contract=contract, companies=local)
    assert match.company_id == first.pk
    first.keywords = "espaces verts"
    first.save()
    [match] = contract_matches(contract=contract, companies=local)
    assert match.reasons[-1] == "mots-clés trouvés dans le marché : espaces verts"
