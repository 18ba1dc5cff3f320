"""A broker that is down: a company registration still succeeds, its e-mails stay pending, and
once the broker is back the sweep sends exactly one acknowledgement and one confirmation."""

import email
import email.policy
import threading
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse

from ellipse.celery import app as celery_app
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.tasks import outbox_sweep
from tests.companies.registration_helpers import valid_post
from tests.factories import EditionFactory

pytestmark = pytest.mark.integration
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker_unreachable():
    """Point this process's Celery app (broker and result backend) at a closed port."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.result_backend
    conf.broker_url = conf.result_backend = CLOSED
    conf.broker_connection_timeout = 1

    def reset():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app._local = threading.local()  # the cached result backend

    reset()
    try:
        yield
    finally:
        conf.broker_url, conf.result_backend = saved
        reset()


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_registration_with_broker_down_then_back(celery_worker_process, client, caplog):
    EditionFactory()
    with broker_unreachable():
        response = client.post("/entreprises/inscription/", valid_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:register_done")
    assert "non mise en file" in caplog.text
    emails = OutgoingEmail.objects.order_by("pk")
    assert [e.status for e in emails] == [EmailStatus.PENDING, EmailStatus.PENDING]
    assert {e.template for e in emails} == {"companies/registration_received", "outbox/rendered"}

    assert outbox_sweep(older_than_minutes=0) == 2  # the broker is back
    assert _wait_for(lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 2), (
        celery_worker_process.log
    )
    outbox_sweep(older_than_minutes=0)  # a spare sweep changes nothing
    time.sleep(1.0)
    messages = [
        email.message_from_string(f.read_text(), policy=email.policy.default)
        for f in celery_worker_process.mail_dir.glob("*.log")
    ]
    sent_ids = sorted(int(m["X-Ellipse-Email-Id"]) for m in messages)
    assert sent_ids == sorted(e.pk for e in emails)  # one acknowledgement, one confirmation
    subjects = " | ".join(str(m["Subject"]) for m in messages)
    assert "Inscription reçue" in subjects and "Confirm" in subjects, subjects
