"""The public registration page: render, errors next to fields, duplicates, double submit,
deadline, acknowledgement and verification e-mails, CPV search."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from companies.models import Company, Registration, Wish
from ellipse.outbox.models import OutgoingEmail
from tests.companies.registration_helpers import valid_post, wrong_key_siret
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/inscription/"


@pytest.fixture
def edition():
    return EditionFactory()


def test_register_url_is_the_french_path():
    assert reverse("companies:register") == URL


def test_register_page_renders_every_section(client, edition, django_assert_max_num_queries):
    for _ in range(3):
        contract = PlannedContractFactory(year=edition.year)
        BuyerParticipationFactory(edition=edition, organisation=contract.organisation)
    PlannedContractFactory(year=edition.year, visibility="staff", reference="CACHE-1")
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    for title in ("Identité de l'entreprise", "Activité", "Données personnelles", "Étape 1 sur 7"):
        assert title in html
    assert "data-cpv-picker" in html
    assert "trois ans" in html
    # The buyers one may ask to meet are listed; planned contracts come by search or proposal.
    assert html.count('name="wish_organisations"') == 3
    assert 'name="wish_contracts"' not in html
    assert "CACHE-1" not in html
    assert html.count('name="available_slots"') == edition.slot_count


def test_register_page_query_count_does_not_grow_with_contracts(
    client, edition, django_assert_max_num_queries
):
    for _ in range(30):
        PlannedContractFactory(year=edition.year)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_register_valid_post_creates_everything_and_sends_mails(
    client, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:register_done")
    registration = Registration.objects.get()
    assert registration.company.is_local
    assert registration.company.naf_code == "43.34Z"
    ack = OutgoingEmail.objects.get(template="companies/registration_received")
    assert ack.to == "awa.diallo@peintures-est.fr"
    subjects = [m.subject for m in mail.outbox]
    assert any("Inscription reçue" in s for s in subjects)
    bodies = " ".join(m.body for m in mail.outbox)
    assert "/comptes/confirm-email/" in bodies
    done = client.get(response["Location"])
    assert "awa.diallo@peintures-est.fr" in done.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in done.content.decode()


def test_register_acknowledgement_renders_in_french(
    client, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid_post())
    message = next(m for m in mail.outbox if "Inscription reçue" in m.subject)
    assert "Peintures de l'Est" in message.body
    assert "/entreprises/espace/" in message.body
    assert "INVALID_TEMPLATE_VARIABLE" not in message.body
    html = message.alternatives[0][0]
    assert "INVALID_TEMPLATE_VARIABLE" not in html


def test_confirming_the_email_signs_in_and_lands_on_space(
    client, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid_post())
    body = " ".join(m.body for m in mail.outbox)
    link = re.search(r"https?://[^/\s]+(/comptes/confirm-email/[^\s]+/)", body).group(1)
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("companies:space")
    assert "Espace entreprise — Peintures de l'Est" in unescape(response.content.decode())


def test_register_wrong_siret_keeps_what_was_typed_and_creates_nothing(client, edition):
    bad = wrong_key_siret()
    response = client.post(URL, valid_post(siret=bad, contact_phone="12"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le formulaire contient 2 erreurs" in html
    assert 'href="#id_siret"' in html and 'href="#id_contact_phone"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_siret_error"' in html
    assert re.search(r'aria-describedby="id_siret_helptext id_siret_error"', html)
    assert "clé de contrôle" in html
    assert f'value="{bad}"' in html
    assert 'value="Peintures de l&#x27;Est SARL"' in html
    assert "Peinture intérieure et ravalement" in html
    # Every typed value is kept, the password included (typed again would be a trap).
    assert 'name="password1" value="Une-phrase-de-passe-2025"' in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert not Company.objects.exists()


def test_register_keeps_checked_wishes_on_error(client, edition):
    contract = PlannedContractFactory(year=edition.year)
    response = client.post(URL, valid_post(siret="123", wish_contracts=[contract.pk]))
    html = response.content.decode()
    assert re.search(rf'value="{contract.pk}" id="id_wish_contract_{contract.pk}" checked', html)


def test_register_with_wishes_and_slots(client, edition):
    contract = PlannedContractFactory(year=edition.year)
    other = BuyerParticipationFactory(edition=edition).organisation
    client.post(
        URL,
        valid_post(
            wish_contracts=[contract.pk], wish_organisations=[other.pk], available_slots=[0, 3]
        ),
    )
    registration = Registration.objects.get()
    assert registration.available_slots == [0, 3]
    assert set(Wish.objects.values_list("organisation_id", "planned_contract_id")) == {
        (contract.organisation_id, contract.pk),
        (other.pk, None),
    }


def test_register_double_submit_creates_one_company(client, edition):
    first = client.post(URL, valid_post())
    second = client.post(URL, valid_post())
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("companies:register_done")
    assert Company.objects.count() == 1
    assert Registration.objects.count() == 1


def _done_page(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:register_done")
    return unescape(client.get(response["Location"]).content.decode())


def test_register_second_attempt_other_browser_reveals_nothing_and_mails_the_company(
    client, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _done_page(client, client.post(URL, valid_post()))
    client.cookies.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_post(email="autre@peintures-est.fr"))
    second = _done_page(client, response)
    # The visitor reads the same page as a new registration (but for the address typed).
    assert second == first.replace("awa.diallo@peintures-est.fr", "autre@peintures-est.fr")
    assert Company.objects.count() == 1 and Registration.objects.count() == 1
    # The company (its contact and its members) is told by e-mail, the typed address is not.
    assert [m.to for m in mail.outbox] == [["awa.diallo@peintures-est.fr"]]
    assert "Tentative d'inscription" in mail.outbox[0].subject
    assert "déjà un compte" in mail.outbox[0].body
    assert "/comptes/password/reset/" in mail.outbox[0].body


def test_register_with_an_address_that_has_an_account_reveals_nothing(
    client, edition, django_capture_on_commit_callbacks
):
    UserFactory(email="awa.diallo@peintures-est.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_post())
    page = _done_page(client, response)
    assert "awa.diallo@peintures-est.fr" in page and "déjà un compte" not in page.split("Si ")[0]
    assert not Company.objects.exists()
    emails = OutgoingEmail.objects.all()
    assert [(e.to, e.template) for e in emails] == [
        ("awa.diallo@peintures-est.fr", "companies/account_exists")
    ]
    assert "avec votre adresse e-mail" in mail.outbox[0].body
    # The same attempt again the same day: no second e-mail to the owner.
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid_post())
    assert OutgoingEmail.objects.count() == 1


def test_register_attempts_are_rate_limited_per_client(client, edition, settings):
    settings.COMPANY_REGISTRATION_ATTEMPTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, valid_post(siret="123")).status_code == 200
    response = client.post(URL, valid_post(siret="123"))
    html = unescape(response.content.decode())
    assert response.status_code == 429
    assert "Trop de tentatives d'inscription" in html
    assert 'value="Peintures de l\'Est SARL"' in html  # what was typed is kept
    other = client.post(URL, valid_post(siret="123"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200  # another client is not limited
    assert not Company.objects.exists()


def test_register_rate_limit_degrades_open_when_the_cache_is_down(client, edition, caplog):
    from django.core.cache import caches
    from django.test import override_settings

    def down(backend: str) -> dict:
        return {
            "default": {
                "BACKEND": backend,
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }

    try:
        # The project's cache (production's): the page reads cached fragments and stamps too.
        with override_settings(
            CACHES=down("ellipse.core.cache.ResilientRedisCache"),
            COMPANY_REGISTRATION_ATTEMPTS_PER_HOUR=0,
        ):
            response = client.post(URL, valid_post(siret="123"))
        caches._settings = None
        # A backend without degraded mode: the rate limit itself still lets the search through.
        with override_settings(CACHES=down("django.core.cache.backends.redis.RedisCache")):
            search = client.get("/entreprises/cpv/?q=peinture")
    finally:
        caches._settings = None  # back to the test cache before the fixture clears it
    assert response.status_code == 200  # the form's own error, not 429 nor 500
    assert "Le formulaire contient 1 erreur" in unescape(response.content.decode())
    assert search.status_code == 200
    assert "Cache indisponible" in caplog.text or "cache indisponible" in caplog.text


def test_register_closed_after_deadline(client):
    EditionFactory(closed=True)
    response = client.get(URL)
    assert "Inscriptions closes" in response.content.decode()
    response = client.post(URL, valid_post())
    assert not Company.objects.exists()


def test_register_without_edition_says_so(client):
    response = client.get(URL)
    assert "Aucune édition" in response.content.decode()


def test_signed_in_member_of_registered_company_is_sent_to_space(client, edition):
    membership = CompanyMembershipFactory()
    RegistrationFactory(company=membership.company, edition=edition)
    client.force_login(membership.user)
    assert client.get(URL)["Location"] == reverse("companies:space")


def test_signed_in_member_registers_for_new_edition_without_account_fields(client, edition):
    membership = CompanyMembershipFactory()
    RegistrationFactory(company=membership.company, edition=EditionFactory(year=2019))
    client.force_login(membership.user)
    page = client.get(URL).content.decode()
    assert 'name="password1"' not in page
    assert membership.company.siret in page
    data = valid_post(siret="", contact_email="contact@exemple.fr")
    for key in ("email", "password1", "password2"):
        data.pop(key)
    response = client.post(URL, data)
    assert response["Location"] == reverse("companies:space")
    assert membership.company.registrations.filter(edition=edition).exists()
    assert Company.objects.count() == 1


def test_buyer_signed_in_cannot_register_a_company(client, edition):
    client.force_login(UserFactory(role="buyer"))
    response = client.get(URL)
    assert "aucune entreprise" in response.content.decode()
    assert client.post(URL, valid_post()).status_code == 200
    assert not Company.objects.exists()


def test_cpv_search_by_label_ignores_accents_and_case(client):
    CpvCodeFactory(code="45310000", check_digit="3", label="Travaux d'équipement électrique")
    CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    data = client.get(reverse("companies:cpv_search"), {"q": "ELECTRIQUE"}).json()
    assert [r["code"] for r in data["results"]] == ["45310000"]
    assert data["results"][0]["display"] == "45310000-3"


def test_cpv_search_by_code_prefix_and_bounded(client):
    for i in range(30):
        CpvCodeFactory(code=f"453{i:02d}000", label=f"Code {i}")
    data = client.get(reverse("companies:cpv_search"), {"q": "453"}).json()
    assert len(data["results"]) == 20
    assert client.get(reverse("companies:cpv_search"), {"q": "a"}).json() == {"results": []}


def test_cpv_search_labels_of_given_codes(client):
    CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    data = client.get(reverse("companies:cpv_search"), {"codes": "45442100-8,99"}).json()
    assert data["results"] == [
        {"code": "45442100", "display": "45442100-8", "label": "Travaux de peinture"}
    ]


def test_cpv_search_is_rate_limited(client, settings):
    from companies import views

    views_rate = views.CPV_SEARCH_RATE
    for _ in range(views_rate):
        assert client.get(reverse("companies:cpv_search"), {"q": "tra"}).status_code == 200
    assert client.get(reverse("companies:cpv_search"), {"q": "tra"}).status_code == 429


def test_cpv_search_on_real_nomenclature(client, shared_data):
    import csv

    from buyers.models import CpvCode

    with (shared_data / "cpv" / "cpv_2008_fr.csv").open(encoding="utf-8") as handle:
        rows = [
            CpvCode(
                code=r["code8"],
                check_digit=r["code"].split("-")[1],
                label=r["libelle_fr"],
                level=int(r["niveau"]),
                division=r["division"],
            )
            for r in csv.DictReader(handle)
        ]
    CpvCode.objects.bulk_create(rows, ignore_conflicts=True)
    data = client.get(reverse("companies:cpv_search"), {"q": "peinture"}).json()
    assert 0 < len(data["results"]) <= 20
    assert all("peinture" in r["label"].lower() for r in data["results"])


def test_login_page_links_to_company_registration(client):
    html = client.get(reverse("account_login")).content.decode()
    assert URL in html
    assert "/comptes/signup/" not in html


def test_company_factory_unaffected(edition):
    # Guard: the registration helpers' SIRET is not one the factories would generate.
    assert CompanyFactory().siret != valid_post()["siret"]


def test_wish_suggestions_follow_the_activity_typed(client, edition):
    painting = CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    fits = PlannedContractFactory(year=edition.year, cpv_main=painting)
    by_word = PlannedContractFactory(year=edition.year, title="Ravalement des gymnases")
    PlannedContractFactory(year=edition.year, title="Fournitures de bureau")
    PlannedContractFactory(year=edition.year + 1, cpv_main=painting)  # another year: never
    url = reverse("companies:wish_suggestions")
    data = client.get(url, {"cpv": "45442100-8", "mots": "ravalement"}).json()
    assert set(data["ids"]) == {fits.pk, by_word.pk}
    # Those already chosen are left out; htmx gets the picker's fragment (the form's names).
    chosen = {"cpv": "45442100-8", "mots": "ravalement", "wish_contracts": [fits.pk]}
    assert client.get(url, chosen).json()["ids"] == [by_word.pk]
    fragment = client.get(
        url, {"cpv_codes": "45442100", "keywords": "ravalement"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f'id="id_wish_contract_{fits.pk}"' in fragment and "<html" not in fragment
    assert client.get(url, {"cpv": "", "mots": ""}).json() == {"ids": []}
    junk = client.get(url, {"cpv": "abc,١٢٣٤٥٦٧٨," * 50, "mots": "x" * 5000})
    assert junk.status_code == 200
    assert client.get(url, {"cpv": "\x00"}).status_code == 400  # refused before the view


def test_edit_page_shows_the_contracts_close_to_the_activity_first(client, edition):
    painting = CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    PlannedContractFactory(year=edition.year, cpv_main=painting, reference="PEINT-1")
    PlannedContractFactory(year=edition.year, reference="AUTRE-1")
    membership = CompanyMembershipFactory()
    membership.company.cpv_codes.add(painting)
    RegistrationFactory(company=membership.company, edition=edition)
    client.force_login(membership.user)
    html = client.get(reverse("companies:registration_edit")).content.decode()
    suggested = html.split('id="wish-suggested"')[1].split('class="wish-search"')[0]
    assert "PEINT-1" in suggested and "AUTRE-1" not in html
    assert reverse("catalogue:index") in html


@pytest.mark.parametrize("lines", [3, 30])
def test_wish_suggestions_queries_do_not_grow_with_the_catalogue(
    client, edition, lines, django_assert_max_num_queries
):
    """Cold (index built) and warm, the proposals cost the same few queries for 3 or 30 lines
    of the catalogue, and the fragment as much as the JSON answer."""
    painting = CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    PlannedContractFactory.create_batch(lines, year=edition.year, cpv_main=painting)
    url = reverse("companies:wish_suggestions")
    query = {"cpv": "45442100-8", "mots": "peinture"}
    with django_assert_max_num_queries(5):  # edition, the index's reads, the page of lines
        assert len(client.get(url, query).json()["ids"]) == min(lines, 20)
    with django_assert_max_num_queries(2):  # warm: the edition and the proposed lines
        client.get(url, query)
    with django_assert_max_num_queries(2):  # the fragment: the same reads as the JSON
        fragment = client.get(
            url, {"cpv_codes": "45442100", "keywords": "peinture"}, headers={"HX-Request": "true"}
        )
    assert fragment.status_code == 200
