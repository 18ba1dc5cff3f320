"""Phone qualification: call log, qualification fields, the call queue."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies.enums import CallOutcome, RegistrationStatus
from companies.models import CallLog
from companies.selectors import registrations_to_call, registrations_with_staff_columns
from companies.services.qualification import call_log_record, registration_qualify
from tests.factories.accounts import UserFactory
from tests.factories.companies import CallLogFactory, RegistrationFactory, WishFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(role="staff")


def test_call_log_first_call_puts_registration_in_the_queue(staff):
    registration = RegistrationFactory()
    call = call_log_record(
        registration=registration, by=staff, outcome=CallOutcome.NO_ANSWER, notes=" messagerie "
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.TO_CALL
    assert call.called_by == staff and call.notes == "messagerie"
    assert registration.status_changes.get().to_status == RegistrationStatus.TO_CALL


def test_call_log_call_back_requires_a_time(staff):
    registration = RegistrationFactory(to_call=True)
    with pytest.raises(ValidationError) as excinfo:
        call_log_record(registration=registration, by=staff, outcome=CallOutcome.CALL_BACK)
    assert "quand rappeler" in str(excinfo.value)
    assert not CallLog.objects.exists()


def test_call_log_time_refused_for_other_outcomes(staff):
    registration = RegistrationFactory(to_call=True)
    with pytest.raises(ValidationError):
        call_log_record(
            registration=registration,
            by=staff,
            outcome=CallOutcome.REACHED,
            callback_at=timezone.now(),
        )


def test_call_log_does_not_change_a_later_status(staff):
    registration = RegistrationFactory(retained=True)
    call_log_record(registration=registration, by=staff, outcome=CallOutcome.REACHED)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETAINED


def test_database_refuses_call_back_without_time(staff):
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallLog.objects.create(
            registration=registration, called_at=timezone.now(), outcome=CallOutcome.CALL_BACK
        )


def test_database_refuses_callback_time_on_reached(staff):
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallLog.objects.create(
            registration=registration,
            called_at=timezone.now(),
            outcome=CallOutcome.REACHED,
            callback_at=timezone.now(),
        )


def test_qualify_fills_fields_and_marks_qualified(staff):
    registration = RegistrationFactory(to_call=True)
    registration_qualify(
        registration=registration,
        by=staff,
        tender_capacity="with_support",
        real_interest="high",
        documents_ready="partial",
        needs="Aide au mémoire technique",
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED
    assert registration.tender_capacity == "with_support"
    assert registration.needs == "Aide au mémoire technique"
    assert registration.qualified_by == staff and registration.qualified_at is not None


def test_qualify_missing_assessment_is_refused(staff):
    registration = RegistrationFactory(to_call=True)
    with pytest.raises(ValidationError) as excinfo:
        registration_qualify(
            registration=registration,
            by=staff,
            tender_capacity="yes",
            real_interest="",
            documents_ready="ready",
        )
    assert "real_interest" in excinfo.value.message_dict
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.TO_CALL
    assert registration.tender_capacity == ""


def test_qualify_unknown_value_is_refused(staff):
    registration = RegistrationFactory(to_call=True)
    with pytest.raises(ValidationError):
        registration_qualify(
            registration=registration,
            by=staff,
            tender_capacity="maybe",
            real_interest="high",
            documents_ready="ready",
        )


def test_qualify_keeps_a_decision(staff):
    registration = RegistrationFactory(retained=True)
    registration_qualify(
        registration=registration,
        by=staff,
        tender_capacity="yes",
        real_interest="low",
        documents_ready="ready",
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETAINED
    assert registration.real_interest == "low"


def test_call_queue_order_callbacks_due_first_then_registration_date():
    now = timezone.now()
    old = RegistrationFactory(to_call=True)
    new = RegistrationFactory(edition=old.edition)
    due = RegistrationFactory(to_call=True, edition=old.edition)
    later = RegistrationFactory(to_call=True, edition=old.edition)
    done = RegistrationFactory(qualified=True, edition=old.edition)
    from companies.models import Registration

    for offset, reg in enumerate([old, new, due, later, done]):
        Registration.objects.filter(pk=reg.pk).update(
            created_at=now - dt.timedelta(days=10 - offset)
        )
    CallLogFactory(registration=due, call_back=True, callback_at=now - dt.timedelta(hours=1))
    CallLogFactory(registration=later, call_back=True, callback_at=now + dt.timedelta(days=2))
    CallLogFactory(
        registration=old, outcome=CallOutcome.NO_ANSWER, called_at=now - dt.timedelta(days=1)
    )
    queue = list(registrations_to_call(edition=old.edition, now=now))
    assert [r.pk for r in queue] == [due.pk, old.pk, new.pk, later.pk]
    assert queue[1].last_call_outcome == CallOutcome.NO_ANSWER


def test_call_queue_uses_the_latest_call_only():
    now = timezone.now()
    registration = RegistrationFactory(to_call=True)
    CallLogFactory(
        registration=registration,
        call_back=True,
        callback_at=now - dt.timedelta(days=1),
        called_at=now - dt.timedelta(days=3),
    )
    CallLogFactory(
        registration=registration, outcome=CallOutcome.NO_ANSWER, called_at=now - dt.timedelta(1)
    )
    row = registrations_to_call(edition=registration.edition, now=now).get()
    assert row.last_call_outcome == CallOutcome.NO_ANSWER
    assert row.next_callback_at is None
    assert row.queue_rank == 1


def test_staff_columns_count_wishes_without_duplicating_rows():
    registration = RegistrationFactory()
    WishFactory.create_batch(3, registration=registration)
    CallLogFactory.create_batch(2, registration=registration)
    rows = list(registrations_with_staff_columns().filter(pk=registration.pk))
    assert len(rows) == 1
    assert rows[0].wish_count == 3


def test_a_call_is_shown_in_paris_time_not_utc():
    """« Joint·e — 15/01/2031 10:30 » for a call at 09:30 UTC (winter, UTC+1)."""
    import datetime as dt

    from companies.services.qualification import call_log_record
    from tests.factories import RegistrationFactory

    call = call_log_record(
        registration=RegistrationFactory(),
        by=None,
        outcome="reached",
        called_at=dt.datetime(2031, 1, 15, 9, 30, tzinfo=dt.UTC),
    )
    assert str(call).endswith("15/01/2031 10:30")


def test_call_log_record_keeps_the_latest_call_on_the_registration():
    """The queue sorts on the registration's copy of its latest call (by call time): a call
    recorded late with an earlier time does not replace it."""
    from companies.models import Registration

    now = timezone.now()
    registration = RegistrationFactory(to_call=True)
    due = now - dt.timedelta(hours=1)
    call_log_record(registration=registration, by=None, outcome="call_back", callback_at=due)
    assert registration.last_call_outcome == CallOutcome.CALL_BACK  # the instance as well
    call_log_record(
        registration=registration,
        by=None,
        outcome="no_answer",
        called_at=now - dt.timedelta(days=2),  # noted afterwards
    )
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.last_call_outcome, stored.next_callback_at) == (CallOutcome.CALL_BACK, due)
    assert registrations_to_call(edition=registration.edition, now=now).get().queue_rank == 0
    call_log_record(registration=registration, by=None, outcome="reached")
    stored.refresh_from_db()
    assert (stored.last_call_outcome, stored.next_callback_at) == (CallOutcome.REACHED, None)
    assert stored.last_call_at >= now
