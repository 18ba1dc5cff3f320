"""Headless Chromium: staff retain companies in bulk, are told first how many decision e-mails
will leave (and which companies cannot be retained), confirm once (a double click starts one
run), and follow the job's progress page to its result and refusals; the job page passes the
axe audit, running and finished."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from companies.models import Registration
from ellipse.core.jobs import job_advance, job_begin, job_create, job_finish
from ellipse.core.models import BackgroundJob
from ellipse.outbox.models import OutgoingEmail
from tests.browser.test_accessibility import _violations
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.companies import RegistrationFactory
from tests.factories.editions import EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Page, live_server, user) -> None:
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.wait_for_load_state()


def test_staff_confirm_bulk_retain_then_follow_the_job(live_server, page: Page):
    edition = EditionFactory()
    qualified = RegistrationFactory.create_batch(3, edition=edition, qualified=True)
    refused = RegistrationFactory(edition=edition)  # not qualified: cannot be retained
    _login(page, live_server, UserFactory(role="staff"))
    page.goto(live_server.url + "/admin/companies/registration/")
    for registration in [*qualified, refused]:
        page.locator(f'input.action-select[value="{registration.pk}"]').check()
    page.locator('select[name="action"]').select_option("retain")
    page.locator('button[name="index"]').click()
    expect(page.locator(".decision-plan")).to_have_text(
        "3 e-mails de décision vont partir (« Retenue ») : confirmer ?"
    )
    expect(page.locator(".decision-refusals")).to_contain_text(str(refused.company))
    assert not OutgoingEmail.objects.exists()
    page.get_by_role("button", name="Confirmer et envoyer 3 e-mails").dblclick()
    # Eager mode (the demo, tests): the job has run when the page answers.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Décision « Retenue » pour 4 entreprise(s)", timeout=30_000
    )
    expect(page.get_by_role("status")).to_contain_text("Terminé")
    expect(page.locator(".job-result")).to_contain_text(
        "3 inscription(s) passée(s) à « Retenue » ; 3 e-mail(s) de décision dans la file d'envoi."
    )
    expect(page.locator(".job-failures")).to_contain_text(str(refused.company))
    assert BackgroundJob.objects.count() == 1
    assert Registration.objects.filter(status="retained").count() == 3
    assert OutgoingEmail.objects.filter(template="companies/decision").count() == 3
    assert _violations(Axe(), page) == []
    page.get_by_role("link", name="Voir les inscriptions « Retenue »").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)


def test_job_page_running_with_unknown_total_passes_the_audit(live_server, page: Page):
    staff = UserFactory(role="staff")
    job = job_create(kind="demo", key="demo-1", label="Import de démonstration", by=staff)
    job_begin(job_id=job.pk)
    job_advance(job_id=job.pk, count=1500)
    _login(page, live_server, staff)
    page.goto(f"{live_server.url}/taches/{job.pk}/")
    expect(page.get_by_role("status")).to_contain_text("1500 traités")
    assert _violations(Axe(), page) == []
    job_finish(
        job_id=job.pk,
        result={"lines": ["1500 lu(s)."], "links": [{"url": "/admin/", "label": "Rapport"}]},
    )
    expect(page.locator(".job-links")).to_contain_text("Rapport", timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("Terminé — 1500 sur 1500")
    assert _violations(Axe(), page) == []


def test_job_page_goes_on_to_its_next_page_once_done(live_server, page: Page):
    staff = UserFactory(role="staff")
    job = job_create(kind="demo", key="demo-2", label="Vérification de démonstration", by=staff)
    job_begin(job_id=job.pk, total=2)
    _login(page, live_server, staff)
    page.goto(f"{live_server.url}/taches/{job.pk}/")
    expect(page.get_by_role("status")).to_contain_text("0 sur 2")
    job_finish(job_id=job.pk, result={"lines": ["Vérifié."], "next_url": "/admin/"})
    expect(page).to_have_url(re.compile(r"/admin/$"), timeout=10_000)
