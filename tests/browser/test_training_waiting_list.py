"""Headless Chromium: a company registers to a full session (waiting list), a seat frees, the
offer e-mail's link is followed and the seat confirmed."""

import re

import pytest
from playwright.sync_api import Page, expect

from ellipse.outbox.models import OutgoingEmail
from tests.factories import CompanyMembershipFactory, ParticipantFactory, SessionFactory
from tests.factories.accounts import PASSWORD
from trainings.models import Participant
from trainings.services import participant_cancel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_company_joins_a_full_session_is_offered_the_seat_and_confirms(live_server, page: Page):
    session = SessionFactory(title="Répondre à un appel d'offres", capacity=1)
    holder = ParticipantFactory(session=session, seat_number=1)
    member = CompanyMembershipFactory()

    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(member.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.goto(live_server.url + "/formations/")
    page.get_by_role("link", name="Répondre à un appel d'offres", exact=True).click()
    expect(page.locator("#places")).to_contain_text("Complet")
    person = page.get_by_role("group", name="Participant 1")
    person.get_by_label("Nom et prénom").fill("Awa Diallo")
    person.get_by_label("E-mail").fill("awa@entreprise.fr")
    page.get_by_role("button", name="S'inscrire sur la liste d'attente").click()
    expect(page.get_by_role("status")).to_contain_text("liste d'attente")
    expect(page.locator("main")).to_contain_text("Awa Diallo (awa@entreprise.fr) — Liste d'attente")

    participant_cancel(participant_id=holder.pk)  # the seat frees; the offer e-mail is queued
    offer = OutgoingEmail.objects.get(template="trainings/offer", to="awa@entreprise.fr")
    page.goto(live_server.url + offer.context["confirm_path"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Une place s'est libérée")
    page.get_by_role("button", name="Je confirme ma place").click()
    expect(page.locator("#statut-place")).to_contain_text("Votre place est confirmée")
    assert Participant.objects.get(email="awa@entreprise.fr").status == "confirmed"
