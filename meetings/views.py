"""The staff planning page and the agendas. Views stay thin: rules live in services/perms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.editions.models import Edition

from . import services
from .perms import agenda_owner
from .selectors import agenda_for_buyer, agenda_for_company, planning


@require_GET
@role_required(Role.STAFF)
def planning_view(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    data = planning(edition=edition)
    grid = [(row, list(zip(data.slots, row.cells, strict=True))) for row in data.rows]
    return render(
        request,
        "meetings/planning.html",
        {
            "edition": edition,
            "planning": data,
            "grid": grid,
            "published": services.schedule_is_published(edition),
        },
    )


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        message = _("Requête incomplète : choisissez une valeur dans la liste.")
        raise ValidationError(message) from None


ACTIONS = {
    "move": (
        lambda r, e: services.meeting_move(
            meeting_id=_int(r, "meeting"), slot=_int(r, "slot"), by=r.user
        ),
        gettext_lazy("Rendez-vous déplacé."),
    ),
    "swap": (
        lambda r, e: services.meeting_swap(
            meeting_id=_int(r, "meeting"), other_id=_int(r, "other"), by=r.user
        ),
        gettext_lazy("Rendez-vous échangés."),
    ),
    "cancel": (
        lambda r, e: services.meeting_cancel(meeting_id=_int(r, "meeting"), by=r.user),
        gettext_lazy("Rendez-vous annulé : le créneau est libre."),
    ),
    "lock": (
        lambda r, e: services.meeting_lock(meeting_id=_int(r, "meeting"), locked=True, by=r.user),
        gettext_lazy("Rendez-vous verrouillé."),
    ),
    "unlock": (
        lambda r, e: services.meeting_lock(meeting_id=_int(r, "meeting"), locked=False, by=r.user),
        gettext_lazy("Rendez-vous déverrouillé."),
    ),
    "add": (
        lambda r, e: services.meeting_add(
            edition=e,
            buyer_id=_int(r, "buyer"),
            company_id=_int(r, "company"),
            slot=_int(r, "slot"),
            by=r.user,
        ),
        gettext_lazy("Rendez-vous ajouté."),
    ),
    "schedule": (
        lambda r, e: services.schedule_run_request(edition=e, by=r.user),
        gettext_lazy("Calcul du planning lancé : suivez son avancement ci-dessous."),
    ),
    "fill": (
        lambda r, e: services.schedule_run_request(edition=e, by=r.user, fill_only=True),
        gettext_lazy(
            "Remplissage des créneaux libres lancé : aucun rendez-vous existant ne bougera."
        ),
    ),
    "publish": (
        lambda r, e: services.schedule_publish(edition=e, by=r.user),
        gettext_lazy(
            "Planning publié : les agendas sont visibles des entreprises et des acheteurs."
        ),
    ),
}


@require_POST
@role_required(Role.STAFF)
def planning_action(request: HttpRequest, year: int) -> HttpResponse:
    """Every change made from the planning page: POST, then back to the page with a message."""
    edition = get_object_or_404(Edition, year=year)
    action = ACTIONS.get(request.POST.get("action", ""))
    anchor = ""
    if action is None:
        messages.error(request, _("Action inconnue."))
    else:
        run, done = action
        try:
            run(request, edition)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        if request.POST.get("meeting"):
            anchor = "#grille"
    return redirect(reverse("meetings:planning", args=[edition.year]) + anchor)


@require_GET
@role_required(Role.COMPANY, Role.BUYER)
def my_agenda(request: HttpRequest) -> HttpResponse:
    owner = agenda_owner(request.user)
    edition = Edition.objects.current()
    if owner is None:
        return render(request, "core/no_role.html", status=403)
    kind, organisation = owner
    published = edition is not None and services.schedule_is_published(edition)
    entries = []
    if published:
        if kind == "company":
            entries = agenda_for_company(edition=edition, company=organisation)
        else:
            entries = agenda_for_buyer(edition=edition, buyer=organisation)
    return render(
        request,
        "meetings/agenda.html",
        {
            "edition": edition,
            "kind": kind,
            "organisation": organisation,
            "published": published,
            "entries": entries,
        },
    )
