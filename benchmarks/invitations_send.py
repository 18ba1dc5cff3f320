"""Queue and send 1,000 e-mails through the outbox and a real Celery worker (filebased backend).

Needs DATABASE_URL=postgres://… and REDIS_URL=redis://…; otherwise runs eagerly in-process with
the locmem backend and says so. PDF generation is measured by agendas_pdf.py; here each row
carries a small attachment, so the figure is the outbox's own cost (rows, queue, SMTP-side).
"""

import tempfile
import time
from pathlib import Path

from _django import machine, setup

connection, db_name = setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402

from ellipse.celery import app  # noqa: E402
from ellipse.outbox.enums import EmailStatus  # noqa: E402
from ellipse.outbox.models import OutgoingEmail  # noqa: E402
from ellipse.outbox.services import email_enqueue  # noqa: E402

COUNT = 1000
print(f"Machine: {machine()}; database: {connection.vendor}; date: {time.strftime('%Y-%m-%d')}")
attachment = default_storage.save("bench/agenda.pdf", ContentFile(b"%PDF-1.7\n" + b"x" * 30000))
real = connection.vendor == "postgresql" and bool(settings.REDIS_URL)
print("| mode | e-mails | queue (s) | send, wall (s) | e-mails/s |")
print("|---|---|---|---|---|")
for concurrency in (1, 2) if real else (0,):
    OutgoingEmail.objects.all().delete()
    worker = None
    if real:
        from tests.integration.conftest import WorkerProcess

        app.conf.task_always_eager = False
        worker = WorkerProcess(mail_dir=Path(tempfile.mkdtemp()) / "mail", concurrency=concurrency)
        worker.start()
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        begin = time.perf_counter()
        with transaction.atomic():
            for i in range(COUNT):
                email_enqueue(
                    to=f"destinataire{i}@exemple.fr",
                    template="test_message",
                    context={"name": f"Personne {i}"},
                    batch=f"bench-{concurrency}",
                    dedup_key=f"bench-{concurrency}-{i}",
                    attachments=[attachment],
                )
            queued_at = time.perf_counter()
        queue = queued_at - begin
        while OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() < COUNT:
            time.sleep(0.2)
        wall = time.perf_counter() - begin
    finally:
        if worker:
            worker.stop()
    mode = f"Celery worker, concurrency {concurrency}" if real else "eager, in-process (locmem)"
    print(f"| {mode} | {COUNT} | {queue:.1f} | {wall:.1f} | {COUNT / wall:.0f} |")
if not real:
    print("\nReal-worker runs skipped: set DATABASE_URL=postgres://… and REDIS_URL=redis://….")
connection.creation.destroy_test_db(db_name, verbosity=0)
