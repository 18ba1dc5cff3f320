"""Large forecast files: checked and imported by a Celery task, the page following progress."""

import io

import pytest
from django.urls import reverse

from buyers.enums import ImportJobStatus
from buyers.forms import default_year
from buyers.models import ForecastImportJob, PlannedContract
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _file(rows):
    handle = io.BytesIO(csv_bytes(rows))
    handle.name = "previsions.csv"
    return handle


def test_large_file_previewed_then_imported_in_the_background(
    client, buyer, organisation, cpv_demo, settings, django_capture_on_commit_callbacks
):
    settings.ELLIPSE_FORECAST_BACKGROUND_BYTES = 0  # every file counts as large
    client.force_login(buyer)
    rows = [row(Référence=f"2031-{i:04d}") for i in range(1200)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("buyers:upload"), {"year": default_year(), "file": _file(rows)}
        )
    job = ForecastImportJob.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("buyers:import_job", args=[job.pk]))
    assert job.status == ImportJobStatus.DONE and job.dry_run
    assert (job.done, job.total) == (1200, 1200)
    assert not PlannedContract.objects.exists()

    page = client.get(response.url)
    html = page.content.decode()
    assert "1200 lignes lues." in html and "Nouvelles : 1200 · modifiées : 0" in html
    assert "Confirmer l'import" in html and 'http-equiv="refresh"' not in html
    token = page.context["pending"].token

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("buyers:upload"), {"token": token})
    confirm = ForecastImportJob.objects.exclude(pk=job.pk).get()
    assert not confirm.dry_run and confirm.status == ImportJobStatus.DONE
    assert PlannedContract.objects.filter(organisation=organisation).count() == 1200
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("buyers:space")
    assert "enregistrées" in response.content.decode()


def test_running_job_page_shows_progress_and_refreshes_itself(client, buyer, organisation):
    job = ForecastImportJob.objects.create(
        organisation=organisation,
        year=2031,
        token="t",
        path="buyers/imports/x.csv",
        name="gros.csv",
        status=ImportJobStatus.RUNNING,
        done=500,
        total=2000,
        created_by=buyer,
    )
    client.force_login(buyer)
    html = client.get(reverse("buyers:import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress max="100" value="25"' in html and "25 % (500 sur 2000)" in html


def test_job_page_is_only_for_the_user_who_started_it(client, buyer, organisation):
    job = ForecastImportJob.objects.create(
        organisation=organisation, year=2031, token="t", path="p", name="n", created_by=buyer
    )
    client.force_login(UserFactory(role="buyer"))
    assert client.get(reverse("buyers:import_job", args=[job.pk])).status_code == 404
