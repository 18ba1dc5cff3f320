"""A worker killed right after the mail server accepted a message does not send it twice.

A local SMTP server (aiosmtpd) records every message it accepts and holds the client's next
command (``QUIT``), the first moment it can observe that the client has had the acceptance;
the test kills the whole worker there, starts a new one, lets the sending lease expire and runs
the sweep. Repeated; the duplicate count is asserted to be 0 and printed.
"""

import asyncio
import email as email_parser
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import email_enqueue
from ellipse.outbox.tasks import outbox_sweep
from tests.integration.helpers import wait_for

pytestmark = pytest.mark.integration
RUNS = 5


class HoldingHandler:
    """Accepts every message; on the first QUIT after an acceptance, signals and waits."""

    def __init__(self) -> None:
        self.received: list[str] = []  # Message-IDs, one per accepted message
        self.at_quit = threading.Event()
        self.release = threading.Event()
        self.hold_next_quit = True

    async def handle_DATA(self, server, session, envelope):
        message = email_parser.message_from_bytes(envelope.original_content or envelope.content)
        self.received.append(message["Message-ID"])
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        if self.hold_next_quit:
            self.hold_next_quit = False
            self.at_quit.set()
            deadline = time.monotonic() + 60
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        return "221 Bye"


@pytest.fixture
def smtp_server():
    handler = HoldingHandler()
    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.release.set()
        controller.stop()


def test_worker_killed_after_acceptance_sends_no_duplicate(
    celery_worker_process, smtp_server, monkeypatch, capsys
):
    handler, port = smtp_server
    monkeypatch.setenv("OUTBOX_SENDING_LEASE_SECONDS", "1")
    worker = celery_worker_process
    worker.stop()
    worker.env.update(
        TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        OUTBOX_SENDING_LEASE_SECONDS="1",
    )
    worker.start()
    duplicates = 0
    for run in range(RUNS):
        handler.at_quit.clear()
        handler.release.clear()
        handler.hold_next_quit = True
        with transaction.atomic():
            row = email_enqueue(
                to=f"run{run}@exemple.fr", template="test_message", context={"name": "Anne"}
            )
        assert handler.at_quit.wait(60), worker.log
        worker.kill()  # the whole worker, at the moment the server holds the QUIT
        handler.release.set()
        worker.start()
        time.sleep(1.5)  # past the lease: a row left in "sending" is due again
        outbox_sweep(older_than_minutes=0)
        assert wait_for(lambda pk=row.pk: OutgoingEmail.objects.get(pk=pk).status == "sent")
        time.sleep(1.0)  # a second delivery, if any, has had time to reach the server
        copies = handler.received.count(row.message_id)
        assert copies >= 1
        duplicates += copies - 1
    with capsys.disabled():
        print(f"\n[outbox] worker killed after acceptance: {RUNS} runs, {duplicates} duplicate(s)")
    assert duplicates == 0
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == RUNS
    assert len(set(handler.received)) == RUNS
