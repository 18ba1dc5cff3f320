"""A broker that is down: a company registration still succeeds, its e-mails stay pending, and
once the broker is back the sweep sends exactly one acknowledgement and one confirmation."""

import time

import pytest
from django.urls import reverse

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.tasks import outbox_sweep
from tests.companies.registration_helpers import valid_post
from tests.factories import EditionFactory
from tests.integration.helpers import sent_messages, wait_for
from tests.outbox.broker import broker_unreachable

pytestmark = pytest.mark.integration


def test_registration_with_broker_down_then_back(celery_worker_process, client, caplog):
    EditionFactory()
    with broker_unreachable():
        response = client.post("/entreprises/inscription/", valid_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:register_done")
    assert "non mise en file" in caplog.text
    emails = OutgoingEmail.objects.order_by("pk")
    assert [e.status for e in emails] == [EmailStatus.PENDING, EmailStatus.PENDING], [
        (e.template, e.status, e.last_error) for e in emails
    ]
    assert {e.template for e in emails} == {"companies/registration_received", "outbox/rendered"}

    queued = outbox_sweep(older_than_minutes=0)  # the broker is back
    assert queued == 2, (queued, caplog.text[-2000:])

    def all_sent() -> bool:
        return OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 2

    # As in production, where beat sweeps every 10 minutes: a hand-off the loaded machine lost
    # is taken again by a later sweep; what must never happen is a second e-mail.
    for _sweep in range(4):
        if wait_for(all_sent, 45):
            break
        outbox_sweep(older_than_minutes=0)
    assert all_sent(), celery_worker_process.log
    outbox_sweep(older_than_minutes=0)  # a spare sweep changes nothing
    time.sleep(1.0)
    messages = sent_messages(celery_worker_process.mail_dir)
    sent_ids = sorted(int(m["X-Ellipse-Email-Id"]) for m in messages)
    assert sent_ids == sorted(e.pk for e in emails)  # one acknowledgement, one confirmation
    subjects = " | ".join(str(m["Subject"]) for m in messages)
    assert "Inscription reçue" in subjects and "Confirm" in subjects, subjects
