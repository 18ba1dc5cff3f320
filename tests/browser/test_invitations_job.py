"""Headless Chromium: staff send the invitations, are told first how many e-mails will leave,
confirm once (a double click starts one run), and follow the job's progress page."""

import re

import pytest
from playwright.sync_api import Page, expect

from ellipse.core.jobs import job_advance, job_begin, job_create, job_finish
from ellipse.core.models import BackgroundJob
from ellipse.outbox.models import OutgoingEmail
from meetings.invitations.selectors import invitation_recipients
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.invitations.data import published_schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Page, live_server, user) -> None:
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()


def test_staff_confirm_then_follow_the_invitations_job(live_server, page: Page):
    edition, _buyers, _companies = published_schedule(buyers=2, companies=3, per_buyer=2)
    expected = len(invitation_recipients(edition=edition)[0])
    _login(page, live_server, UserFactory(role="staff"))
    page.goto(live_server.url + "/admin/invitations/generateddocument/envoi/")
    page.get_by_role("button", name="Envoyer les invitations 2031").click()
    expect(page.locator(".invitation-plan")).to_have_text(
        f"{expected} e-mails vont partir : confirmer ?"
    )
    assert not OutgoingEmail.objects.exists()
    page.get_by_role("button", name=f"Envoyer {expected} e-mails").dblclick()
    # In eager mode (the demo, tests) the job runs before the page answers: PDFs take seconds.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Envoi des invitations 2031", timeout=60_000
    )
    expect(page.get_by_role("status")).to_contain_text("Terminé")
    expect(page.locator(".job-result")).to_contain_text(f"{expected} invitation(s) envoyée(s).")
    assert BackgroundJob.objects.count() == 1
    assert OutgoingEmail.objects.filter(status="sent").count() == expected
    page.get_by_role("link", name="Retour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations et agendas")


def test_progress_page_updates_itself(live_server, page: Page):
    staff = UserFactory(role="staff")
    job = job_create(kind="demo", key="demo-1", label="Tâche de démonstration", by=staff)
    job_begin(job_id=job.pk, total=4)
    _login(page, live_server, staff)
    page.goto(f"{live_server.url}/taches/{job.pk}/")
    expect(page.get_by_role("status")).to_contain_text("0 sur 4")
    job_advance(job_id=job.pk, count=2)
    expect(page.get_by_role("status")).to_contain_text("2 sur 4", timeout=10_000)
    job_advance(job_id=job.pk, failure="anne@exemple.fr : adresse refusée")
    job_finish(job_id=job.pk, result={"lines": ["3 élément(s) traité(s)."]})
    expect(page.locator(".job-result")).to_contain_text("3 élément(s) traité(s).", timeout=10_000)
    expect(page.locator(".job-failures")).to_contain_text("anne@exemple.fr : adresse refusée")
    expect(page.get_by_role("status")).to_contain_text("Terminé")
