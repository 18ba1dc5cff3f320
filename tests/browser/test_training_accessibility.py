"""Automated WCAG audit (axe-core) of the trainings pages with the demo data: catalogue,
detail with the registration form, my trainings, the staff attendance and figures pages,
the signed offer and survey pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser

from ellipse.demo import seed_demo
from tests.browser.helpers import sign_in
from trainings import services
from trainings.models import Participant, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _violations(axe: Axe, page) -> list[str]:
    found = axe.run(page, options=WCAG).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} — {v['nodes'][0]['target']}" for v in found]


def _login(page, base, email):
    sign_in(page, base, email)


def test_trainings_pages_pass_wcag_rules(live_server, browser: Browser):
    seed_demo()
    upcoming = Session.objects.filter(edition=None, audience="companies").upcoming().first()
    past = Session.objects.filter(participants__attendance="present").first()
    present = Participant.objects.filter(session=past, attendance="present").first()
    survey = reverse(
        "trainings:survey",
        args=[services.participant_token(participant_id=present.pk, salt=services.SURVEY_SALT)],
    )
    waiting = Participant.objects.filter(status="waiting").first()
    services.session_fill(session_id=waiting.session_id)  # nothing free: stays waiting
    offer = reverse(
        "trainings:offer",
        args=[services.participant_token(participant_id=waiting.pk, salt=services.OFFER_SALT)],
    )
    pages = {
        None: ["/formations/", f"/formations/{upcoming.pk}/", survey, offer],
        "entreprise@ellipse.demo": [f"/formations/{upcoming.pk}/", "/formations/mes-formations/"],
        "equipe@ellipse.demo": [
            f"/formations/{past.pk}/presences/",
            "/formations/chiffres/",
            "/formations/cotraitance/",
        ],
    }
    axe = Axe()
    failures = []
    for email, paths in pages.items():
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        if email:
            _login(page, live_server.url, email)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (email, path, response.status)
            failures += [f"{email or 'anonyme'} {path}: {v}" for v in _violations(axe, page)]
        context.close()
    assert failures == []
