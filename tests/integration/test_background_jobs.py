"""Background jobs through a real Celery worker, Redis and PostgreSQL: bulk decisions and a
DECP file, started as the admin pages start them, followed on the job until the end."""

import json
import time

import pytest
from django.core.files.base import ContentFile

from companies.models import Registration
from companies.services.decisions import decisions_job_start
from ellipse.core.models import BackgroundJob
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from tests.factories.accounts import UserFactory
from tests.factories.companies import RegistrationFactory
from tests.factories.editions import EditionFactory
from tests.spaser.decp_files import marche

pytestmark = pytest.mark.integration


def _wait_for(predicate, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_bulk_retain_job_run_by_the_worker(celery_worker_process):
    staff = UserFactory(role="staff")
    edition = EditionFactory()
    qualified = RegistrationFactory.create_batch(4, edition=edition, qualified=True)
    refused = RegistrationFactory(edition=edition)
    job = decisions_job_start(
        registration_ids=[r.pk for r in [*qualified, refused]], to_status="retained", by=staff
    )
    assert _wait_for(lambda: BackgroundJob.objects.get(pk=job.pk).finished), (
        celery_worker_process.log
    )
    job.refresh_from_db()
    assert (job.status, job.done, job.total, len(job.failures)) == ("done", 5, 5, 1)
    assert Registration.objects.filter(status="retained").count() == 4
    assert _wait_for(
        lambda: (
            OutgoingEmail.objects.filter(
                template="companies/decision", status=EmailStatus.SENT
            ).count()
            == 4
        )
    ), celery_worker_process.log
    assert not OutgoingEmail.objects.filter(to=refused.company.contact_email).exists()


def test_decp_upload_job_run_by_the_worker(celery_worker_process):
    from django.db import transaction

    from ellipse.core.jobs import job_create
    from ellipse.core.queueing import task_enqueue_on_commit
    from spaser.models import Contract, DecpImport
    from spaser.tasks import DECP_JOB_KEY, decp_import_task

    body = json.dumps({"marches": {"marche": [marche("W1"), marche("W2", amount=None)]}})
    with transaction.atomic():
        run = DecpImport(file_name="flux.json")
        run.upload.save("flux.json", ContentFile(body.encode()), save=True)
        job = job_create(kind="decp-import", key=DECP_JOB_KEY, label="Import DECP « flux.json »")
        task_enqueue_on_commit(decp_import_task, import_id=run.pk, job_id=job.pk)
    assert _wait_for(lambda: BackgroundJob.objects.get(pk=job.pk).finished), (
        celery_worker_process.log
    )
    job.refresh_from_db()
    assert job.status == "done" and (job.done, job.total) == (2, 2)
    assert "1 importé(s)" in job.result["lines"][0] and "1 rejeté(s)" in job.result["lines"][0]
    assert Contract.objects.filter(decp_id="W1").exists()
