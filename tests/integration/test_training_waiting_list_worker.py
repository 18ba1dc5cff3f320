"""A real worker runs the beat task that expires a waiting-list offer: the seat goes to the
next person and the offer e-mail leaves through the outbox."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from tests.factories import ParticipantFactory, SessionFactory
from tests.integration.helpers import wait_for
from trainings.models import Participant
from trainings.tasks import offers_expire_task

pytestmark = pytest.mark.integration


def test_worker_expires_the_offer_and_offers_the_seat_to_the_next(celery_worker_process):
    session = SessionFactory(capacity=1)
    lapsed = ParticipantFactory(
        session=session,
        status="offered",
        seat_number=1,
        offer_expires_at=timezone.now() - dt.timedelta(minutes=5),
    )
    nxt = ParticipantFactory(
        session=session, status="waiting", seat_number=None, waiting_since=timezone.now()
    )
    offers_expire_task.delay()
    assert wait_for(lambda: Participant.objects.get(pk=nxt.pk).status == "offered"), (
        celery_worker_process.log
    )
    assert Participant.objects.get(pk=lapsed.pk).status == "expired"
    offer = OutgoingEmail.objects.get(template="trainings/offer")
    assert offer.to == nxt.email
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=offer.pk).status == EmailStatus.SENT)
    mails = "".join(p.read_text() for p in celery_worker_process.mail_dir.glob("*.log"))
    assert "/formations/place/" in mails and session.title in mails
    offers_expire_task.delay()  # idempotent: nothing more to do
    time.sleep(1)
    assert OutgoingEmail.objects.filter(template="trainings/offer").count() == 1
