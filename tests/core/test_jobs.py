"""ellipse.core.jobs: one active job per key, progress with a known or unknown total, the
result's lines, links and next page, and who may see a job."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from ellipse.core.jobs import (
    JobAlreadyRunning,
    job_advance,
    job_begin,
    job_create,
    job_fail,
    job_finish,
    job_progress,
)
from ellipse.core.models import BackgroundJob
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_second_active_job_with_the_same_key_is_refused():
    first = job_create(kind="demo", key="demo", label="Démo")
    with pytest.raises(JobAlreadyRunning) as refused:
        job_create(kind="demo", key="demo", label="Démo")
    assert refused.value.job == first
    job_begin(job_id=first.pk, total=1)
    job_finish(job_id=first.pk)
    assert job_create(kind="demo", key="demo", label="Démo").pk != first.pk


def test_progress_without_a_known_total_counts_items_then_finishes_at_that_count():
    job = job_create(kind="demo", key="demo", label="Démo")
    assert job_begin(job_id=job.pk) and not job_begin(job_id=job.pk)
    job_advance(job_id=job.pk, count=1000)
    job_progress(job_id=job.pk, done=2500, total=0)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (2500, 0, 0)
    job_finish(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 2500, 2500, 100)


def test_progress_never_exceeds_a_known_total():
    job = job_create(kind="demo", key="demo", label="Démo", total=3)
    job_progress(job_id=job.pk, done=7, total=3)
    job_advance(job_id=job.pk, count=5)
    job.refresh_from_db()
    assert (job.done, job.total) == (3, 3)
    with pytest.raises(IntegrityError):
        BackgroundJob.objects.filter(pk=job.pk).update(done=4)


def test_page_counts_items_of_an_unknown_total_and_refreshes(client):
    staff = UserFactory(role="staff")
    job = job_create(kind="demo", key="demo", label="Démo", by=staff)
    job_begin(job_id=job.pk)
    job_advance(job_id=job.pk, count=1500)
    client.force_login(staff)
    html = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "En cours — 1500 traités" in html
    assert '<progress aria-label="Avancement"></progress>' in html
    assert 'http-equiv="refresh"' in html


def test_finished_page_shows_lines_links_and_failures(client):
    staff = UserFactory(role="staff")
    job = job_create(kind="demo", key="demo", label="Démo", by=staff)
    job_begin(job_id=job.pk, total=2)
    job_advance(job_id=job.pk, failure="Société X : déjà retenue.")
    job_finish(
        job_id=job.pk,
        result={"lines": ["1 traitée."], "links": [{"url": "/admin/", "label": "Le rapport"}]},
    )
    client.force_login(staff)
    html = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "<li>1 traitée.</li>" in html and '<a href="/admin/">Le rapport</a>' in html
    assert "1 échec" in html and "Société X : déjà retenue." in html
    assert 'http-equiv="refresh"' not in html


def test_done_job_goes_on_to_its_local_next_page_only(client):
    staff = UserFactory(role="staff")
    client.force_login(staff)
    job = job_create(kind="demo", key="a", label="Démo", by=staff)
    job_finish(job_id=job.pk, result={"next_url": "/previsions/"})
    assert client.get(reverse("core:job", args=[job.pk])).url == "/previsions/"
    fragment = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert 'data-next-url="/previsions/"' in fragment
    outside = job_create(kind="demo", key="b", label="Démo", by=staff)
    job_finish(job_id=outside.pk, result={"next_url": "https://exemple.fr/"})
    assert client.get(reverse("core:job", args=[outside.pk])).status_code == 200
    failed = job_create(kind="demo", key="c", label="Démo", by=staff)
    job_fail(job_id=failed.pk, error="Fichier illisible.")
    BackgroundJob.objects.filter(pk=failed.pk).update(result={"next_url": "/previsions/"})
    page = client.get(reverse("core:job", args=[failed.pk]))
    assert page.status_code == 200 and "Fichier illisible." in page.content.decode()


def test_job_is_seen_by_the_person_who_started_it_and_staff_only(client):
    owner = UserFactory(role="buyer")
    job = job_create(kind="demo", key="demo", label="Démo", by=owner)
    client.force_login(UserFactory(role="buyer"))
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 403
    client.force_login(owner)
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 200
    client.force_login(UserFactory(role="staff"))
    assert client.get(reverse("core:job_progress", args=[job.pk])).status_code == 200
