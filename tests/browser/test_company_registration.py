"""Headless Chromium: a new company registers, gets one field wrong (the SIRET's key), sees the
French message next to it and the error summary, corrects it, and its registration is received.
The CPV picker is used with the keyboard only; a planned contract is found among the wishes by
searching."""

import re

import pytest
from playwright.sync_api import Page, expect

from companies.models import Company, Registration
from tests.companies.registration_helpers import PASSWORD, new_siret, wrong_key_siret
from tests.factories import (
    BuyerParticipationFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_company_registers_with_one_wrong_field_then_corrects_it(live_server, page: Page):
    edition = EditionFactory()
    painting = CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    CpvCodeFactory(code="45000000", check_digit="7", label="Travaux de construction")
    contract = PlannedContractFactory(year=edition.year, title="Peinture des écoles")
    PlannedContractFactory(year=edition.year, title="Ravalement de la mairie", cpv_main=painting)
    other = BuyerParticipationFactory(edition=edition).organisation

    page.goto(live_server.url + "/comptes/login/")
    page.get_by_role("link", name="Inscrivez-la à la convention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription des entreprises")

    page.get_by_label("SIRET").fill(wrong_key_siret())
    page.get_by_label("Raison sociale").fill("Peintures de l'Est SARL")
    page.get_by_label("Catégorie d'entreprise").select_option("micro")
    page.get_by_label("Code postal").fill("93100")
    page.get_by_label("Commune").fill("Montreuil")
    page.get_by_label("Ce que vous proposez").fill("Peinture intérieure et ravalement.")
    page.get_by_label("Code NAF (APE)").fill("43.34Z")

    # CPV picker, keyboard only: type, arrow down, Enter.
    search = page.get_by_role("combobox", name=re.compile("Rechercher une catégorie"))
    search.fill("peint")
    expect(page.get_by_role("option", name=re.compile("Travaux de peinture"))).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.get_by_label("Catégories d'achat (codes CPV)")).to_have_value("45442100")
    expect(page.locator(".cpv-chosen")).to_contain_text("Travaux de peinture")
    # Its activity known, the matching planned contract is moved first among the wishes.
    suggested = page.locator("details.wish-suggested")
    expect(suggested).to_contain_text("Proches de votre activité : 1")
    expect(suggested.get_by_label(re.compile("Ravalement de la mairie"))).to_be_visible()

    # Wishes: collapsed per buyer; the search (accents and case ignored) opens what matches.
    wish = page.get_by_label(re.compile("Peinture des écoles"))
    expect(wish).to_be_hidden()
    search_wishes = page.get_by_label("Rechercher un acheteur ou un marché")
    search_wishes.fill("ECOLES")
    search_wishes.press("Enter")  # does not submit the form
    expect(page.get_by_role("status").filter(has_text="Résultats")).to_contain_text("1")
    expect(page.get_by_label(re.compile("Peinture des écoles"))).to_be_visible()
    expect(page.get_by_label(re.compile(f"Rencontrer {other.name}"))).to_be_hidden()
    wish.check()
    search_wishes.fill("")
    expect(page.get_by_label(re.compile(f"Rencontrer {other.name}"))).to_be_hidden()  # closed
    page.get_by_label("Nom et prénom du contact").fill("Awa Diallo")
    page.get_by_label("Adresse e-mail").fill("awa@peintures-est.fr")
    page.get_by_label("Téléphone").fill("01 48 70 00 00")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_label(re.compile("J'ai lu la notice")).check()
    page.get_by_role("button", name="Envoyer mon inscription").click()

    # One error: summarised at the top, next to the field, and what was typed is kept.
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient 1 erreur")
    siret = page.get_by_label("SIRET")
    expect(siret).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_siret_error")).to_contain_text("clé de contrôle")
    expect(page.get_by_label("Raison sociale")).to_have_value("Peintures de l'Est SARL")
    expect(page.get_by_label(re.compile("Peinture des écoles"))).to_be_checked()
    expect(page.get_by_label("Catégories d'achat (codes CPV)")).to_have_value("45442100")
    assert Company.objects.count() == 0

    page.get_by_role("link", name=re.compile("SIRET : Ce SIRET")).click()
    expect(siret).to_be_focused()
    siret.fill(new_siret("browser"))
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Envoyer mon inscription").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription reçue")
    expect(page.locator("main")).to_contain_text("awa@peintures-est.fr")
    registration = Registration.objects.get()
    assert registration.company.is_local
    assert list(registration.company.cpv_codes.values_list("code", flat=True)) == ["45442100"]
    assert registration.wishes.get().planned_contract_id == contract.pk
