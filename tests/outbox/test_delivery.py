"""Outbox rules beyond the basics: opt-outs, the sending lease, retry and resend, counters."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from ellipse.outbox.enums import EmailCategory, EmailStatus
from ellipse.outbox.models import EmailOptOut, OutgoingEmail
from ellipse.outbox.services import (
    EmailInFlight,
    batch_counters,
    email_deliver,
    email_enqueue,
    email_resend,
    email_retry,
    unsubscribe_token,
)
from ellipse.outbox.tasks import outbox_sweep

pytestmark = pytest.mark.django_db


def test_a_row_stuck_in_sending_within_the_lease_is_not_sent_twice():
    email = OutgoingEmail.objects.create(
        to="a@exemple.fr",
        template="test_message",
        context={"name": "A"},
        status=EmailStatus.SENDING,
        sending_started_at=timezone.now(),
        attempts=1,
    )
    with pytest.raises(EmailInFlight):
        email_deliver(email_id=email.pk)
    assert mail.outbox == []


def test_a_row_stuck_in_sending_past_the_lease_is_sent_once_with_the_same_message_id(settings):
    settings.OUTBOX_SENDING_LEASE_SECONDS = 60
    email = OutgoingEmail.objects.create(
        to="a@exemple.fr",
        template="test_message",
        context={"name": "A"},
        status=EmailStatus.SENDING,
        sending_started_at=timezone.now() - timedelta(minutes=5),
        attempts=1,
    )
    email_deliver(email_id=email.pk)
    email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 2


def test_a_row_waiting_for_its_attachments_is_not_sent():
    email = OutgoingEmail.objects.create(
        to="a@exemple.fr", template="test_message", context={"requires_attachments": True}
    )
    with pytest.raises(Exception, match="pièces jointes"):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and mail.outbox == []


def test_opted_out_address_gets_a_skipped_row_for_optional_categories_only(
    django_capture_on_commit_callbacks,
):
    EmailOptOut.objects.create(email="a@exemple.fr", category=EmailCategory.REMINDER)
    with django_capture_on_commit_callbacks(execute=True):
        skipped = email_enqueue(
            to="A@exemple.fr", template="test_message", category=EmailCategory.REMINDER
        )
        service = email_enqueue(
            to="a@exemple.fr", template="test_message", category=EmailCategory.INVITATION
        )
    skipped.refresh_from_db()
    service.refresh_from_db()
    assert skipped.status == EmailStatus.SKIPPED and "désinscrit" in skipped.last_error
    assert service.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_optional_mail_carries_a_working_unsubscribe_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to="b@exemple.fr",
            template="test_message",
            context={"name": "B"},
            category=EmailCategory.NEWS,
        )
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").split("8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200 and "b@exemple.fr" in page.content.decode()
    assert not EmailOptOut.objects.exists()  # a GET (link scanner) changes nothing
    done = client.post(path)
    assert "C’est fait" in done.content.decode()
    assert EmailOptOut.objects.filter(email="b@exemple.fr", category="news").exists()


def test_forged_unsubscribe_link_gets_a_french_message(client):
    token = unsubscribe_token(email="c@exemple.fr", category="reminder")
    response = client.get(reverse("outbox:unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert "Lien de désinscription invalide" in response.content.decode()
    # A valid signature on a service category is refused too.
    service = signing.dumps(
        {"e": "c@exemple.fr", "c": "service"}, salt="ellipse.outbox.unsubscribe"
    )
    assert client.post(reverse("outbox:unsubscribe", args=[service])).status_code == 400
    assert not EmailOptOut.objects.exists()


def test_retry_requeues_failed_rows_and_resend_creates_new_ones(
    django_capture_on_commit_callbacks,
):
    failed = OutgoingEmail.objects.create(
        to="a@exemple.fr", template="test_message", status=EmailStatus.FAILED, batch="lot-1"
    )
    sent = OutgoingEmail.objects.create(
        to="b@exemple.fr",
        template="test_message",
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        batch="lot-1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email_ids=[failed.pk, sent.pk]) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@exemple.fr"]
    with django_capture_on_commit_callbacks(execute=True):
        copies = email_resend(email_ids=[sent.pk])
    assert copies[0].resend_of == sent and len(mail.outbox) == 2
    counters = {row["batch"]: row for row in batch_counters()}
    assert counters["lot-1"]["sent"] == 3 and counters["lot-1"]["failed"] == 0


def test_one_failing_address_does_not_stop_a_batch(settings, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    class Refusing(EmailBackend):
        def send_messages(self, messages):
            if any("refus" in m.to[0] for m in messages):
                raise OSError("550 boîte inexistante")
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    globals()["Refusing"] = Refusing
    with django_capture_on_commit_callbacks(execute=True):
        for address in ["a@exemple.fr", "refus@exemple.fr", "c@exemple.fr"]:
            email_enqueue(to=address, template="test_message", batch="lot-2")
    statuses = dict(OutgoingEmail.objects.values_list("to", "status"))
    assert statuses == {
        "a@exemple.fr": EmailStatus.SENT,
        "refus@exemple.fr": EmailStatus.FAILED,
        "c@exemple.fr": EmailStatus.SENT,
    }
    assert "550" in OutgoingEmail.objects.get(to="refus@exemple.fr").last_error


def test_sweep_requeues_forgotten_rows_but_not_those_waiting_for_documents():
    old = timezone.now() - timedelta(hours=1)
    forgotten = OutgoingEmail.objects.create(to="a@exemple.fr", template="test_message")
    waiting = OutgoingEmail.objects.create(
        to="b@exemple.fr", template="test_message", context={"requires_attachments": True}
    )
    OutgoingEmail.objects.filter(pk__in=[forgotten.pk, waiting.pk]).update(created_at=old)
    assert outbox_sweep() == 1
    forgotten.refresh_from_db()
    assert forgotten.status == EmailStatus.SENT
    assert OutgoingEmail.objects.get(pk=waiting.pk).status == EmailStatus.PENDING
