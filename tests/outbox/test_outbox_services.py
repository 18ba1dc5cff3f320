import pytest
from django.core import mail

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_deliver, email_enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_records_then_sends_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_enqueue(
            to="anne@exemple.fr", template="test_message", context={"name": "Anne"}
        )
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Bonjour Anne"
    assert "Bonjour Anne" in message.body
    assert "<strong>Anne</strong>" in message.alternatives[0][0]
    # Delivering again sends nothing more.
    email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_enqueue(to="anne@exemple.fr", template="test_message", context={"name": "A"})
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_dedup_key_creates_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_enqueue(to="a@exemple.fr", template="test_message", dedup_key="k1")
        second = email_enqueue(to="a@exemple.fr", template="test_message", dedup_key="k1")
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_failure_is_recorded(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    email = OutgoingEmail.objects.create(to="a@exemple.fr", template="test_message")
    with pytest.raises(OSError):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 1 and email.last_error
