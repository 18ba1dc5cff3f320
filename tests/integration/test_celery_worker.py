"""A real worker process takes a task from Redis and its effect lands in PostgreSQL."""

import pytest
from django.db import transaction

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_enqueue
from tests.integration.helpers import wait_for

pytestmark = pytest.mark.integration


def test_worker_sends_recorded_email(celery_worker_process):
    with transaction.atomic():
        email = email_enqueue(
            to="anne@exemple.fr", template="test_message", context={"name": "Anne"}
        )
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), (
        celery_worker_process.log
    )
    email.refresh_from_db()
    assert email.attempts == 1 and email.sent_at is not None
    files = list(celery_worker_process.mail_dir.glob("*.log"))
    assert len(files) == 1
    assert "Bonjour Anne" in files[0].read_text()
