"""Staff pages: attendance (phone-friendly), sign-in sheet PDF, figures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ellipse.core.decorators import role_required
from ellipse.core.params import id_param
from ellipse.pdf import pdf_render

from . import selectors, services
from .enums import ParticipantStatus
from .forms import ATTENDANCE_CHOICES
from .models import Session


@role_required()
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark each registered person present, absent or excused (one form, works on a phone)."""
    session = get_object_or_404(Session.objects.select_related("topic"), pk=pk)
    participants = list(
        selectors.session_participants(session_id=pk).filter(status=ParticipantStatus.CONFIRMED)
    )
    if request.method == "POST":
        changed = 0
        try:
            for participant in participants:
                value = request.POST.get(f"p{participant.pk}")
                if value is not None and value != participant.attendance:
                    services.attendance_mark(participant_id=participant.pk, attendance=value)
                    changed += 1
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)d présence(s) enregistrée(s).") % {"n": changed})
        return redirect("trainings:attendance", pk=pk)
    return render(
        request,
        "trainings/attendance.html",
        {
            "session": session,
            "participants": participants,
            "choices": ATTENDANCE_CHOICES,
            "figures": selectors.session_figures(session=session),
        },
    )


@role_required()
@require_GET
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("topic"), pk=pk)
    participants = (
        selectors.session_participants(session_id=pk)
        .filter(status=ParticipantStatus.CONFIRMED)
        .order_by("name")
    )
    pdf = pdf_render(
        template="trainings/pdf/sign_in_sheet.html",
        context={"session": session, "participants": participants},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emargement-{session.pk}.pdf"'
    return response


@role_required()
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    sessions = (
        Session.objects.select_related("topic")
        .with_counts()
        .annotate(satisfaction=Avg("participants__survey_answer__rating"))
        .order_by("-starts_at")[:100]
    )
    return render(
        request,
        "trainings/figures.html",
        {
            "years": selectors.figures_per_year(),
            "sessions": sessions,
            "companies_trained": selectors.companies_trained_since(year=2020),
            "agents": selectors.people_trained_per_year(audience="agents"),
            "officials": selectors.people_trained_per_year(audience="officials"),
        },
    )


@role_required()
@require_http_methods(["GET", "POST"])
def cocontracting(request: HttpRequest) -> HttpResponse:
    """Co-contracting workshop: propose pairings for an edition, then review them in the admin."""
    from ellipse.editions.models import Edition

    from .models import Pairing
    from .services_pairing import pairings_propose

    editions = Edition.objects.order_by("-year")
    chosen = id_param(request.POST, "edition") or id_param(request, "edition")
    edition = editions.filter(pk=chosen).first() if chosen else None
    edition = edition or editions.first()
    if request.method == "POST" and edition is not None:
        created = pairings_propose(edition_id=edition.pk)
        messages.success(request, _("%(n)d binôme(s) proposé(s).") % {"n": len(created)})
        return redirect(f"{request.path}?edition={edition.pk}")
    pairings = (
        Pairing.objects.filter(edition=edition)
        .select_related("company_a", "company_b", "planned_contract")
        .order_by("status", "table", "-score")
        if edition
        else Pairing.objects.none()
    )
    return render(
        request,
        "trainings/cocontracting.html",
        {"editions": editions, "edition": edition, "pairings": pairings},
    )
