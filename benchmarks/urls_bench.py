"""The application's URLs plus ``/bench/trivial/``: the floor every page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ellipse.urls import handler400, handler403, handler404, handler500  # noqa: F401
from ellipse.urls import urlpatterns as app_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    """Through every middleware, reads the session and its user: nothing else."""
    return HttpResponse(f"ok {request.session.get('bench', 0)} {request.user.is_authenticated}")


urlpatterns = [path("bench/trivial/", trivial), *app_urlpatterns]
