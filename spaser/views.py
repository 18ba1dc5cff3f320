from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.editions.models import Edition

from .selectors import convention_figures


@role_required(Role.OFFICIAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Read-only dashboard for elected officials."""
    edition = Edition.objects.current()
    return render(
        request,
        "spaser/dashboard.html",
        {"edition": edition, "figures": convention_figures(edition=edition)},
    )
