"""Public pages and the landing dispatcher: each role lands on its own space."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ellipse.accounts.roles import Role, user_primary_role
from ellipse.editions.current import current_edition

ROLE_SPACES = {
    Role.STAFF: "admin:index",
    Role.OFFICIAL: "spaser:dashboard",
    Role.BUYER: "buyers:space",
    Role.COMPANY: "companies:space",
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    return render(request, "core/home.html", {"edition": edition})


@login_required
def space(request: HttpRequest) -> HttpResponse:
    role = user_primary_role(request.user)
    if role is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(reverse(ROLE_SPACES[role]))


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The site icon for pages that name none (the admin's): browsers ask for /favicon.ico."""
    return redirect(static("img/favicon.svg"), permanent=True)
