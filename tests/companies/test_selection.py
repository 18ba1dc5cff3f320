"""Status workflow of the staff's selection: transitions, history, bulk, decision e-mails."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from companies import workflow
from companies.enums import RegistrationStatus
from companies.models import Registration, StatusChange
from companies.services.selection import registration_transition, registrations_transition
from ellipse.outbox.models import OutgoingEmail
from tests.factories.accounts import UserFactory
from tests.factories.companies import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(role="staff")


def test_workflow_allowed_transitions_follow_the_pipeline():
    assert workflow.is_allowed("registered", "to_call")
    assert workflow.is_allowed("to_call", "qualified")
    assert workflow.is_allowed("qualified", "retained")
    assert workflow.is_allowed("qualified", "waiting_list")
    assert workflow.is_allowed("waiting_list", "retained")
    assert not workflow.is_allowed("registered", "retained")
    assert not workflow.is_allowed("to_call", "retained")
    assert not workflow.is_allowed("retained", "registered")
    assert not workflow.is_allowed("retained", "retained")
    assert workflow.allowed_targets("to_call") == ["qualified", "not_retained"]
    assert workflow.needs_reason("not_retained") and not workflow.needs_reason("retained")


def test_workflow_every_status_is_known():
    assert set(workflow.ALLOWED) == set(RegistrationStatus.values)
    for targets in workflow.ALLOWED.values():
        assert targets <= set(RegistrationStatus.values)


def test_transition_records_who_when_and_from(staff):
    registration = RegistrationFactory()
    change = registration_transition(
        registration=registration, to_status=RegistrationStatus.TO_CALL, by=staff
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.TO_CALL
    assert change.from_status == RegistrationStatus.REGISTERED
    assert change.to_status == RegistrationStatus.TO_CALL
    assert change.changed_by == staff
    assert change.changed_at is not None
    assert StatusChange.objects.filter(registration=registration).count() == 1


def test_transition_forbidden_raises_french_error_and_changes_nothing(staff):
    registration = RegistrationFactory()
    with pytest.raises(ValidationError) as excinfo:
        registration_transition(
            registration=registration, to_status=RegistrationStatus.RETAINED, by=staff
        )
    assert "impossible" in excinfo.value.messages[0]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert not StatusChange.objects.exists()


def test_transition_not_retained_without_reason_is_refused(staff):
    registration = RegistrationFactory(qualified=True)
    with pytest.raises(ValidationError) as excinfo:
        registration_transition(
            registration=registration, to_status=RegistrationStatus.NOT_RETAINED, by=staff
        )
    assert "motif est obligatoire" in excinfo.value.messages[0]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED


def test_transition_not_retained_keeps_the_reason_and_mails_it(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    registration = RegistrationFactory(qualified=True)
    with django_capture_on_commit_callbacks(execute=True):
        change = registration_transition(
            registration=registration,
            to_status=RegistrationStatus.NOT_RETAINED,
            by=staff,
            reason="Activité sans marché prévu cette année.",
        )
    registration.refresh_from_db()
    assert registration.status_reason == "Activité sans marché prévu cette année."
    email = OutgoingEmail.objects.get(
        dedup_key=f"decision-{registration.pk}-not_retained-{change.pk}"
    )
    assert email.to == registration.company.contact_email
    assert email.template == "companies/decision"
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Activité sans marché prévu cette année." in body
    assert "formations gratuites" in body
    assert "INVALID" not in body and "INVALID" not in mailoutbox[0].subject


def test_transition_retained_sends_a_retained_mail(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    registration = RegistrationFactory(qualified=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(
            registration=registration, to_status=RegistrationStatus.RETAINED, by=staff
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Votre entreprise est retenue")
    assert str(registration.company) in mailoutbox[0].body
    html = mailoutbox[0].alternatives[0][0]
    assert "INVALID" not in html and "retenue" in html


def test_transition_to_call_sends_no_mail(staff, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(
            registration=registration, to_status=RegistrationStatus.TO_CALL, by=staff
        )
    assert not OutgoingEmail.objects.exists()


def test_reconsidered_decision_mails_again(staff, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(qualified=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(
            registration=registration, to_status=RegistrationStatus.WAITING_LIST, by=staff
        )
        registration_transition(
            registration=registration, to_status=RegistrationStatus.RETAINED, by=staff
        )
    assert list(OutgoingEmail.objects.order_by("pk").values_list("context__status", flat=True)) == [
        "waiting_list",
        "retained",
    ]
    registration.refresh_from_db()
    assert list(
        registration.status_changes.order_by("pk").values_list("from_status", "to_status")
    ) == [("qualified", "waiting_list"), ("waiting_list", "retained")]


def test_bulk_transition_all_or_nothing_lists_refusals(staff):
    ok = RegistrationFactory(qualified=True)
    refused = RegistrationFactory()  # registered: cannot be retained directly
    with pytest.raises(ValidationError) as excinfo:
        registrations_transition(
            registration_ids=[ok.pk, refused.pk], to_status=RegistrationStatus.RETAINED, by=staff
        )
    messages = excinfo.value.messages
    assert messages[0] == "Aucun changement enregistré. Refus :"
    assert any(str(refused.company) in m for m in messages)
    assert not any(str(ok.company) in m for m in messages)
    ok.refresh_from_db()
    assert ok.status == RegistrationStatus.QUALIFIED
    assert not StatusChange.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_bulk_transition_applies_to_every_selected(staff):
    registrations = RegistrationFactory.create_batch(3, qualified=True)
    changes = registrations_transition(
        registration_ids=[r.pk for r in registrations],
        to_status=RegistrationStatus.RETAINED,
        by=staff,
    )
    assert len(changes) == 3
    assert set(Registration.objects.values_list("status", flat=True)) == {"retained"}
    assert OutgoingEmail.objects.filter(template="companies/decision").count() == 3


def test_bulk_transition_without_selection_is_refused(staff):
    with pytest.raises(ValidationError):
        registrations_transition(registration_ids=[], to_status="retained", by=staff)


def test_database_refuses_a_not_retained_status_without_reason():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(status="not_retained")


def test_database_refuses_a_status_change_to_the_same_status(staff):
    registration = RegistrationFactory()
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(
            registration=registration,
            from_status="to_call",
            to_status="to_call",
            changed_by=staff,
            changed_at=timezone.now(),
        )
