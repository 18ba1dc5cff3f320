import subprocess
from email import message_from_bytes

import icalendar
import pytest
from django.core import mail

from ellipse.editions.enums import EditionStatus
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from meetings.enums import MeetingStatus
from meetings.invitations.models import GeneratedDocument
from meetings.invitations.selectors import invitation_last_sent, invitation_recipients
from meetings.invitations.services import InvitationError, invitations_send
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return (
        subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
        .stdout.decode()
        .replace("\u00a0", " ")
        .replace("\u202f", " ")
    )


def test_recipients_are_retained_companies_and_buyer_members(schedule):
    edition, buyers, _companies = schedule
    recipients, missing = invitation_recipients(edition=edition)
    kinds = sorted(r.kind for r in recipients)
    met = set(Meeting.objects.filter(edition=edition).values_list("company_id", flat=True))
    assert kinds.count("company") == len(met)
    assert kinds.count("buyer") == len(buyers)  # one member each
    assert missing == []


def test_send_refused_before_publication(schedule):
    edition, _b, _c = schedule
    edition.status = EditionStatus.REGISTRATION_CLOSED
    edition.save()
    Meeting.objects.update(status=MeetingStatus.DRAFT)  # computed, not published
    with pytest.raises(InvitationError, match="pas publié"):
        invitations_send(edition=edition)
    assert OutgoingEmail.objects.count() == 0


def test_published_meetings_are_enough_while_registrations_stay_open(
    schedule, django_capture_on_commit_callbacks
):
    """The demo keeps registrations open with a published schedule: invitations may go."""
    edition, _b, _c = schedule
    edition.status = EditionStatus.REGISTRATION_OPEN
    edition.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations_send(edition=edition)
    assert result.created == len(mail.outbox) > 0


def test_each_recipient_gets_one_mail_with_own_pdf_and_ics(
    schedule, django_capture_on_commit_callbacks
):
    edition, buyers, companies = schedule
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations_send(edition=edition)
    recipients, _missing = invitation_recipients(edition=edition)
    assert result.created == len(recipients) == len(mail.outbox)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    by_address = {m.to[0]: m for m in mail.outbox}
    for company in companies:
        meetings = Meeting.objects.filter(edition=edition, company=company)
        if not meetings:
            assert company.contact_email not in by_address
            continue
        message = by_address[company.contact_email]
        assert "Votre invitation et votre agenda" in message.subject
        names = {a[0]: a for a in message.attachments}
        assert set(names) == {"agenda-2031.pdf", "rendez-vous-2031.ics"}
        text = _pdf_text(names["agenda-2031.pdf"][1])
        for meeting in meetings:
            assert meeting.buyer.name in text
        others = {m.buyer.name for m in Meeting.objects.filter(edition=edition)} - {
            m.buyer.name for m in meetings
        }
        assert not any(name in text for name in others)
        calendar = icalendar.Calendar.from_ical(names["rendez-vous-2031.ics"][1])
        assert len(calendar.walk("VEVENT")) == meetings.count()
        # The text part lists the meetings with French times.
        assert "\u00a0h\u00a0" in message.body
    for buyer in buyers:
        member = buyer.memberships.get().user
        message = by_address[member.email]
        text = _pdf_text({a[0]: a[1] for a in message.attachments}["agenda-2031.pdf"])
        assert "Pourquoi ce rendez-vous" in text
        for meeting in Meeting.objects.filter(edition=edition, buyer=buyer):
            assert str(meeting.company) in text
    # Message-ID derived from the row, the same on every attempt.
    email = OutgoingEmail.objects.first()
    raw = message_from_bytes(by_address[email.to].message().as_bytes())
    assert raw["Message-ID"] == email.message_id


def test_retrigger_sends_only_to_those_not_yet_sent(schedule, django_capture_on_commit_callbacks):
    edition, _b, _c = schedule
    with django_capture_on_commit_callbacks(execute=True):
        first = invitations_send(edition=edition)
    sent = len(mail.outbox)
    # One row failed meanwhile: re-triggering sends it, and only it.
    failed = OutgoingEmail.objects.first()
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=EmailStatus.FAILED, sent_at=None, last_error="SMTP 451"
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = invitations_send(edition=edition)
    assert second.created == 0 and second.queued == 1
    assert second.already_sent == first.created - 1
    assert len(mail.outbox) == sent + 1
    assert OutgoingEmail.objects.count() == first.created


def test_resend_creates_new_rows_deliberately(schedule, django_capture_on_commit_callbacks):
    edition, _b, _c = schedule
    with django_capture_on_commit_callbacks(execute=True):
        first = invitations_send(edition=edition)
    with django_capture_on_commit_callbacks(execute=True):
        again = invitations_send(edition=edition, resend=True)
    assert again.created == first.created
    assert OutgoingEmail.objects.count() == 2 * first.created
    assert OutgoingEmail.objects.filter(resend_of__isnull=False).count() == first.created
    assert len(mail.outbox) == 2 * first.created


def test_documents_are_regenerated_when_the_schedule_changes(
    schedule, django_capture_on_commit_callbacks
):
    edition, _b, _companies = schedule
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(edition=edition)
    meeting = Meeting.objects.filter(edition=edition).order_by("pk").first()
    document = GeneratedDocument.objects.get(
        edition=edition, kind="company_agenda", owner_id=meeting.company_id
    )
    before = (document.content_hash, document.file.name)
    from meetings.invitations.documents import agenda_documents_ensure

    # Unchanged schedule: the stored file is reused.
    again = agenda_documents_ensure(
        edition=edition, owner_kind="company", owner_id=meeting.company_id
    )
    assert (again[0].content_hash, again[0].file.name) == before
    free = sorted(
        set(range(edition.slot_count))
        - set(
            Meeting.objects.filter(edition=edition, company=meeting.company).values_list(
                "slot", flat=True
            )
        )
        - set(
            Meeting.objects.filter(edition=edition, buyer=meeting.buyer).values_list(
                "slot", flat=True
            )
        )
    )
    meeting.slot = free[-1]
    meeting.save()
    pdf, _ics = agenda_documents_ensure(
        edition=edition, owner_kind="company", owner_id=meeting.company_id
    )
    assert pdf.content_hash != before[0] and pdf.file.name != before[1]
    slot = edition.slots[meeting.slot]
    assert f"{slot.start.hour} h {slot.start.minute:02d}" in _pdf_text(pdf.file.read())
    pdf.file.close()


def test_last_sent_date_is_recorded(schedule, django_capture_on_commit_callbacks):
    edition, buyers, _c = schedule
    assert invitation_last_sent(edition=edition, owner_kind="buyer", owner_id=buyers[0].pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(edition=edition)
    assert invitation_last_sent(edition=edition, owner_kind="buyer", owner_id=buyers[0].pk)


def test_cancelled_meetings_are_not_on_the_agenda(schedule, django_capture_on_commit_callbacks):
    edition, _b, _c = schedule
    cancelled = Meeting.objects.filter(edition=edition).first()
    cancelled.status = MeetingStatus.CANCELLED
    cancelled.save()
    from meetings.invitations.agendas import company_agendas

    agendas = company_agendas(edition=edition)
    shown = {m["id"] for a in agendas.values() for m in a["meetings"]}
    assert cancelled.pk not in shown


def test_building_every_agenda_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    from meetings.invitations.agendas import booklet_context, buyer_agendas, company_agendas
    from tests.invitations.data import published_schedule

    edition, _b, _c = published_schedule(buyers=8, companies=20, per_buyer=6, year=2032)
    with django_assert_max_num_queries(6):  # + the afternoon's workshops and pairings
        companies = company_agendas(edition=edition)
    with django_assert_max_num_queries(4):
        buyers = buyer_agendas(edition=edition)
    with django_assert_max_num_queries(8):
        booklet = booklet_context(edition=edition)
    assert sum(len(a["meetings"]) for a in companies.values()) == 48
    assert len(buyers) == 8 and booklet["counts"]["meetings"] == 48
    with django_assert_max_num_queries(4):
        recipients, _missing = invitation_recipients(edition=edition)
    assert len(recipients) == len(companies) + 8


def test_sweep_requeues_invitations_left_waiting_by_a_lost_worker(
    schedule, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.invitations.tasks import invitations_sweep

    edition, _buyers, _companies = schedule
    # The chains were queued, but no worker ran them: the rows stay pending, without agenda.
    with django_capture_on_commit_callbacks(execute=False):
        result = invitations_send(edition=edition)
    assert mail.outbox == []
    assert invitations_sweep() == 0  # too recent: a worker may still be on them
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_sweep() == result.created
    assert len(mail.outbox) == result.created
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert invitations_sweep() == 0


def test_company_agenda_shows_its_afternoon_workshop_in_pdf_and_ics(
    schedule, django_capture_on_commit_callbacks
):
    """A company holding seats at the edition's afternoon workshop finds it on its agenda."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import ParticipantFactory, SessionFactory

    edition, _buyers, companies = schedule
    company = next(c for c in companies if Meeting.objects.filter(company=c).exists())
    start = timezone.make_aware(dt.datetime.combine(edition.date, dt.time(14, 0)))
    workshop = SessionFactory(
        edition=edition, title="Répondre en groupement", starts_at=start, place="Salle Rosa-Parks"
    )
    ParticipantFactory(session=workshop, company=company, name="Aïcha Diallo")
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(edition=edition)
    message = next(m for m in mail.outbox if m.to[0] == company.contact_email)
    names = {a[0]: a[1] for a in message.attachments}
    text = _pdf_text(names["agenda-2031.pdf"])
    assert "Répondre en groupement" in text and "Salle Rosa-Parks" in text
    assert "14 h 00" in text and "Aïcha Diallo" in text
    calendar = icalendar.Calendar.from_ical(names["rendez-vous-2031.ics"])
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert "Atelier : Répondre en groupement" in summaries
    assert len(summaries) == Meeting.objects.filter(company=company).count() + 1


def test_a_participants_pdf_and_calendar_cost_a_few_queries(
    schedule, django_assert_max_num_queries
):
    """Context, then both rows locked, created and updated together in one transaction (they
    were a lock, an insert and an update each, 20 queries): the batch's per-participant
    database cost is bounded; unchanged, nothing is written and the files are reused."""
    from meetings.invitations.documents import agenda_documents_ensure

    edition, buyers, companies = schedule
    with django_assert_max_num_queries(12):  # 6 for the context
        pdf, ics = agenda_documents_ensure(
            edition=edition, owner_kind="company", owner_id=companies[0].pk
        )
    with django_assert_max_num_queries(10):  # 4 for the context
        agenda_documents_ensure(edition=edition, owner_kind="buyer", owner_id=buyers[0].pk)
    with django_assert_max_num_queries(9) as unchanged:
        again = agenda_documents_ensure(
            edition=edition, owner_kind="company", owner_id=companies[0].pk
        )
    assert not [q for q in unchanged.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert [(d.kind, d.file.name, d.content_hash) for d in again] == [
        (d.kind, d.file.name, d.content_hash) for d in (pdf, ics)
    ]
    assert (pdf.kind, ics.kind) == ("company_agenda", "company_ics") and pdf.size > 0
    stored = GeneratedDocument.objects.get(pk=pdf.pk)
    assert (stored.file.name, stored.size, stored.generated_at) == (
        pdf.file.name,
        pdf.size,
        pdf.generated_at,
    )
    assert companies[0].legal_name in _pdf_text(stored.file.read())
    stored.file.close()
