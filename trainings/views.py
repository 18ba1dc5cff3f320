"""Public and participant pages: catalogue, session detail and registration, iCalendar,
cancellation, the seat offered from the waiting list, "my trainings", certificate, survey."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ellipse.core.params import int_param, next_param

from . import perms, selectors, services
from .calendar import session_ics
from .enums import Attendance, ParticipantStatus
from .forms import CatalogueFilterForm, PeopleFormSet, SurveyForm
from .models import Participant, Session

PAGE_SIZE = 20


CATALOGUE_CACHED_PAGES = 10
CATALOGUE_CACHE_SECONDS = 600


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The catalogue: sessions to come, soonest first, filtered by topic and audience.

    The filters and the list are one fragment cached under ``selectors.catalogue_version``
    (the stamp of sessions and seats, and the next end of a session) and the cleaned filters
    (``trainings/index.html``); the sessions are read lazily, so a cached page runs no query."""
    form = CatalogueFilterForm(request.GET or None)
    topic_id, audience = None, ""
    valid = form.is_valid() if form.is_bound else True
    if form.is_bound and valid:
        topic_id = form.cleaned_data["theme"].pk if form.cleaned_data["theme"] else None
        audience = form.cleaned_data["public"]
    number = int_param(request, "page", 1, min_value=1, max_value=1_000_000)
    page = SimpleLazyObject(
        lambda: Paginator(
            selectors.catalogue(topic_id=topic_id, audience=audience), PAGE_SIZE
        ).get_page(number)
    )
    query = urlencode({k: v for k, v in (("theme", topic_id), ("public", audience)) if v})
    list_key = ""
    if valid and number <= CATALOGUE_CACHED_PAGES:
        list_key = f"{selectors.catalogue_version()}:{query}:{number}"
    return render(
        request,
        "trainings/index.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "list_key": list_key,
            "cache_seconds": CATALOGUE_CACHE_SECONDS,
        },
    )


def _own(user) -> dict:
    """Registrations made in one's own name (an elected official)."""
    return {"registered_by": user, "company": None, "buyer_organisation": None}


def _own_ids(user) -> dict:
    return {"registered_by_id": user.pk}


def _people_formset(request, session, registrant):
    initial = []
    if request.user.is_authenticated and not request.POST:
        initial = [{"name": request.user.get_full_name(), "email": request.user.email}]
    formset = PeopleFormSet(request.POST or None, initial=initial, prefix="people")
    formset.extra = max(0, session.people_per_company - max(len(initial), 1))
    formset.max_num = session.people_per_company
    return formset


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: what, when, where, seats left; registration for a signed-in organisation."""
    try:
        session = selectors.session_detail(session_id=pk)
    except Session.DoesNotExist:
        raise Http404 from None
    registrant = perms.registrant_of(request.user)
    formset = _people_formset(request, session, registrant) if registrant else None
    if request.method == "POST":
        if registrant is None:
            raise PermissionDenied
        if formset.is_valid():
            kind, organisation = registrant
            people = [
                services.Person(f.cleaned_data["name"], f.cleaned_data["email"])
                for f in formset.forms
                if f.cleaned_data.get("email")
            ]
            try:
                created = services.session_register(
                    session_id=session.pk,
                    people=people,
                    kind=kind,
                    user=request.user,
                    **organisation,
                )
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                waiting = sum(p.status == ParticipantStatus.WAITING for p in created)
                if waiting:
                    messages.success(
                        request,
                        _(
                            "Inscription enregistrée : %(seated)d place(s) réservée(s), "
                            "%(waiting)d personne(s) en liste d'attente (vous serez prévenu·e "
                            "par e-mail si une place se libère)."
                        )
                        % {"seated": len(created) - waiting, "waiting": waiting},
                    )
                else:
                    messages.success(
                        request,
                        _("Inscription enregistrée : un e-mail de confirmation est envoyé."),
                    )
                return redirect("trainings:detail", pk=session.pk)
    own = []
    if registrant:
        _kind, organisation = registrant
        own = list(
            Participant.objects.filter(session=session, **(organisation or _own(request.user)))
            .exclude(status__in=[ParticipantStatus.CANCELLED, ParticipantStatus.EXPIRED])
            .order_by("pk")
        )
    return render(
        request,
        "trainings/detail.html",
        {
            "session": session,
            "seats_left": max(0, session.capacity - session.seats_taken),
            "registrant": registrant,
            "open_to_me": registrant is not None and session.open_to(registrant[0]),
            "registration_open": session.registration_open(),
            "started": session.starts_at <= timezone.now(),
            "formset": formset,
            "own": own,
        },
    )


@require_GET
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("topic"), pk=pk)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="formation-{session.pk}.ics"'
    return response


def _own_participant(request, pk) -> Participant:
    participant = get_object_or_404(Participant.objects.select_related("session"), pk=pk)
    if not perms.can_manage_participant(request.user, participant):
        raise Http404
    return participant


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _own_participant(request, pk)
    try:
        services.participant_cancel(participant_id=participant.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Inscription de %(name)s annulée.") % {"name": participant.name}
        )
    return redirect(next_param(request, "trainings:mine"))


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The seat offered to a person on the waiting list: confirm it (signed link, no login)."""
    participant = services.participant_from_token(token=token, salt=services.OFFER_SALT)
    if participant is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.offer_confirm(participant_id=participant.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Votre place est confirmée. À bientôt !"))
            return redirect("trainings:offer", token=token)
        participant.refresh_from_db()
    return render(
        request,
        "trainings/offer.html",
        {
            "participant": participant,
            "session": participant.session,
            "error": error,
            "expired": participant.status == ParticipantStatus.OFFERED
            and participant.offer_expires_at <= timezone.now(),
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The sessions of the user's organisation (company or buyer): for the spaces."""
    registrant = perms.registrant_of(request.user)
    if registrant is None:
        raise PermissionDenied
    participants = selectors.participants_of(**(registrant[1] or _own_ids(request.user)))
    now = timezone.now()
    return render(
        request,
        "trainings/mine.html",
        {
            "upcoming": [p for p in participants if p.session.ends_at >= now],
            "past": [p for p in participants if p.session.ends_at < now],
        },
    )


def _certificate_response(participant: Participant) -> HttpResponse:
    if participant.attendance != Attendance.PRESENT:
        raise Http404
    pdf = services.certificate_pdf(participant=participant)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{participant.pk}.pdf"'
    return response


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Certificate of attendance from the space (own organisation only)."""
    participant = _own_participant(request, pk)
    return _certificate_response(participant)


@require_GET
def certificate_signed(request: HttpRequest, token: str) -> HttpResponse:
    """Certificate of attendance from the e-mail's signed link."""
    participant = services.participant_from_token(token=token, salt=services.CERTIFICATE_SALT)
    if participant is None:
        raise Http404
    return _certificate_response(participant)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Satisfaction survey by signed link, one answer per participant."""
    participant = services.participant_from_token(token=token, salt=services.SURVEY_SALT)
    if participant is None or participant.attendance != Attendance.PRESENT:
        raise Http404
    answered = hasattr(participant, "survey_answer")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.survey_answer(participant_id=participant.pk, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            answered = True
    return render(
        request,
        "trainings/survey.html",
        {
            "participant": participant,
            "session": participant.session,
            "form": form,
            "answered": answered,
        },
    )
