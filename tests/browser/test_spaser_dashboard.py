"""Headless Chromium: an elected official filters the SPASER dashboard by year and buyer."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ellipse.accounts.roles import Role
from spaser.services import decp_import
from tests.factories.accounts import PASSWORD, UserFactory
from tests.spaser.decp_files import HAND_REGISTER, write_v2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_filters_the_dashboard(live_server, page: Page, tmp_path):
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    user = UserFactory(role=Role.OFFICIAL)
    page.goto(live_server.url + "/comptes/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord des élus")

    # Keyboard only: choose the year and the group, then submit.
    page.get_by_label("Année").select_option("2024")
    page.get_by_label("Acheteur").select_option("est-ensemble")
    page.get_by_label("Acheteur").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Afficher")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"year=2024.*buyer=est-ensemble"))
    expect(page.locator("#data-scope")).to_contain_text("Est Ensemble seul")
    table = page.get_by_role("table", name=re.compile("Orientation 1 : indicateurs"))
    expect(table).to_contain_text("50,0 %")  # A and D of 4 Est Ensemble contracts
    expect(
        page.get_by_role("table", name=re.compile("Orientation 4 : indicateurs"))
    ).to_contain_text("Données manquantes")
    expect(page.locator("figure img.spaser-chart")).to_have_count(9)

    page.get_by_label("Acheteur").select_option("pantin")
    page.get_by_role("button", name="Afficher").click()
    expect(
        page.get_by_role("table", name=re.compile("Orientation 1 : indicateurs"))
    ).to_contain_text("100,0 %")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en CSV").click()
    assert download.value.suggested_filename == "spaser-2024.csv"

    violations = (
        Axe()
        .run(
            page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                "resultTypes": ["violations"],
            },
        )
        .response["violations"]
    )
    assert not [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations]
