"""Generate the 142 company agendas and 30 buyer agendas of a seeded edition.

In-process (one process, sequential), then — when PostgreSQL and Redis are configured
(DATABASE_URL=postgres://…, REDIS_URL=redis://…) — through a real Celery worker with concurrency
1 and 2. Prints Markdown.
"""

import statistics
import time

from _django import machine, setup

connection, db_name = setup()

from django.conf import settings  # noqa: E402

from meetings.invitations import agendas  # noqa: E402
from meetings.invitations.documents import document_ensure  # noqa: E402
from meetings.invitations.enums import DocumentKind  # noqa: E402
from meetings.invitations.models import GeneratedDocument  # noqa: E402
from tests.invitations.data import published_schedule  # noqa: E402

edition, buyers, companies = published_schedule(buyers=30, companies=142, per_buyer=9, year=2040)
company_contexts = agendas.company_agendas(edition=edition)
buyer_contexts = agendas.buyer_agendas(edition=edition)
print(f"Machine: {machine()}; database: {connection.vendor}; date: {time.strftime('%Y-%m-%d')}")
print(f"{len(company_contexts)} company agendas, {len(buyer_contexts)} buyer agendas\n")

# Warm-up (fonts, WeasyPrint import): not counted, reported.
started = time.perf_counter()
document_ensure(edition=edition, kind=DocumentKind.BOOKLET, owner_id=0)
warmup = time.perf_counter() - started

rows = []
for label, kind, contexts in (
    ("company agenda", DocumentKind.COMPANY_AGENDA, company_contexts),
    ("buyer agenda", DocumentKind.BUYER_AGENDA, buyer_contexts),
):
    times = []
    begin = time.perf_counter()
    for owner_id, context in contexts.items():
        t = time.perf_counter()
        document_ensure(edition=edition, kind=kind, owner_id=owner_id, context=context)
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - begin
    times.sort()
    rows.append(
        (
            label,
            len(times),
            statistics.mean(times),
            times[int(len(times) * 0.95) - 1],
            times[-1],
            total,
        )
    )
t = time.perf_counter()
GeneratedDocument.objects.filter(kind=DocumentKind.BOOKLET).delete()
document_ensure(edition=edition, kind=DocumentKind.BOOKLET, owner_id=0)
booklet = time.perf_counter() - t

print("| document | count | mean (s) | p95 (s) | max (s) | total (s) |")
print("|---|---|---|---|---|---|")
for label, n, mean, p95, worst, total in rows:
    print(f"| {label} | {n} | {mean:.3f} | {p95:.3f} | {worst:.3f} | {total:.1f} |")
print(
    f"| staff booklet ({len(buyer_contexts)} tables + index) | 1 | {booklet:.3f} | | "
    f"| {booklet:.1f} |"
)
print(f"\nFirst PDF of the process (fonts, imports): {warmup:.2f} s, not counted above.\n")

if connection.vendor == "postgresql" and settings.REDIS_URL:
    import tempfile
    from pathlib import Path

    from celery import group

    from ellipse.celery import app
    from meetings.invitations.tasks import agenda_documents_refresh
    from tests.integration.conftest import WorkerProcess

    app.conf.task_always_eager = False
    owners = [("company", pk) for pk in company_contexts] + [("buyer", pk) for pk in buyer_contexts]
    print("| worker | documents (PDF + ICS pairs) | wall time (s) | per pair (s) |")
    print("|---|---|---|---|")
    for concurrency in (1, 2):
        GeneratedDocument.objects.all().delete()
        worker = WorkerProcess(mail_dir=Path(tempfile.mkdtemp()) / "mail", concurrency=concurrency)
        worker.start()
        try:
            begin = time.perf_counter()
            group(
                agenda_documents_refresh.si(edition_id=edition.pk, owner_kind=k, owner_id=pk)
                for k, pk in owners
            ).apply_async()
            expected = 2 * len(owners)
            while GeneratedDocument.objects.count() < expected:
                time.sleep(0.1)
            wall = time.perf_counter() - begin
        finally:
            worker.stop()
        print(
            f"| Celery, concurrency {concurrency} | {len(owners)} | {wall:.1f} "
            f"| {wall / len(owners):.3f} |"
        )
else:
    print("Worker runs skipped: they need DATABASE_URL=postgres://… and REDIS_URL=redis://….")

connection.creation.destroy_test_db(db_name, verbosity=0)
