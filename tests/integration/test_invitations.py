"""Invitations through a real Celery worker (two processes), Redis and PostgreSQL: every
recipient gets exactly one e-mail with their PDF agenda and a calendar, even when the worker is
killed in the middle of the batch and started again."""

import email
import email.policy
import io

import icalendar
import pytest
from pypdf import PdfReader

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from meetings.invitations.selectors import invitation_recipients
from meetings.invitations.services import invitations_send
from meetings.models import Meeting
from tests.integration.helpers import wait_for
from tests.invitations.data import published_schedule

pytestmark = pytest.mark.integration




def _messages(mail_dir) -> list:
    """Every message the filebased backend wrote (one file per connection, messages separated
    by a line of dashes)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def _check_each_recipient_once(edition, mail_dir) -> None:
    recipients, _missing = invitation_recipients(edition=edition)
    messages = _messages(mail_dir)
    by_address: dict[str, list] = {}
    for message in messages:
        by_address.setdefault(str(message["To"]), []).append(message)
    assert sorted(by_address) == sorted(r.email for r in recipients)
    assert all(len(v) == 1 for v in by_address.values()), {
        k: len(v) for k, v in by_address.items() if len(v) > 1
    }
    for recipient in recipients:
        (message,) = by_address[recipient.email]
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
    edition, _buyers, _companies = published_schedule(buyers=6, companies=14, per_buyer=5)
    result = invitations_send(edition=edition)
    batch = OutgoingEmail.objects.filter(batch=result.batch)
    # Kill (SIGKILL, parent and children) once part of the batch is out, not all of it.
    assert wait_for(lambda: batch.filter(status=EmailStatus.SENT).count() >= 2, 120), (
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
    _check_each_recipient_once(edition, celery_worker_process.mail_dir)
