"""Selection parts of the demo, the refresh command and the decision e-mail preview."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from companies import workflow
from companies.demo import seed_selection
from companies.enums import RegistrationStatus
from companies.models import CallLog, Registration, StatusChange
from tests.factories.accounts import UserFactory
from tests.factories.buyers import CpvCodeFactory, PlannedContractFactory
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db


def test_demo_selection_history_is_coherent_and_idempotent():
    edition = EditionFactory(year=2033)
    registrations = [
        RegistrationFactory(edition=edition, status=status, status_reason=reason)
        for status, reason in [
            (RegistrationStatus.REGISTERED, ""),
            (RegistrationStatus.TO_CALL, ""),
            (RegistrationStatus.QUALIFIED, ""),
            (RegistrationStatus.RETAINED, ""),
            (RegistrationStatus.WAITING_LIST, ""),
            (RegistrationStatus.NOT_RETAINED, "Entreprise injoignable malgré trois appels."),
            (RegistrationStatus.NOT_RETAINED, "Activité sans lien avec les marchés."),
        ]
    ]
    seed_selection(edition=edition, registrations=registrations)
    counts = (CallLog.objects.count(), StatusChange.objects.count())
    seed_selection(edition=edition, registrations=registrations)
    assert (CallLog.objects.count(), StatusChange.objects.count()) == counts
    for registration in Registration.objects.all():
        history = list(registration.status_changes.order_by("changed_at", "pk"))
        if registration.status == RegistrationStatus.REGISTERED:
            assert history == []
            continue
        assert history[0].from_status == RegistrationStatus.REGISTERED
        assert history[-1].to_status == registration.status
        for before, after in itertools.pairwise(history):
            assert before.to_status == after.from_status
        for change in history:
            assert workflow.is_allowed(change.from_status, change.to_status)
        assert registration.calls.exists()
        assert registration.match_score is not None
        if registration.status in (RegistrationStatus.QUALIFIED, RegistrationStatus.RETAINED):
            assert registration.tender_capacity and registration.qualified_by


def test_refresh_matches_command():
    edition = EditionFactory(year=2034)
    PlannedContractFactory(year=edition.year, cpv_main=CpvCodeFactory(code="45442100"))
    company = CompanyFactory()
    company.cpv_codes.add(CpvCodeFactory(code="45442100"))
    registration = RegistrationFactory(edition=edition, company=company)
    call_command("refresh_matches", year=edition.year)
    registration.refresh_from_db()
    assert registration.match_score == 1.0
    with pytest.raises(CommandError):
        call_command("refresh_matches", year=1990)


def test_decision_preview_in_the_outbox_admin(client):
    from companies.services.selection import registration_transition

    staff = UserFactory(role="staff")
    registration = RegistrationFactory(qualified=True)
    registration_transition(
        registration=registration, to_status="not_retained", by=staff, reason="Hors périmètre."
    )
    client.force_login(staff)
    page = client.get(
        reverse("admin:outbox_preview"), {"template": "companies/decision", "ref": registration.pk}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert "Hors périmètre." in content
    assert "INVALID_TEMPLATE_VARIABLE" not in content
