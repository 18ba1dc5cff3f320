"""Headless Chromium: a new company registers, gets one field wrong (the SIRET's key), sees the
French message next to it and the error summary, corrects it, and its registration is received.
The CPV picker is used with the keyboard only; a planned contract is found by the wish picker's
search (htmx, in place), ticked, kept through the error, and stored; without JavaScript the
same search posts the form and shows it again."""

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
    # Its activity known, the matching planned contract is proposed (htmx, in place).
    suggested = page.locator("#wish-suggested")
    expect(suggested).to_contain_text("Proche de votre activité : 1 marché")
    expect(suggested.get_by_label(re.compile("Ravalement de la mairie"))).to_be_visible()

    # Wishes: no line of the catalogue is on the page until searched (accents and case
    # ignored); Enter searches in place, the number found is announced.
    expect(page.get_by_label(re.compile("Peinture des écoles"))).to_have_count(0)
    search_wishes = page.get_by_label("Rechercher un marché prévisionnel")
    search_wishes.fill("ECOLES")
    search_wishes.press("Enter")  # does not submit the form
    results = page.locator("#wish-results")
    expect(results).to_contain_text("1 marché trouvé pour « ECOLES »")
    # one line read out by the status region, not the whole list (the list is not live)
    expect(results).not_to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-wish-status]")).to_have_text("1 marché trouvé pour « ECOLES »")
    expect(page.get_by_role("alert")).to_have_count(0)
    wish = page.get_by_label(re.compile("Peinture des écoles"))
    wish.check()
    # Ticked, it joins the chosen contracts: another search does not drop it.
    chosen = page.locator("#id_wish_contracts")
    expect(chosen.get_by_label(re.compile("Peinture des écoles"))).to_be_checked()
    expect(page.get_by_role("status").filter(has_text="ajouté à vos choix")).to_have_count(1)
    search_wishes.fill("mairie")
    search_wishes.press("Enter")
    expect(results).to_contain_text("1 marché trouvé pour « mairie »")
    # Proposed above already: the result has no second checkbox of the same value.
    expect(page.get_by_label(re.compile("Ravalement de la mairie"))).to_have_count(1)
    expect(chosen.get_by_label(re.compile("Peinture des écoles"))).to_be_checked()
    page.get_by_text(re.compile("Rencontrer un acheteur")).click()
    page.get_by_label(other.name, exact=True).check()
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
    assert set(registration.wishes.values_list("organisation_id", "planned_contract_id")) == {
        (contract.organisation_id, contract.pk),
        (other.pk, None),
    }


def test_wish_search_without_javascript_shows_the_form_again(live_server, browser):
    edition = EditionFactory()
    contract = PlannedContractFactory(year=edition.year, title="Entretien des crèches")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/entreprises/inscription/")
    page.get_by_label("Raison sociale").fill("Crèches Propres SCOP")
    page.get_by_label("Rechercher un marché prévisionnel").fill("creches")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 marché trouvé pour « creches »")).to_be_visible()
    expect(page.get_by_label("Raison sociale")).to_have_value("Crèches Propres SCOP")
    expect(page.get_by_role("alert")).to_have_count(0)  # no error for what was not typed yet
    page.get_by_label(re.compile("Entretien des crèches")).check()
    page.get_by_role("button", name="Rechercher").click()  # searched again: still chosen
    expect(
        page.locator("#id_wish_contracts").get_by_label(re.compile(contract.title))
    ).to_be_checked()
    assert not Company.objects.exists()
    context.close()
