"""The public catalogue /previsions/: published lines only, filters, pagination, wishes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from buyers.enums import ContractStatus, Reservation, Visibility
from tests.factories import (
    CompanyMembershipFactory,
    EditionFactory,
    RegistrationFactory,
    WishFactory,
)
from tests.factories.buyers import (
    BuyerOrganisationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)

pytestmark = pytest.mark.django_db
URL = "/previsions/"
INVALID = "INVALID_TEMPLATE_VARIABLE"


def titles(response) -> set[str]:
    return {c.title for c in response.context["page"]}


def test_catalogue_is_public_and_shows_only_published_lines(client):
    PlannedContractFactory(title="Publiée")
    PlannedContractFactory(title="Lancée", status=ContractStatus.LAUNCHED)
    PlannedContractFactory(title="Brouillon", status=ContractStatus.DRAFT)
    PlannedContractFactory(title="Abandonnée", status=ContractStatus.ABANDONED)
    PlannedContractFactory(title="Interne", visibility=Visibility.STAFF)
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == {"Publiée", "Lancée"}
    content = response.content.decode()
    assert INVALID not in content and "Brouillon" not in content


def test_catalogue_hides_contacts_from_anonymous_visitors(client):
    PlannedContractFactory(contact_name="Mme Agent", contact_email="agent@ville.fr")
    assert "agent@ville.fr" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"amount": "lt40"}, {"Petit"}),
        ({"amount": "100-500"}, {"Moyen social"}),
        ({"amount": "gte500"}, {"Gros réservé"}),
        ({"quarter": "1"}, {"Petit"}),
        ({"reserved": "any"}, {"Gros réservé"}),
        ({"reserved": "ea_esat"}, set()),
        ({"social_clause": "on"}, {"Moyen social"}),
        ({"division": "45"}, {"Petit", "Moyen social"}),
        ({"q": "réservé"}, {"Gros réservé"}),
        ({"q": "Montreuil"}, {"Gros réservé"}),
        ({"year": "2031"}, {"Petit"}),
    ],
)
def test_catalogue_filters(client, params, expected):
    building = CpvCodeFactory(code="45000000", check_digit="7")
    cleaning = CpvCodeFactory(code="90911200", check_digit="8")
    CpvCodeFactory(code="45000000")  # division 45 exists as a level-2 code for the filter
    CpvCodeFactory(code="90000000", check_digit="7")
    montreuil = BuyerOrganisationFactory(name="Ville de Montreuil")
    PlannedContractFactory(
        title="Petit",
        estimated_amount=Decimal("12000"),
        publication_quarter=1,
        cpv_main=building,
        year=2031,
    )
    PlannedContractFactory(
        title="Moyen social",
        estimated_amount=Decimal("150000"),
        social_clause=True,
        cpv_main=building,
        publication_quarter=2,
    )
    PlannedContractFactory(
        title="Gros réservé",
        estimated_amount=Decimal("800000"),
        reservation=Reservation.SIAE,
        cpv_main=cleaning,
        organisation=montreuil,
        publication_quarter=3,
    )
    response = client.get(URL, params)
    assert titles(response) == expected


def test_catalogue_filter_by_buyer(client):
    first = PlannedContractFactory(title="Chez A")
    PlannedContractFactory(title="Chez B")
    response = client.get(URL, {"organisation": first.organisation_id})
    assert titles(response) == {"Chez A"}


def test_catalogue_paginates_with_bounded_queries(client, django_assert_max_num_queries):
    organisation = BuyerOrganisationFactory()
    cpv = CpvCodeFactory()
    PlannedContractFactory.create_batch(60, organisation=organisation, cpv_main=cpv)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page": 2})
    assert len(response.context["page"].object_list) == 25
    assert response.context["paginator"].count == 60
    assert "Page 2 sur 3" in response.content.decode()


def test_registered_company_sees_wish_buttons_and_its_wishes(client, django_assert_max_num_queries):
    edition = EditionFactory()
    membership = CompanyMembershipFactory()
    registration = RegistrationFactory(edition=edition, company=membership.company)
    wished = PlannedContractFactory(title="Déjà souhaité")
    PlannedContractFactory.create_batch(30)
    WishFactory(
        registration=registration, organisation=wished.organisation, planned_contract=wished
    )
    client.force_login(membership.user)
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    content = response.content.decode()
    assert INVALID not in content
    assert reverse("companies:wish_toggle") in content
    assert "Retirer mon souhait" in content
    assert content.count("Je souhaite rencontrer cet acheteur à ce sujet") == 24
    mine = client.get(URL, {"mine": "on"})
    assert titles(mine) == {"Déjà souhaité"}


def test_wish_button_posts_to_the_companies_wish_toggle(client):
    edition = EditionFactory()
    membership = CompanyMembershipFactory()
    registration = RegistrationFactory(edition=edition, company=membership.company)
    contract = PlannedContractFactory(year=edition.year)  # the wish rule: the edition's year
    client.force_login(membership.user)
    response = client.post(
        reverse("companies:wish_toggle"),
        {"organisation": contract.organisation_id, "planned_contract": contract.pk, "next": URL},
    )
    assert response["Location"] == URL
    assert registration.wishes.filter(planned_contract=contract).exists()
    page = client.get(URL).content.decode()
    assert "Vous souhaitez rencontrer cet acheteur à ce sujet." in page


def test_unregistered_company_sees_no_wish_button(client):
    EditionFactory()
    membership = CompanyMembershipFactory()
    PlannedContractFactory()
    client.force_login(membership.user)
    content = client.get(URL).content.decode()
    assert "Je souhaite rencontrer" not in content
    assert "Les souhaits sont ouverts aux entreprises inscrites" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("creches", {"Entretien des Crèches municipales"}),
        ("CRECHE", {"Entretien des Crèches municipales"}),
        ("crèche", {"Entretien des Crèches municipales"}),
        ("ecoles peinture", {"Peinture des écoles"}),
        ("montreuil", {"Peinture des écoles"}),
        ("ESPACES verts", {"Tonte"}),  # the CPV label
        ("2031-XYZ", {"Tonte"}),  # the reference
        ("creches ecoles", set()),  # every word must match
    ],
)
def test_catalogue_search_ignores_accents_and_case(client, query, expected):
    montreuil = BuyerOrganisationFactory(name="Ville de Montreuil")
    PlannedContractFactory(title="Entretien des Crèches municipales")
    PlannedContractFactory(title="Peinture des écoles", organisation=montreuil)
    PlannedContractFactory(
        title="Tonte",
        reference="2031-XYZ",
        cpv_main=CpvCodeFactory(code="77310000", label="Services d'entretien des espaces verts"),
    )
    assert titles(client.get(URL, {"q": query})) == expected


def test_catalogue_search_costs_no_more_queries_than_the_plain_list(
    client, django_assert_max_num_queries
):
    """The plain list counts apart (the index of the default order serves both queries); a
    search reads its page and count in one query."""
    organisation = BuyerOrganisationFactory()
    PlannedContractFactory.create_batch(30, organisation=organisation, title="Crèche")
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)  # warm-up: edition lookup caches
    cache.clear()  # cold renders are compared: neither fragment nor page cached
    with CaptureQueriesContext(connection) as plain:
        client.get(URL)
    assert len(plain.captured_queries) <= 8
    cache.clear()
    with django_assert_max_num_queries(len(plain.captured_queries)):
        response = client.get(URL, {"q": "creche"})
    assert response.context["paginator"].count == 30


def test_catalogue_is_linked_from_the_home_page_and_the_navigation(client):
    html = client.get("/").content.decode()
    assert html.count('href="/previsions/"') >= 2
    response = client.get(URL)
    assert 'href="/previsions/" aria-current="page"' in response.content.decode()


def test_catalogue_search_follows_a_renamed_buyer_and_cpv_label(client):
    organisation = BuyerOrganisationFactory(name="Ville de Bagnolet")
    cpv = CpvCodeFactory(code="77310000", label="Services de plantation")
    PlannedContractFactory(title="Tonte", organisation=organisation, cpv_main=cpv)
    assert titles(client.get(URL, {"q": "bagnolet"})) == {"Tonte"}
    organisation.name = "Ville de Pantin"
    organisation.short_name = "Pantin"
    organisation.save()
    cpv.label = "Services d'élagage"
    cpv.save()
    assert titles(client.get(URL, {"q": "bagnolet"})) == set()
    assert titles(client.get(URL, {"q": "pantin elagage"})) == {"Tonte"}
    assert titles(client.get(URL, {"q": "plantation"})) == set()


def test_catalogue_search_reads_the_stored_document_once_per_page(client):
    """The page and its count come from one query; on PostgreSQL it reads the stored,
    indexed columns (buyers 0006) instead of building each line's document."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PlannedContractFactory.create_batch(30, title="Entretien des crèches")
    PlannedContractFactory(title="Peinture")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "creche", "page": 2})
    assert response.context["paginator"].count == 30
    assert len(response.context["page"].object_list) == 5
    searching = [q["sql"] for q in captured.captured_queries if "creche" in q["sql"]]
    assert len(searching) == 1
    if connection.vendor == "postgresql":
        assert "search_vector" in searching[0] and "to_tsvector" not in searching[0]


@pytest.mark.parametrize(("number", "expected"), [("9", 2), ("0", 1), ("junk", 1), ("", 1)])
def test_catalogue_page_numbers_out_of_range(client, number, expected):
    PlannedContractFactory.create_batch(30)
    response = client.get(URL, {"page": number})
    assert response.status_code == 200
    assert response.context["page"].number == expected
    assert response.context["paginator"].count == 30


def test_catalogue_search_treats_like_wildcards_as_text(client):
    PlannedContractFactory(title="Réfection 100% des toitures")
    PlannedContractFactory(title="Réfection des sols")
    assert titles(client.get(URL, {"q": "100%"})) == {"Réfection 100% des toitures"}
    assert titles(client.get(URL, {"q": "_"})) == set()


def test_catalogue_search_finds_lines_written_in_bulk(client):
    """Imports write with bulk_create / update(): the stored document follows them too."""
    from buyers.models import PlannedContract

    model = PlannedContractFactory(title="Modèle")
    PlannedContract.objects.bulk_create(
        [
            PlannedContract(
                organisation=model.organisation,
                year=model.year,
                reference=f"BULK-{i}",
                title="Élagage des arbres",
                cpv_main=model.cpv_main,
                visibility=Visibility.PUBLISHED,
                status=ContractStatus.PUBLISHED,
            )
            for i in range(3)
        ]
    )
    assert len(titles(client.get(URL, {"q": "elagage"}))) == 1
    assert client.get(URL, {"q": "elagage"}).context["paginator"].count == 3
    PlannedContract.objects.filter(reference="BULK-0").update(title="Fauchage")
    assert client.get(URL, {"q": "élagage"}).context["paginator"].count == 2
    assert titles(client.get(URL, {"q": "fauchage"})) == {"Fauchage"}
