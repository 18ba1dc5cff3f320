"""Invitations through a real Celery worker (two processes), Redis and PostgreSQL: every
recipient gets exactly one e-mail with their PDF agenda and a calendar, even when the worker is
killed in the middle of the batch and started again."""

import io

import icalendar
import pytest
from pypdf import PdfReader

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from meetings.invitations.selectors import invitation_recipients
from meetings.invitations.services import invitations_send
from meetings.models import Meeting
from tests.integration.helpers import sent_messages, wait_for
from tests.invitations.data import published_schedule

pytestmark = pytest.mark.integration


def _check_each_recipient_once(edition, mail_dir, *, killed: bool = False) -> None:
    """Every recipient got its e-mail, with its own agenda. Without a kill, exactly once.

    After a SIGKILL at a random moment, the one window left (the message written or accepted,
    the worker killed before the row says « sent », see ``ellipse/outbox/services.py``) may
    send a message again after the lease: always with the same Message-ID, so that mail
    servers and clients drop the repeat. That is what is asserted then, and the repeats are
    printed."""
    recipients, _missing = invitation_recipients(edition=edition)
    messages = sent_messages(mail_dir)
    by_address: dict[str, list] = {}
    for message in messages:
        by_address.setdefault(str(message["To"]), []).append(message)
    assert sorted(by_address) == sorted(r.email for r in recipients)
    repeats = {k: len(v) for k, v in by_address.items() if len(v) > 1}
    if killed:
        print(f"[invitations] worker killed mid-batch: {len(repeats)} repeat(s) {repeats}")
        for address in repeats:
            ids = {str(m["Message-ID"]) for m in by_address[address]}
            assert len(ids) == 1, (address, ids)  # a repeat, never a second, different e-mail
    else:
        assert not repeats, repeats
    for recipient in recipients:
        message = by_address[recipient.email][0]
        parts = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
        pdf = PdfReader(io.BytesIO(parts[f"agenda-{edition.year}.pdf"]))
        text = "\n".join(page.extract_text() for page in pdf.pages)
        field = "company" if recipient.kind == "company" else "buyer"
        meetings = Meeting.objects.filter(edition=edition, **{field: recipient.owner_id})
        for meeting in meetings.select_related("buyer", "company"):
            other = meeting.buyer.name if field == "company" else str(meeting.company)
            assert other in text, (recipient, other)
        ics = parts[f"rendez-vous-{edition.year}.ics"]
        ics = ics if isinstance(ics, bytes) else ics.encode()
        assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == meetings.count()


def test_invitations_reach_everyone_once_through_a_real_worker(celery_worker_process):
    edition, _buyers, _companies = published_schedule(buyers=4, companies=8, per_buyer=4)
    result = invitations_send(edition=edition)
    assert result.created > 0
    batch = OutgoingEmail.objects.filter(batch=result.batch)
    assert wait_for(lambda: batch.filter(status=EmailStatus.SENT).count() == result.created, 120), (
        celery_worker_process.log
    )
    _check_each_recipient_once(edition, celery_worker_process.mail_dir)
    # Re-triggering sends nothing more.
    again = invitations_send(edition=edition)
    assert again.created == 0 and again.queued == 0 and again.already_sent == result.created


def test_killed_worker_mid_batch_still_one_email_each(celery_worker_process):
    # 48 recipients: on an idle machine the worker must not finish before the first poll.
    edition, _buyers, _companies = published_schedule(buyers=8, companies=40, per_buyer=5)
    result = invitations_send(edition=edition)
    batch = OutgoingEmail.objects.filter(batch=result.batch)
    # Kill (SIGKILL, parent and children) once part of the batch is out, not all of it.
    assert wait_for(lambda: batch.filter(status=EmailStatus.SENT).count() >= 1, 120), (
        celery_worker_process.log
    )
    celery_worker_process.kill()
    done_before = batch.filter(status=EmailStatus.SENT).count()
    assert done_before < result.created, "the batch ended before the kill: enlarge it"
    # Rows caught in the middle of a send would wait for the lease; keep it short here.
    celery_worker_process.env["OUTBOX_SENDING_LEASE_SECONDS"] = "3"
    celery_worker_process.start()
    # Staff re-trigger the batch: only those not yet sent are queued again.
    again = invitations_send(edition=edition)
    assert again.created == 0 and again.already_sent >= done_before
    assert wait_for(lambda: batch.filter(status=EmailStatus.SENT).count() == result.created, 120), (
        list(batch.exclude(status=EmailStatus.SENT).values("to", "status", "last_error")),
        celery_worker_process.log[-3000:],
    )
    _check_each_recipient_once(edition, celery_worker_process.mail_dir, killed=True)
