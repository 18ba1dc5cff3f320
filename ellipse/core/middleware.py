"""Request guards that apply to every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ellipse.core.errors import bad_request


class RejectNullCharactersMiddleware:
    """A NUL character in a query or form value is never legitimate and PostgreSQL cannot store
    or even compare it: answer 400 before any view sees it (forms already refuse it field by
    field; this covers the values views read directly, such as search boxes and filters)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return bad_request(request)
        return self.get_response(request)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)
