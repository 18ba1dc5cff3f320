"""Headless Chromium: open the home page, sign in with a demo account, reach the role's space."""

import re

import pytest
from playwright.sync_api import Page, expect

from ellipse.accounts.demo import DEMO_PASSWORD
from ellipse.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("entreprise@ellipse.demo", "Espace entreprise"),
        ("acheteur@ellipse.demo", "Espace acheteur — Est Ensemble"),
        ("elu@ellipse.demo", "Tableau de bord des élus"),
    ],
)
def test_demo_account_signs_in_and_reaches_its_space(live_server, page: Page, email, heading):
    seed_demo()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portes ouvertes")
    # Keyboard: the skip link is the first focusable element.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_wrong_password_is_refused_in_french(live_server, page: Page):
    seed_demo()
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill("entreprise@ellipse.demo")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    expect(page.locator("main")).to_contain_text("incorrect")


def test_visitor_reaches_the_catalogue_from_the_home_page_and_searches_without_accents(
    live_server, page: Page
):
    """The public catalogue of planned contracts is one click from the home page, and a search
    typed without accents finds lines written with them."""
    seed_demo()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Voir les marchés prévus").click()
    expect(page).to_have_url(re.compile(r"/previsions/"))
    expect(page.get_by_role("navigation", name="Menu principal")).to_contain_text("Marchés prévus")
    search = page.get_by_role("searchbox").or_(page.get_by_label(re.compile("Rechercher", re.I)))
    search.first.fill("electricite")
    search.first.press("Enter")
    expect(page.locator("main")).to_contain_text(re.compile("électricité", re.IGNORECASE))
