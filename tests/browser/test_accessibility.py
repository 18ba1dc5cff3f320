"""Automated accessibility audit (axe-core 4, WCAG 2.1 A and AA rules) of the pages each role
uses, in headless Chromium. It does not replace an RGAA audit by a person; it catches missing
labels, landmarks, contrast, names of buttons and links, invalid ARIA."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from ellipse.demo import seed_demo
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PAGES = {
    None: [
        "/",
        "/comptes/login/",
        "/comptes/password/reset/",
        "/entreprises/inscription/",
        "/previsions/",
        "/previsions/?q=peinture",
        "/formations/",
        "/accessibilite/",
        "/donnees-personnelles/",
    ],
    "entreprise@ellipse.demo": [
        "/entreprises/espace/",
        "/entreprises/espace/inscription/",
        "/rendez-vous/mon-agenda/",
        "/previsions/",
    ],
    "acheteur@ellipse.demo": [
        "/acheteurs/espace/",
        "/acheteurs/espace/previsions/nouvelle/",
        "/acheteurs/espace/previsions/depot/",
        "/acheteurs/espace/participation/",
        "/acheteurs/espace/collegues/inviter/",
        "/rendez-vous/mon-agenda/",
    ],
    "elu@ellipse.demo": ["/spaser/"],
    "equipe@ellipse.demo": [
        "/rendez-vous/planning/{year}/",
        "/rendez-vous/planning/{year}/?q=ville",
        "/rendez-vous/planning/{year}/attente/",
        "/rendez-vous/planning/{year}/ajouter/",
        "/admin/",
    ],
}


def _violations(axe: Axe, page) -> list[str]:
    found = axe.run(page, options=WCAG).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} — {v['nodes'][0]['target']}" for v in found]


def test_audit_detects_a_missing_label(browser: Browser):
    """The audit itself works: an unlabelled field is reported."""
    page = browser.new_page()
    page.set_content('<html lang="fr"><title>t</title><main><input type="text"></main></html>')
    assert any("label" in v for v in _violations(Axe(), page))
    page.close()


def test_pages_of_every_role_pass_wcag_rules(live_server, browser: Browser):
    seed_demo()
    from ellipse.editions.models import Edition

    year = Edition.objects.current().year
    axe = Axe()
    failures = []
    for email, paths in PAGES.items():
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        if email:
            sign_in(page, live_server.url, email)
        for path in paths:
            page.goto(live_server.url + path.format(year=year))
            failures += [f"{email or 'anonyme'} {path}: {v}" for v in _violations(axe, page)]
        context.close()
    assert failures == []


def test_registration_errors_stay_accessible(live_server, browser: Browser):
    """The error state (summary, aria-invalid fields) of the longest form passes too."""
    seed_demo()
    page = browser.new_page()
    page.goto(live_server.url + "/entreprises/inscription/")
    page.fill("#id_siret", "12345678901234")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() > 0
    assert _violations(Axe(), page) == []
    page.close()
