"""The buyer's space: its content is cached per user and its list of lines per organisation under
the stamp ``buyers.space.<id>`` (its lines, the wishes naming it, its members) and the others of
``buyers.views.space``. Every write path shows on the next render; an organisation never sees
another's lines; the warm page reads no line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buyers.enums import ContractStatus
from buyers.services import forecast_import, planned_contract_save
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories import EditionFactory, RegistrationFactory, UserFactory, WishFactory
from tests.factories.buyers import BuyerMembershipFactory, PlannedContractFactory

pytestmark = pytest.mark.django_db
URL = reverse("buyers:space")


def space(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def interested(html: str, contract) -> str:
    """The « interested companies » cell of a line."""
    start = html.index(f'href="/acheteurs/espace/previsions/{contract.pk}/"')
    cells = html[start:].split("<td>")
    return cells[5].split("</td>")[0].strip()


@pytest.fixture
def lines(organisation):
    return PlannedContractFactory.create_batch(12, organisation=organisation, year=2031)


def test_warm_space_reads_no_line(client, buyer, lines, django_assert_max_num_queries):
    client.force_login(buyer)
    with CaptureQueriesContext(connection) as cold:
        first = space(client)
    with CaptureQueriesContext(connection) as warm:
        assert space(client).count("<tr>") == first.count("<tr>")
    read_lines = [q["sql"] for q in warm.captured_queries if "buyers_plannedcontract" in q["sql"]]
    assert read_lines == []
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 3  # years, count, page
    with django_assert_max_num_queries(14):
        space(client)


def test_a_line_saved_or_deleted_shows_on_the_next_render(client, buyer, lines):
    client.force_login(buyer)
    space(client)
    contract = lines[0]
    contract.title = "Ravalement des façades"
    planned_contract_save(contract=contract)
    assert "Ravalement des façades" in space(client)
    contract.delete()
    assert "Ravalement des façades" not in space(client)


def test_publication_by_update_shows_on_the_next_render(client, buyer, organisation):
    draft = PlannedContractFactory(organisation=organisation, status=ContractStatus.DRAFT)
    client.force_login(buyer)
    assert f'id="publier-{draft.pk}"' in space(client)
    client.post(reverse("buyers:contracts_publish"), {"contracts": [draft.pk]})
    assert f'id="publier-{draft.pk}"' not in space(client)


def test_forecast_import_bulk_writes_show_on_the_next_render(client, buyer, organisation, cpv_demo):
    client.force_login(buyer)
    assert "Entretien des espaces verts" not in space(client)
    report = forecast_import(
        organisation=organisation,
        year=2031,
        file=csv_bytes([row()]),
        file_format="csv",
        dry_run=False,
    )
    assert report.written
    assert "Entretien des espaces verts" in space(client)


def test_wishes_one_by_one_and_in_bulk_show_in_the_counts(client, buyer, organisation):
    from companies.services.registration import _wishes_set

    edition = EditionFactory()
    contract = PlannedContractFactory(organisation=organisation, year=edition.year)
    client.force_login(buyer)
    assert interested(space(client), contract) == "0"
    WishFactory(organisation=organisation, planned_contract=contract)  # a save
    assert interested(space(client), contract) == "1"
    registration = RegistrationFactory(edition=edition)
    _wishes_set(registration, organisation_ids=[], contract_ids=[contract.pk])  # bulk_create
    assert interested(space(client), contract) == "2"
    _wishes_set(registration, organisation_ids=[], contract_ids=[])  # queryset delete
    assert interested(space(client), contract) == "1"


def test_an_organisation_never_sees_another_organisations_cached_lines(client, buyer, lines):
    other = BuyerMembershipFactory().user
    PlannedContractFactory(organisation=other.buyer_membership.organisation, title="Secret B")
    client.force_login(buyer)
    assert "Secret B" not in space(client)
    client.force_login(other)
    html = space(client)
    assert "Secret B" in html and lines[0].reference not in html
    client.force_login(buyer)
    assert "Secret B" not in space(client)


def test_publish_form_takes_its_token_outside_the_cached_list(buyer, organisation):
    from django.test import Client

    draft = PlannedContractFactory(organisation=organisation, status=ContractStatus.DRAFT)
    colleague = BuyerMembershipFactory(organisation=organisation).user
    warmer = Client()
    warmer.force_login(colleague)
    space(warmer)  # a colleague fills the cache
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    html = space(client)
    assert 'form="publier-lignes"' in html and 'id="publier-lignes"' in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        reverse("buyers:contracts_publish"),
        {"contracts": [draft.pk], "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ContractStatus.PUBLISHED


def test_staff_editing_a_line_in_the_admin_shows_in_the_space(client, buyer, lines):
    client.force_login(buyer)
    space(client)
    contract = lines[0]
    client.force_login(UserFactory(role="staff"))
    client.post(
        reverse("admin:buyers_plannedcontract_changelist"),
        {"action": "delete_selected", "_selected_action": [contract.pk], "post": "yes"},
    )
    client.force_login(buyer)
    assert f"previsions/{contract.pk}/" not in space(client)


def test_a_wish_moved_to_another_line_in_place_shows_on_the_next_render(client, buyer, lines):
    """The staff's wish inline can point a wish at another line: same number of wishes, same
    highest id — the wish's save moves the space on."""
    first, second = lines[0], lines[1]
    wish = WishFactory(
        registration=RegistrationFactory(), organisation=first.organisation, planned_contract=first
    )
    client.force_login(buyer)
    html = space(client)
    assert interested(html, first) != interested(html, second)
    wish.planned_contract = second
    wish.save()
    moved = space(client)
    assert interested(moved, first) == interested(html, second)
    assert interested(moved, second) == interested(html, first)


def test_a_line_moved_to_another_buyer_leaves_the_old_space(client, buyer, lines):
    client.force_login(buyer)
    assert f"previsions/{lines[0].pk}/" in space(client)
    other = BuyerMembershipFactory().organisation
    lines[0].organisation = other
    lines[0].save()
    assert f"previsions/{lines[0].pk}/" not in space(client)


def test_the_whole_content_is_cached_and_its_token_posts(
    buyer, organisation, django_assert_num_queries
):
    """After the first visit (which sets the CSRF cookie) the space's content comes from the
    cache with its tokens: session and user only; a cached token posts."""
    from django.test import Client

    draft = PlannedContractFactory(organisation=organisation, status=ContractStatus.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    space(client)
    space(client)
    with django_assert_num_queries(2):
        html = space(client)
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        reverse("buyers:contracts_publish"), {"contracts": [draft.pk], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_members_participation_and_interested_companies_show_on_the_next_render(
    client, buyer, organisation
):
    from buyers.models import BuyerParticipation
    from tests.factories import CompanyFactory

    edition = EditionFactory(status="registration_open")
    client.force_login(buyer)
    space(client)
    space(client)
    colleague = BuyerMembershipFactory(organisation=organisation).user  # a colleague joins
    assert colleague.email in space(client)
    colleague.first_name, colleague.last_name = "Camille", "Durand"
    colleague.save()  # renamed
    assert "Camille Durand" in space(client)
    colleague.buyer_membership.delete()  # leaves
    assert colleague.email not in space(client)

    BuyerParticipation.objects.create(edition=edition, organisation=organisation, table="T12")
    assert "table T12" in space(client)

    company = CompanyFactory(legal_name="Menuiserie Dupont")
    WishFactory(
        registration=RegistrationFactory(company=company, edition=edition),
        organisation=organisation,
        planned_contract=None,
    )
    assert "Menuiserie Dupont" in space(client)
    company.legal_name = "Menuiserie Dupont et Fils"
    company.save()
    assert "Menuiserie Dupont et Fils" in space(client)


def test_each_page_and_year_has_its_own_cached_content(client, buyer, organisation):
    PlannedContractFactory.create_batch(51, organisation=organisation, year=2031, title="Ligne A")
    PlannedContractFactory(organisation=organisation, year=2032, title="Ligne de 2032")
    client.force_login(buyer)
    for _ in range(2):
        first = space(client)
        second = client.get(URL, {"page": 2}).content.decode()
        only_2032 = client.get(URL, {"annee": 2032}).content.decode()
        assert first != second
        assert "Ligne de 2032" in only_2032 and "Ligne A" not in only_2032
