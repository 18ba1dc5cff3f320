"""``manage.py schedule`` and the staff action's Celery task."""

import pytest
from django.core.management import CommandError, call_command

from meetings.enums import ScheduleRunStatus
from meetings.models import Meeting, ScheduleRun
from meetings.services import schedule_run_execute, schedule_run_request
from meetings.tasks import schedule_edition_task
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def test_schedule_command_saves_and_prints_a_french_summary(small, capsys):
    call_command("schedule", "2031")
    out = capsys.readouterr().out
    assert out.startswith("Planning enregistré : ")
    assert "entreprises retenues sur 6" in out and "borne" in out
    assert Meeting.objects.count() > 0


def test_schedule_command_dry_run_saves_nothing(small, capsys):
    call_command("schedule", "2031", "--dry-run")
    assert "Simulation" in capsys.readouterr().out
    assert not Meeting.objects.exists()


def test_schedule_command_fill_only_keeps_existing(small):
    call_command("schedule", "2031")
    before = set(Meeting.objects.values_list("pk", "slot"))
    call_command("schedule", "2031", "--fill-only", "--no-keep-published")
    assert before <= set(Meeting.objects.values_list("pk", "slot"))


def test_schedule_command_errors_in_french(db):
    with pytest.raises(CommandError, match="Aucune édition pour l'année 1999"):
        call_command("schedule", "1999")
    EditionFactory(year=2041)
    with pytest.raises(CommandError, match="Rien à planifier"):
        call_command("schedule", "2041")


def test_schedule_task_runs_on_commit_and_reports(small, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_run_request(edition=small.edition)
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.DONE and run.progress == 100
    assert run.objective is not None and run.objective <= run.upper_bound + 1e-6
    assert run.stats["meetings"] == Meeting.objects.count() > 0
    assert "rendez-vous" in run.message and run.finished_at is not None


def test_schedule_task_is_idempotent(small):
    run = ScheduleRun.objects.create(edition=small.edition)
    assert schedule_edition_task.delay(run_id=run.pk).get() == ScheduleRunStatus.DONE
    ids = set(Meeting.objects.values_list("pk", flat=True))
    finished = ScheduleRun.objects.get(pk=run.pk).finished_at
    assert schedule_run_execute(run_id=run.pk).finished_at == finished  # not run twice
    assert set(Meeting.objects.values_list("pk", flat=True)) == ids


def test_schedule_request_refused_while_a_run_is_pending(small):
    ScheduleRun.objects.create(edition=small.edition)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="déjà en cours"):
        schedule_run_request(edition=small.edition)


def test_schedule_task_failure_is_recorded_in_french(db):
    edition = EditionFactory(year=2042)
    run = ScheduleRun.objects.create(edition=edition)
    schedule_edition_task.delay(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.FAILED and "Rien à planifier" in run.message
