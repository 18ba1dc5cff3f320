"""The registration form's wish picker at a region's size: the page shows the buyers, the
contracts chosen, up to 20 proposals fitting the activity and one page of a search, never the
whole catalogue; ids posted are checked against the rule in one query; the buyers' list is
cached under the catalogue's stamp and follows every write path."""

import re
from html import unescape

import pytest
from django.urls import reverse

from buyers.enums import ContractStatus
from buyers.models import PlannedContract
from companies.models import Company, Registration, Wish
from companies.selectors import MAX_WISH_CONTRACTS
from tests.buyers.forecast_files import csv_bytes, row
from tests.companies.registration_helpers import valid_post
from tests.factories import (
    BuyerOrganisationFactory,
    BuyerParticipationFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/inscription/"
SEARCH = "/entreprises/souhaits/recherche/"


@pytest.fixture
def edition():
    return EditionFactory()


def _catalogue(edition, n: int, *, title: str = "Entretien des espaces verts") -> list[int]:
    """``n`` published lines of one buyer (bulk: the database's search triggers still run)."""
    first = PlannedContractFactory(year=edition.year, title=f"{title} 0", reference="BULK-0000")
    PlannedContract.objects.bulk_create(
        PlannedContract(
            organisation=first.organisation,
            year=edition.year,
            reference=f"BULK-{i:04d}",
            title=f"{title} {i}",
            cpv_main=first.cpv_main,
            estimated_amount=50000,
            publication_quarter=2,
            visibility=first.visibility,
            status=first.status,
        )
        for i in range(1, n)
    )
    return list(PlannedContract.objects.order_by("pk").values_list("pk", flat=True))


def _wish_inputs(html: str, name: str = "wish_contracts") -> list[str]:
    return re.findall(rf'name="{name}" value="(\d+)"', html)


# --- The page costs what it shows --------------------------------------------------------------


def test_register_page_at_2000_contracts_is_bounded(client, edition, django_assert_max_num_queries):
    _catalogue(edition, 2000)
    for _ in range(5):
        BuyerParticipationFactory(edition=edition)
    with django_assert_max_num_queries(3):  # the edition, the buyers, the training topics
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "BULK-" not in html and _wish_inputs(html) == []  # no line rendered by default
    assert len(_wish_inputs(html, "wish_organisations")) == 6
    assert len(html) < 150_000
    # Warm: the buyers' list comes from the cache (no query for it).
    with django_assert_max_num_queries(2):
        assert client.get(URL).status_code == 200


def test_edit_page_with_activity_shows_20_proposals_at_most(
    client, edition, django_assert_max_num_queries
):
    painting = CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    first = PlannedContractFactory(year=edition.year, cpv_main=painting, reference="PEINT-000")
    PlannedContract.objects.bulk_create(
        PlannedContract(
            organisation=first.organisation,
            year=edition.year,
            reference=f"PEINT-{i:03d}",
            title=f"Peinture {i}",
            cpv_main=painting,
            estimated_amount=1000,
            visibility=first.visibility,
            status=first.status,
        )
        for i in range(1, 60)
    )
    membership = CompanyMembershipFactory()
    membership.company.cpv_codes.add(painting)
    registration = RegistrationFactory(company=membership.company, edition=edition)
    Wish.objects.create(
        registration=registration, organisation=first.organisation, planned_contract=first
    )
    client.force_login(membership.user)
    client.get(reverse("companies:registration_edit"))  # warms the index and the buyers
    # Session and user (5), edition, registration and its codes, wishes, topics (6), the chosen
    # line, the proposals, the topics' choices: none per line, none for the catalogue.
    with django_assert_max_num_queries(13):
        html = client.get(reverse("companies:registration_edit")).content.decode()
    chosen = html.split('id="id_wish_contracts"')[1].split('id="wish-suggested"')[0]
    assert f'value="{first.pk}" id="id_wish_contract_{first.pk}" checked' in chosen
    ids = _wish_inputs(html)
    assert len(ids) == 21 and len(set(ids)) == 21  # the chosen one and 20 others, no duplicate
    assert "même code" in html  # the proposals' reasons


# --- The search endpoint (htmx) and its no-JavaScript twin ------------------------------------


def test_wish_search_pages_through_matching_lines(client, edition, django_assert_max_num_queries):
    _catalogue(edition, 25, title="Crèches municipales")
    with django_assert_max_num_queries(2):  # the edition; the page and its count in one query
        client.get(SEARCH, {"wish_q": "crèches", "page": "2"})
    PlannedContractFactory(year=edition.year, title="Crèche privée", visibility="staff")
    PlannedContractFactory(year=edition.year + 1, title="Crèche de l'an prochain")
    PlannedContractFactory(year=edition.year, title="Voirie")
    first = client.get(SEARCH, {"wish_q": "CRECHE"})
    html = unescape(first.content.decode())
    assert first.status_code == 200 and "<html" not in html
    assert "25 marchés trouvés pour « CRECHE »" in html and "page 1 sur 2" in html
    assert len(_wish_inputs(html)) == 20 and 'value="2"' in html  # the next page's button
    second = unescape(client.get(SEARCH, {"wish_q": "crèche", "page": "2"}).content.decode())
    assert len(_wish_inputs(second)) == 5
    assert "privée" not in html + second and "prochain" not in html + second
    assert "Aucun marché" in unescape(client.get(SEARCH, {"wish_q": "zzz"}).content.decode())
    assert client.get(SEARCH, {"wish_q": "", "page": "abc"}).status_code == 200


def test_wish_search_gives_no_second_checkbox_to_a_chosen_line(client, edition):
    ids = _catalogue(edition, 3, title="Crèches")
    html = client.get(SEARCH, {"wish_q": "creches", "wish_contracts": [ids[0], "junk"]})
    html = html.content.decode()
    assert sorted(_wish_inputs(html)) == sorted(str(i) for i in ids[1:])
    assert "déjà proposé plus haut" in html


def test_search_without_javascript_shows_the_form_again_unsaved_without_errors(client, edition):
    ids = _catalogue(edition, 3, title="Crèches")
    data = valid_post(siret="", email="", wish_q="crèches", wish_search="1")
    data["wish_contracts"] = [ids[0]]
    response = client.post(URL, data)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Le formulaire contient" not in html and 'aria-invalid="true"' not in html
    assert 'value="Peintures de l\'Est SARL"' in html  # what was typed is kept
    assert f'value="{ids[0]}" id="id_wish_contract_{ids[0]}" checked' in html
    assert sorted(_wish_inputs(html)) == sorted(str(i) for i in ids)  # results: the two others
    assert not Company.objects.exists()
    page = client.post(URL, {**data, "wish_page": "2"})  # a page button: same re-display
    assert page.status_code == 200 and not Company.objects.exists()


def test_enter_in_the_wish_search_without_javascript_searches_then_registers(client, edition):
    """Without JavaScript, Enter sends the form with its hidden first button (``enter``): with
    new words in the search box it searches (nothing saved); once their results are shown,
    Enter in any field sends the registration, and so does the visible button."""
    ids = _catalogue(edition, 3, title="Crèches")
    data = valid_post(siret="", email="", wish_q="crèches", enter="1")
    html = unescape(client.post(URL, data).content.decode())
    assert not Company.objects.exists() and "Le formulaire contient" not in html
    assert sorted(_wish_inputs(html)) == sorted(str(i) for i in ids)
    assert 'name="wish_q_shown" value="crèches"' in html
    data = valid_post(wish_q="crèches", wish_q_shown="crèches", enter="1")
    data["wish_contracts"] = [ids[1]]
    response = client.post(URL, data)
    assert response.status_code == 302
    assert Registration.objects.get().wishes.get().planned_contract_id == ids[1]


def test_the_visible_button_sends_whatever_the_search_box_holds(client, edition):
    _catalogue(edition, 2, title="Crèches")
    response = client.post(URL, valid_post(wish_q="crèches"))  # no "enter": the button
    assert response.status_code == 302 and Registration.objects.exists()


def test_wish_chosen_through_search_survives_an_error_then_is_stored(client, edition):
    ids = _catalogue(edition, 3, title="Crèches")
    response = client.post(URL, valid_post(siret="123", wish_contracts=[ids[2]]))
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in unescape(html)
    assert f'value="{ids[2]}" id="id_wish_contract_{ids[2]}" checked' in html
    client.post(URL, valid_post(wish_contracts=[ids[2]]))
    assert Registration.objects.get().wishes.get().planned_contract_id == ids[2]


# --- Ids posted: checked in one query, junk is a French error -----------------------------------


@pytest.mark.parametrize("junk", ["abc", "١٢", "99999999999999999999", "-3", "1.5"])
def test_junk_wish_ids_are_a_form_error(client, edition, junk):
    response = client.post(URL, valid_post(wish_contracts=[junk], wish_organisations=[junk]))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Un des choix envoyés n'est pas valide" in html
    assert not Company.objects.exists()


def test_unpublished_or_too_many_wishes_are_refused_without_leaking(
    client, edition, django_assert_max_num_queries
):
    hidden = PlannedContractFactory(year=edition.year, visibility="staff", title="Secret")
    response = client.post(URL, valid_post(wish_contracts=[hidden.pk]))
    html = unescape(response.content.decode())
    assert "n'est pas publié pour l'édition" in html and "Secret" not in html
    ids = _catalogue(edition, MAX_WISH_CONTRACTS + 1)
    with django_assert_max_num_queries(30):  # not one query per id
        response = client.post(URL, valid_post(wish_contracts=ids[-MAX_WISH_CONTRACTS - 1 :]))
    assert f"Choisissez au plus {MAX_WISH_CONTRACTS} marchés" in unescape(response.content.decode())
    assert not Company.objects.exists()


# --- The edit from the company's space ---------------------------------------------------------


def test_edit_keeps_removes_and_adds_wishes(client, edition):
    ids = _catalogue(edition, 3, title="Crèches")
    membership = CompanyMembershipFactory()
    registration = RegistrationFactory(company=membership.company, edition=edition)
    organisation_id = PlannedContract.objects.get(pk=ids[0]).organisation_id
    Wish.objects.create(
        registration=registration, organisation_id=organisation_id, planned_contract_id=ids[0]
    )
    client.force_login(membership.user)
    url = reverse("companies:registration_edit")
    html = client.get(url).content.decode()
    assert _wish_inputs(html) == [str(ids[0])]
    assert f'id="id_wish_contract_{ids[0]}" checked' in html
    data = valid_post(wish_contracts=[ids[1]], wish_q="creches", wish_search="1")
    data["contact_email"] = data.pop("email")
    html = client.post(url, data).content.decode()  # searching: nothing saved
    assert registration.wishes.get().planned_contract_id == ids[0]
    assert f'id="id_wish_contract_{ids[1]}" checked' in html
    data.pop("wish_search")
    assert client.post(url, data).status_code == 302
    assert registration.wishes.get().planned_contract_id == ids[1]


# --- The buyers' list is cached and follows every write path ----------------------------------


def test_buyers_list_follows_participations_renames_and_bulk_publication(client, edition):
    from buyers.services import planned_contracts_publish

    BuyerParticipationFactory(edition=edition, organisation__name="Ville de Bagnolet")
    assert "Ville de Bagnolet" in client.get(URL).content.decode()
    newcomer = BuyerParticipationFactory(edition=edition, organisation__name="Ville de Bondy")
    assert "Ville de Bondy" in client.get(URL).content.decode()  # a save
    newcomer.organisation.name = "Ville de Bondy (renommée)"
    newcomer.organisation.save()
    assert "Bondy (renommée)" in unescape(client.get(URL).content.decode())
    newcomer.delete()
    assert "Bondy" not in client.get(URL).content.decode()  # a delete
    draft = PlannedContractFactory(
        year=edition.year, status=ContractStatus.DRAFT, organisation__name="Est Ensemble Habitat"
    )
    assert "Est Ensemble Habitat" not in client.get(URL).content.decode()
    planned_contracts_publish(organisation=draft.organisation, ids=[draft.pk])  # an update()
    assert "Est Ensemble Habitat" in client.get(URL).content.decode()


def test_buyers_list_and_proposals_follow_the_forecast_import(client, edition):
    from buyers.demo import seed_cpv
    from buyers.services import forecast_import

    seed_cpv()
    organisation = BuyerOrganisationFactory(name="Romainville (import)")
    data = valid_post(siret="", wish_search="1", cpv_codes="", keywords="peinture écoles")
    before = client.post(URL, data).content.decode()  # buyers and index built without it
    assert "Romainville" not in before and f"{edition.year}-001" not in before
    content = csv_bytes(
        [row(Référence=f"{edition.year}-001", Objet="Travaux de peinture des écoles")]
    )
    report = forecast_import(
        organisation=organisation, year=edition.year, file=content, dry_run=False
    )
    assert report.written, report.error_lines()
    assert "Romainville (import)" in client.get(URL).content.decode()  # bulk_create
    html = client.post(URL, data).content.decode()
    proposals = html.split('id="wish-suggested"')[1].split('class="wish-search"')[0]
    assert f"{edition.year}-001" in proposals


# --- The blank public form: the same sections for every visitor, cached -----------------------


def test_blank_form_is_cached_and_follows_topics_slots_and_buyers(
    client, edition, django_assert_max_num_queries
):
    from companies.models import Topic

    _catalogue(edition, 50)
    client.get(URL)
    with django_assert_max_num_queries(1):  # the edition; sections and datalist from the cache
        html = client.get(URL).content.decode()
    assert html.count('name="available_slots"') == edition.slot_count
    assert 'id="naf-codes"' in html and 'value="43.34Z"' in html
    assert "csrfmiddlewaretoken" in html
    Topic.objects.create(name="Thème tout neuf du test")  # a save of a topic
    assert "Thème tout neuf du test" in unescape(client.get(URL).content.decode())
    edition.slot_count += 1
    edition.save()  # the edition's grid
    html = client.get(URL).content.decode()
    assert html.count('name="available_slots"') == edition.slot_count
    BuyerParticipationFactory(edition=edition, organisation__name="Ville de Pantin")
    assert "Ville de Pantin" in client.get(URL).content.decode()  # the catalogue's stamp


def test_blank_page_is_cached_whole_with_each_visitor_s_token(
    client, edition, django_assert_max_num_queries
):
    """The page's heading, lead (title, deadline) and sections come from one cached value; the
    CSRF token is each visitor's own; a save of the edition moves the page on."""
    from django.test import Client

    client.get(URL)
    with django_assert_max_num_queries(1):  # the edition only: no form is built
        first = client.get(URL).content.decode()
    other = Client().get(URL).content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert len(token.findall(first)) == 1 and len(token.findall(other)) == 1
    assert token.search(first).group(1) != token.search(other).group(1)
    assert first.index('<form method="post" novalidate') < first.index("csrfmiddlewaretoken")
    assert first.index("csrfmiddlewaretoken") < first.index('id="identite"')
    edition.title = "Édition renommée du test"
    edition.save()
    assert "Édition renommée du test" in unescape(client.get(URL).content.decode())


def test_blank_form_cache_never_serves_a_bound_or_a_company_s_form(client, edition):
    client.get(URL)  # the blank sections cached
    html = client.post(URL, valid_post(siret="123")).content.decode()
    assert 'value="Peintures de l&#x27;Est SARL"' in html  # the visitor's own values
    membership = CompanyMembershipFactory(company__legal_name="Menuiserie Dupont")
    client.force_login(membership.user)
    html = client.get(URL).content.decode()
    assert "Menuiserie Dupont" in html


def test_search_without_javascript_counts_in_the_searches_rate_limit(client, edition, monkeypatch):
    """The no-JavaScript search is a search like the others: over the limit, the form comes
    back (nothing typed lost) without results, with a French message and a 429."""
    _catalogue(edition, 3, title="Crèches")
    monkeypatch.setattr("companies.views.CPV_SEARCH_RATE", 1)
    data = valid_post(siret="", email="", wish_q="crèches", wish_search="1")
    assert "Crèches" in unescape(client.post(URL, data).content.decode())
    response = client.post(URL, data)
    html = unescape(response.content.decode())
    assert response.status_code == 429
    assert "Trop de recherches : réessayez dans une minute." in html
    assert "marchés trouvés" not in html and 'value="Peintures de l\'Est SARL"' in html
    assert not Company.objects.exists()


def test_the_wish_index_is_kept_a_while_when_the_cache_is_down(edition, django_assert_num_queries):
    """Redis down: every stamp read is new, yet the index (about a second to build at a region's
    size) is not rebuilt at each request but kept up to WISH_INDEX_OUTAGE_SECONDS."""
    from django.core.cache import caches
    from django.test import override_settings

    from companies import selectors
    from ellipse.core.cache import cache_failures_forget

    _catalogue(edition, 3, title="Crèches")
    selectors._WISH_INDEX.clear()
    down = {
        "default": {
            "BACKEND": "ellipse.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    try:
        with override_settings(CACHES=down):
            first = selectors._wish_index(edition)
            with django_assert_num_queries(0):
                assert selectors._wish_index(edition) is not None
            selectors._WISH_INDEX["built"] -= selectors.WISH_INDEX_OUTAGE_SECONDS
            with django_assert_num_queries(3):  # too old: rebuilt
                selectors._wish_index(edition)
    finally:
        caches._settings = None
    assert first[0] is not None
    cache_failures_forget()  # the cache is up again (the test's): the index follows its stamp
    selectors._WISH_INDEX["key"] = (edition.pk, edition.year, "an older stamp")
    with django_assert_num_queries(3):
        selectors._wish_index(edition)
