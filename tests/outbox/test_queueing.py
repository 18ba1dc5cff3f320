"""Hand-off to Celery with the broker down: logged, nothing raised, the row stays pending."""

import logging

import pytest
from django.db import transaction

from ellipse.core.queueing import task_enqueue
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.services import email_enqueue
from ellipse.outbox.tasks import email_send, outbox_sweep
from tests.outbox.broker import broker_unreachable

pytestmark = pytest.mark.django_db(transaction=True)


def test_task_enqueue_reports_a_broker_that_is_down(caplog):
    with broker_unreachable(), caplog.at_level(logging.ERROR):
        assert task_enqueue(email_send, email_id=1) is False
    assert "Courtier Celery injoignable" in caplog.text


def test_enqueue_after_commit_leaves_the_row_pending(caplog):
    with broker_unreachable(), caplog.at_level(logging.ERROR):
        with transaction.atomic():
            email = email_enqueue(to="anne@exemple.fr", template="test_message", context={})
        assert outbox_sweep(older_than_minutes=0) == 0  # nothing could be queued
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and email.attempts == 0
    assert caplog.text.count("non mise en file") == 2
    assert outbox_sweep(older_than_minutes=0) == 1  # eager again: the sweep sends it
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
