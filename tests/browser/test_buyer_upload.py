"""Headless Chromium: a buyer uploads a forecast file with an error, fixes it and confirms."""

import re

import pytest
from playwright.sync_api import Page, expect

from buyers.demo import seed_cpv
from buyers.models import PlannedContract
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories.accounts import PASSWORD
from tests.factories.buyers import BuyerMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_uploads_a_file_with_an_error_fixes_it_and_confirms(live_server, page: Page):
    seed_cpv()
    membership = BuyerMembershipFactory(organisation__name="Ville de Bondy (test)")
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(membership.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace acheteur")

    page.get_by_role("link", name="Déposer un fichier de prévisions").click()
    bad = csv_bytes([row(), row(Référence="2031-002", Code_CPV_principal="12345678")])
    page.get_by_label("Fichier de prévisions (XLSX ou CSV)").set_input_files(
        files=[{"name": "previsions.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ligne 3, colonne « Code CPV principal » : Code CPV inconnu")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    assert not PlannedContract.objects.exists()

    good = csv_bytes([row(), row(Référence="2031-002", Code_CPV_principal="45442100")])
    page.get_by_label("Fichier de prévisions (XLSX ou CSV)").set_input_files(
        files=[{"name": "previsions.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("status").last).to_contain_text("Nouvelles : 2")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".messages")).to_contain_text("enregistrées")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace acheteur")
    expect(page.locator("main table")).to_contain_text("2031-002")
    assert PlannedContract.objects.filter(organisation=membership.organisation).count() == 2


def test_buyer_uploading_the_template_unchanged_is_told_nothing_will_be_imported(
    live_server, page: Page
):
    from pathlib import Path

    from tests.factories.buyers import PlannedContractFactory

    seed_cpv()
    membership = BuyerMembershipFactory(organisation__name="Ville de Pantin (test)")
    # A real line whose reference a careless template could have used.
    PlannedContractFactory(organisation=membership.organisation, reference="2027-001")
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(membership.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.get_by_role("link", name="Déposer un fichier de prévisions").click()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("modèle XLSX")).click()
    template = Path(download.value.path()).read_bytes()
    page.get_by_label("Fichier de prévisions (XLSX ou CSV)").set_input_files(
        files=[
            {
                "name": "modele-previsions.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": template,
            }
        ]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Le fichier ne contient que la ligne d'exemple du modèle : ajoutez vos lignes."
    )
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    assert PlannedContract.objects.count() == 1


def test_buyer_large_file_goes_through_the_job_page_to_preview_and_result(
    live_server, page: Page, settings
):
    """A large file is checked, then imported, by background jobs: the progress page goes on
    by itself to the preview, then to the buyer's space."""
    settings.ELLIPSE_FORECAST_BACKGROUND_BYTES = 0  # every file counts as large
    seed_cpv()
    membership = BuyerMembershipFactory(organisation__name="Ville de Bobigny (test)")
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(membership.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.get_by_role("link", name="Déposer un fichier de prévisions").click()
    rows = [row(Référence=f"2031-{i:03d}", Code_CPV_principal="45442100") for i in range(40)]
    page.get_by_label("Fichier de prévisions (XLSX ou CSV)").set_input_files(
        files=[{"name": "gros.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fichier « gros.csv »")
    expect(page.get_by_role("status").last).to_contain_text("Nouvelles : 40")
    assert not PlannedContract.objects.exists()
    page.get_by_role("button", name="Confirmer l'import").dblclick()
    expect(page.locator(".messages")).to_contain_text("enregistrées")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace acheteur")
    assert PlannedContract.objects.filter(organisation=membership.organisation).count() == 40
