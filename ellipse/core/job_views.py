"""The progress page of a background job, and its fragment refreshed by the page's script."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import BackgroundJob
from .perms import can_view_job

REFRESH_SECONDS = 2


def _job(request: HttpRequest, pk: int) -> BackgroundJob:
    job = get_object_or_404(BackgroundJob.objects.select_related("created_by"), pk=pk)
    if not can_view_job(request.user, job):
        raise PermissionDenied
    return job


@never_cache
@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress page; once the job is done, its ``next_url`` if it has one."""
    job = _job(request, pk)
    next_url = job_next_url(job)
    if next_url:
        return redirect(next_url)
    return render(request, "core/job.html", {"job": job, "refresh": REFRESH_SECONDS})


@never_cache
@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "core/_job_progress.html",
        {"job": job, "refresh": REFRESH_SECONDS, "next_url": job_next_url(job)},
    )


def job_next_url(job: BackgroundJob) -> str:
    """Where a successfully finished job goes on to (a local path only), or ""."""
    url = (job.result or {}).get("next_url", "") if job.status == "done" else ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return ""
