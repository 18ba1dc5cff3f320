import datetime as dt

import pytest
from django.core import mail

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import EmailOptOut, OutgoingEmail
from meetings.invitations.services import (
    invitations_send,
    reminders_due,
    schedule_changes_notify,
)
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_reminders_at_d7_and_d1_once_and_honouring_opt_outs(
    schedule, django_capture_on_commit_callbacks
):
    edition, _b, companies = schedule
    opted = next(c for c in companies if Meeting.objects.filter(company=c).exists())
    EmailOptOut.objects.create(email=opted.contact_email, category="reminder")
    assert reminders_due(today=edition.date - dt.timedelta(days=3)) == []
    with django_capture_on_commit_callbacks(execute=True):
        (first,) = reminders_due(today=edition.date - dt.timedelta(days=7))
        (again,) = reminders_due(today=edition.date - dt.timedelta(days=7))
    assert first.skipped == 1 and first.created == len(mail.outbox) > 0
    assert opted.contact_email not in {m.to[0] for m in mail.outbox}
    assert "Dans 7 jours" in mail.outbox[0].subject
    assert "Ne plus recevoir les rappels" in mail.outbox[0].body
    assert "/desinscription/" in mail.outbox[0].body
    count = len(mail.outbox)
    assert again.created == first.created and len(mail.outbox) == count  # dedup: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        reminders_due(today=edition.date - dt.timedelta(days=1))
    assert "C’est demain" in mail.outbox[-1].subject


def test_schedule_change_notifies_invited_parties_once(
    schedule, django_capture_on_commit_callbacks
):
    from meetings.models import MeetingChange

    edition, _b, _c = schedule
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(edition=edition)
    sent = len(mail.outbox)
    meeting = Meeting.objects.filter(edition=edition).select_related("buyer", "company").first()
    MeetingChange.objects.create(
        edition=edition,
        meeting=meeting,
        kind="move",
        old_slot=0,
        new_slot=7,
        buyer=meeting.buyer,
        company=meeting.company,
        description=f"Votre rendez-vous de 9 h 30 avec {meeting.buyer.name} est déplacé à 11 h 50.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = schedule_changes_notify(edition=edition)
        again = schedule_changes_notify(edition=edition)
    assert result.created == 2 and again.created == 0  # the company and the buyer's member
    new = mail.outbox[sent:]
    assert len(new) == 2
    assert {m.to[0] for m in new} == {
        meeting.company.contact_email,
        meeting.buyer.memberships.get().user.email,
    }
    assert all("déplacé à 11 h 50" in m.body for m in new)
    assert MeetingChange.objects.get().notified_at is not None
    assert (
        OutgoingEmail.objects.filter(batch="changements-2031", status=EmailStatus.SENT).count() == 2
    )


def test_changes_before_the_invitation_are_not_notified_separately(schedule):
    from meetings.models import MeetingChange

    edition, _b, _c = schedule
    meeting = Meeting.objects.filter(edition=edition).first()
    MeetingChange.objects.create(
        edition=edition,
        meeting=meeting,
        kind="move",
        buyer=meeting.buyer,
        company=meeting.company,
        description="Déplacé.",
    )
    assert schedule_changes_notify(edition=edition).created == 0
    assert MeetingChange.objects.get().notified_at is not None
