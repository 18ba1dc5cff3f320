"""Large forecast files: checked and imported by a Celery task, progress on the project's one
job page (``ellipse.core`` BackgroundJob), then the preview or the result."""

import io

import pytest
from django.urls import reverse

from buyers.forms import default_year
from buyers.models import ForecastImportJob, PlannedContract
from buyers.services_forecasts import forecast_import_job_start
from ellipse.core.jobs import job_begin, job_progress
from ellipse.core.models import BackgroundJob
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
    job = ForecastImportJob.objects.select_related("job").get()
    assert response.status_code == 302
    assert response.url == reverse("core:job", args=[job.job.pk])
    assert job.job.status == "done" and job.dry_run and job.job.created_by == buyer
    assert (job.job.done, job.job.total) == (1200, 1200)
    assert not PlannedContract.objects.exists()

    # The finished job's page goes on to the preview, which offers the confirmation.
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("buyers:import_job", args=[job.pk]))
    page = client.get(response.url)
    html = page.content.decode()
    assert "1200 lignes lues." in html and "Nouvelles : 1200 · modifiées : 0" in html
    assert "Confirmer l'import" in html and 'http-equiv="refresh"' not in html
    token = page.context["pending"].token

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("buyers:upload"), {"token": token})
    confirm = ForecastImportJob.objects.exclude(pk=job.pk).select_related("job").get()
    assert not confirm.dry_run and confirm.job.status == "done"
    assert response.url == reverse("core:job", args=[confirm.job.pk])
    assert PlannedContract.objects.filter(organisation=organisation).count() == 1200
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("buyers:space")
    assert "enregistrées" in response.content.decode()
    assert BackgroundJob.objects.filter(kind="forecast-import").count() == 2


def _started(organisation, buyer, **kwargs) -> ForecastImportJob:
    return forecast_import_job_start(
        organisation=organisation,
        year=default_year(),
        token="t",
        path="buyers/imports/absent.csv",
        name="gros.csv",
        dry_run=True,
        user=buyer,
        upload_url=reverse("buyers:upload"),
        **kwargs,
    )


def test_running_job_shows_progress_on_the_job_page(client, buyer, organisation):
    forecast_job = _started(organisation, buyer)
    job_begin(job_id=forecast_job.job_id)
    job_progress(job_id=forecast_job.job_id, done=500, total=2000)
    client.force_login(buyer)
    # The preview page is not ready: it sends to the progress page.
    preview = client.get(reverse("buyers:import_job", args=[forecast_job.pk]))
    assert preview.url == reverse("core:job", args=[forecast_job.job_id])
    html = client.get(preview.url).content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress max="100" value="25"' in html and "500 sur 2000" in html
    assert "Vérification du fichier « gros.csv »" in html


def test_second_upload_while_one_runs_joins_it(client, buyer, organisation, cpv_demo, settings):
    settings.ELLIPSE_FORECAST_BACKGROUND_BYTES = 0
    running = _started(organisation, buyer)
    client.force_login(buyer)
    response = client.post(
        reverse("buyers:upload"), {"year": default_year(), "file": _file([row()])}
    )
    assert response.url == reverse("core:job", args=[running.job_id])
    assert ForecastImportJob.objects.count() == 1


def test_expired_upload_fails_with_a_french_message(
    client, buyer, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forecast_job = _started(organisation, buyer)
    forecast_job.job.refresh_from_db()
    assert forecast_job.job.status == "failed"
    client.force_login(buyer)
    html = client.get(reverse("core:job", args=[forecast_job.job_id])).content.decode()
    assert "Ce dépôt a expiré : déposez le fichier à nouveau." in html
    assert f'href="{reverse("buyers:upload")}"' in html


def test_job_pages_are_only_for_the_user_who_started_it(client, buyer, organisation):
    forecast_job = _started(organisation, buyer)
    client.force_login(UserFactory(role="buyer"))
    assert client.get(reverse("buyers:import_job", args=[forecast_job.pk])).status_code == 404
    assert client.get(reverse("core:job", args=[forecast_job.job_id])).status_code == 403
