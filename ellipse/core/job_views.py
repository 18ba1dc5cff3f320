"""The progress page of a background job, and its fragment refreshed by the page's script."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
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
    job = _job(request, pk)
    return render(request, "core/job.html", {"job": job, "refresh": REFRESH_SECONDS})


@never_cache
@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "core/_job_progress.html", {"job": job, "refresh": REFRESH_SECONDS})
