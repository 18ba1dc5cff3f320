"""The strict Content-Security-Policy breaks nothing: no page of any role, admin included, makes
the browser refuse a script, a style or a frame (Chromium reports each refusal on its console)."""

import pytest
from playwright.sync_api import Browser

from ellipse.demo import seed_demo
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    None: ["/", "/comptes/login/", "/entreprises/inscription/", "/previsions/", "/formations/"],
    "entreprise@ellipse.demo": ["/entreprises/espace/", "/rendez-vous/mon-agenda/"],
    "acheteur@ellipse.demo": [
        "/acheteurs/espace/",
        "/annuaire/",
        "/annuaire/?q=peinture",
        "/acheteurs/espace/previsions/nouvelle/",
        "/acheteurs/espace/previsions/depot/",
    ],
    "elu@ellipse.demo": ["/spaser/"],
    "equipe@ellipse.demo": [
        "/admin/",
        "/admin/companies/registration/",
        "/admin/companies/registration/{registration}/change/",
        "/admin/buyers/plannedcontract/",
        "/admin/buyers/plannedcontract/add/",
        "/admin/buyers/plannedcontract/import/",
        "/admin/outbox/outgoingemail/",
        "/rendez-vous/planning/{year}/",
    ],
}


def test_no_page_violates_the_content_security_policy(live_server, browser: Browser):
    seed_demo()
    from companies.models import Registration
    from ellipse.editions.models import Edition

    values = {
        "year": Edition.objects.current().year,
        "registration": Registration.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    refused: list[str] = []
    for email, paths in PAGES.items():
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        current = {"path": ""}
        page.on(
            "console",
            lambda msg, current=current: (
                refused.append(f"{current['path']}: {msg.text[:300]}")
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        if email:
            sign_in(page, live_server.url, email)
        for path in paths:
            current["path"] = path.format(**values)
            response = page.goto(live_server.url + current["path"])
            assert response is not None and response.status < 500, current["path"]
            assert "content-security-policy" in response.headers
            page.wait_for_load_state("networkidle")
        context.close()
    assert not refused, "\n".join(refused)
