"""Headless Chromium: a buyer goes from a planned contract to the local suppliers and the
directory, searches without accents, opens a supplier's sheet; the pages pass the WCAG rules."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from companies.enums import EssStatus
from meetings.enums import MeetingStatus
from spaser.sourcing.models import MeetingOutcome
from spaser.sourcing.outcome_links import outcome_url
from tests.factories.accounts import PASSWORD
from tests.factories.buyers import BuyerMembershipFactory, CpvCodeFactory, PlannedContractFactory
from tests.factories.companies import CompanyFactory
from tests.factories.editions import EditionFactory
from tests.factories.meetings import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def violations(page: Page) -> list[str]:
    found = Axe().run(page, options=WCAG).response["violations"]
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found]


def test_buyer_finds_local_suppliers_from_a_planned_contract(live_server, page: Page):
    membership = BuyerMembershipFactory(organisation__name="Ville de Bondy (test)")
    code = CpvCodeFactory(code="77211400", label="Services d'abattage d'arbres")
    PlannedContractFactory(
        organisation=membership.organisation,
        reference="2031-ARB",
        title="Élagage des arbres d'alignement",
        cpv_main=code,
        estimated_amount=90000,
    )
    arbres = CompanyFactory(
        trade_name="Arbres et Insertion",
        description="Élagage, abattage et soins aux arbres",
        ess_status=EssStatus.SIAE,
        commune="Pantin",
        contact_email="contact@arbres.fr",
        directory_consent=True,
    )
    arbres.cpv_codes.add(code)
    CompanyFactory(trade_name="Sans accord", description="Élagage", directory_consent=False)

    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(membership.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace acheteur")

    page.get_by_role("link", name="Fournisseurs locaux et conseils pour 2031-ARB").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Fournisseurs locaux pour 2031-ARB"
    )
    suppliers = page.locator("ol.suppliers")
    expect(suppliers).to_contain_text("Arbres et Insertion")
    expect(suppliers).to_contain_text("même catégorie CPV que le marché")
    expect(page.locator("main")).not_to_contain_text("Sans accord")
    expect(page.locator("[data-advice=insertion_clause]")).to_contain_text("clause sociale")
    assert violations(page) == []

    page.get_by_role("link", name="Chercher dans tout l'annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuaire des fournisseurs")
    expect(page.get_by_role("status")).to_contain_text("1 fournisseur")
    page.get_by_label("Activité").fill("elagage")
    page.get_by_label("Commune").select_option("territoire")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("main article")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Arbres et Insertion")
    expect(results).to_contain_text("Mots trouvés dans l'activité")
    assert violations(page) == []

    results.get_by_role("link", name="Arbres et Insertion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbres et Insertion")
    expect(page.get_by_role("link", name="contact@arbres.fr")).to_be_visible()
    assert violations(page) == []


def test_company_says_what_came_of_its_meeting_through_the_signed_link(live_server, page: Page):
    edition = EditionFactory(date=timezone.localdate() - dt.timedelta(days=3), closed=True)
    meeting = MeetingFactory(
        edition=edition, status=MeetingStatus.PUBLISHED, buyer__name="Ville de Pantin (test)"
    )
    url = outcome_url(edition_id=edition.pk, side="company", party_id=meeting.company_id)
    page.goto(live_server.url + url[url.index("/suites-des-rendez-vous/") :])
    group = page.get_by_role("group", name=re.compile("Ville de Pantin"))
    group.get_by_label("Une suite est prévue").check()
    group.get_by_label("Devis demandé").check()
    group.get_by_label("Commentaire (facultatif)").fill("Devis à envoyer avant juin")
    assert violations(page) == []
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    expect(page.locator(".messages")).to_contain_text("vos réponses sont enregistrées")
    outcome = MeetingOutcome.objects.get(meeting=meeting)
    assert (outcome.side, outcome.status, outcome.follow_ups) == ("company", "follow_up", ["quote"])
    expect(
        page.get_by_role("group", name=re.compile("Ville de Pantin")).get_by_label(
            "Une suite est prévue"
        )
    ).to_be_checked()
