"""The staff action's schedule run, carried out by a real Celery worker (Redis + PostgreSQL)."""

import time

import pytest

from companies.enums import RegistrationStatus
from meetings.enums import ScheduleRunStatus
from meetings.models import Meeting, ScheduleRun
from meetings.services import schedule_run_request
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.integration


def test_worker_computes_the_schedule_and_reports_progress(celery_worker_process):
    CpvCodeFactory(code="45442100")
    edition = EditionFactory(year=2070)
    for _ in range(3):
        participation = BuyerParticipationFactory(edition=edition)
        PlannedContractFactory(
            organisation=participation.organisation, year=2070, cpv_main_id="45442100"
        )
    for _ in range(8):
        company = CompanyFactory()
        company.cpv_codes.add("45442100")
        RegistrationFactory(edition=edition, company=company, status=RegistrationStatus.RETAINED)
    run = schedule_run_request(edition=edition)  # autocommit: queued at once
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ScheduleRunStatus.DONE, ScheduleRunStatus.FAILED):
            break
        time.sleep(0.3)
    assert run.status == ScheduleRunStatus.DONE, (run.message, celery_worker_process.log)
    assert run.progress == 100 and run.stats["companies_covered"] == 8
    assert Meeting.objects.filter(edition=edition).count() == run.stats["meetings"] == 24
    assert ScheduleRun.objects.filter(edition=edition).count() == 1
