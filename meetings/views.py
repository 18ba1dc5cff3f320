"""The staff planning page and the agendas. Views stay thin: rules live in services/perms."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buyers.models import BuyerParticipation
from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.accounts.roles import Role
from ellipse.core.cache import private_fragment_key, private_page
from ellipse.core.decorators import role_required
from ellipse.core.params import MAX_ID, id_param, int_param
from ellipse.core.stamps import stamp
from ellipse.editions.current import EDITIONS_STAMP, current_edition, edition_of_year
from ellipse.editions.models import Edition

from . import services
from .models import Meeting
from .perms import agenda_owner
from .selectors import agenda_for_buyer, agenda_for_company
from .selectors_grid import (
    CACHE_SECONDS,
    GridPage,
    grid_page,
    grid_rows_of_buyers,
    meeting_detail,
    schedule_run_state,
    waiting_list,
)


def _grid_filters(request: HttpRequest) -> dict:
    buyer_id = id_param(request, "acheteur")
    return {
        "page": int_param(request, "page", 1, min_value=1, max_value=1_000),
        "query": request.GET.get("q", "").strip()[:100],
        "buyer_id": buyer_id,
    }


def _planning_fragments(edition: Edition, grid: GridPage) -> dict[str, SafeString]:
    """The lead, the figures and the page of rows, rendered once per stamp: read from the
    cache with the page's log in one cache read, the missing ones rendered and cached."""
    keys = grid.fragment_keys(get_language())
    found = grid.cached(keys.values())
    fragments, missing = {}, {}
    for part, key in keys.items():
        html = found.get(key)
        if html is None:
            context = {
                "edition": edition,
                "grid": grid,
                "planning_url": reverse("meetings:planning", args=[edition.year]),
            }
            html = missing[key] = render_to_string(f"meetings/_planning_{part}.html", context)
        fragments[part] = mark_safe(html)  # noqa: S308 (our templates, cached as rendered)
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return fragments


@require_GET
@role_required(Role.STAFF)
def planning_view(request: HttpRequest, year: int) -> HttpResponse:
    """The grid, one page of buyers at a time; reasons and actions load per meeting. Its rows
    and figures are cached under the edition's grid stamp, the last computation and the change
    log under its log stamp (``meetings.stamps``); the whole page is cached per user under both
    stamps, the editions' and the filters (``private_page``): a warm page reads the stamps and
    the page, and renders nothing."""
    edition = edition_of_year(year)
    if edition is None:
        raise Http404
    filters = _grid_filters(request)
    grid = grid_page(edition=edition, **filters)
    page_key = private_fragment_key(
        request,
        edition.pk,
        grid.log_stamp,  # holds the grid's stamp
        stamp(EDITIONS_STAMP),  # the edition's title
        repr(sorted(filters.items())),  # private_page hashes the whole key
    )
    return private_page(
        request,
        page_key and f"meetings.planning:{page_key}",
        lambda: render(
            request,
            "meetings/planning.html",
            {"edition": edition, "grid": grid, "fragments": _planning_fragments(edition, grid)},
        ),
        CACHE_SECONDS,
    )


@require_GET
@role_required(Role.STAFF)
def planning_meeting(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """A meeting's reasons and actions: a fragment for the grid's cell, or a page without JS."""
    edition = get_object_or_404(Edition, year=year)
    detail = meeting_detail(edition=edition, meeting_id=pk)
    if detail is None:
        raise Http404(_("Ce rendez-vous n'existe pas ou a été annulé."))
    template = "_planning_detail" if request.htmx else "planning_meeting"
    return render(request, f"meetings/{template}.html", {"edition": edition, "detail": detail})


@require_GET
@role_required(Role.STAFF)
def planning_waiting(request: HttpRequest, year: int) -> HttpResponse:
    """Retained companies without a meeting and their best free slot (loaded apart: it reads
    relevance)."""
    edition = get_object_or_404(Edition, year=year)
    template = "_planning_waiting" if request.htmx else "planning_waiting"
    context = {"edition": edition, "waiting": waiting_list(edition=edition)}
    return render(request, f"meetings/{template}.html", context)


@require_GET
@role_required(Role.STAFF)
def planning_run(request: HttpRequest, year: int) -> HttpResponse:
    """The last schedule computation's progress, polled by the page while it runs; once it has
    finished, the page reloads (the grid has changed)."""
    edition = get_object_or_404(Edition, year=year)
    last_run, running = schedule_run_state(edition=edition)
    response = render(
        request,
        "meetings/_planning_run.html",
        {"edition": edition, "last_run": last_run, "running": running},
    )
    if request.htmx and not running:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@role_required(Role.STAFF)
def planning_add(request: HttpRequest, year: int) -> HttpResponse:
    """The form to add a meeting by hand (apart from the grid: it lists every retained company)."""
    edition = get_object_or_404(Edition, year=year)
    participations = (
        BuyerParticipation.objects.filter(edition=edition)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    retained = (
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
        .select_related("company")
        .order_by("company__legal_name")
    )
    return render(
        request,
        "meetings/planning_add.html",
        {
            "edition": edition,
            "participations": participations,
            "retained": retained,
            "buyer_id": _int_or_none(request.GET.get("acheteur")),
            "slot_index": _int_or_none(request.GET.get("creneau")),
        },
    )


def _int(request: HttpRequest, name: str) -> int:
    number = int_param(request.POST, name, min_value=0, max_value=MAX_ID)
    if number is None:
        message = _("Requête incomplète : choisissez une valeur dans la liste.")
        raise ValidationError(message)
    return number


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


MEETING_ACTIONS = {"move", "swap", "cancel", "lock", "unlock"}


def _buyers_touched(request: HttpRequest, edition: Edition) -> dict[int, tuple[int, int]]:
    """Meeting id → (buyer id, slot) of the meetings an action names, before it runs."""
    ids = [i for i in (id_param(request.POST, name) for name in ("meeting", "other")) if i]
    meetings = Meeting.objects.filter(edition=edition, pk__in=ids)
    rows = meetings.values_list("pk", "buyer_id", "slot")
    return {pk: (buyer_id, slot) for pk, buyer_id, slot in rows}


@require_POST
@role_required(Role.STAFF)
def planning_action(request: HttpRequest, year: int) -> HttpResponse:
    """Every change made from the planning page. With htmx, a move, swap, lock or cancel answers
    with the redrawn rows and the message (next to the cell and in the live region); without
    JavaScript, back to the page filtered on the buyer, the message on top."""
    edition = get_object_or_404(Edition, year=year)
    name = request.POST.get("action", "")
    action = ACTIONS.get(name)
    touched = _buyers_touched(request, edition) if name in MEETING_ACTIONS else {}
    ok = False
    if action is None:
        text = _("Action inconnue.")
    else:
        run, done = action
        try:
            run(request, edition)
        except ValidationError as error:
            text = " ".join(error.messages)
        else:
            ok, text = True, str(done)
    if request.htmx and touched:
        return _redrawn_rows(request, edition, touched, ok=ok, text=text)
    (messages.success if ok else messages.error)(request, text)
    url = reverse("meetings:planning", args=[edition.year])
    if touched:
        buyer_id = next(iter(touched.values()))[0]
        return redirect(f"{url}?acheteur={buyer_id}#acheteur-{buyer_id}")
    return redirect(url)


def _redrawn_rows(
    request: HttpRequest,
    edition: Edition,
    touched: dict[int, tuple[int, int]],
    *,
    ok: bool,
    text: str,
) -> HttpResponse:
    rows = grid_rows_of_buyers(edition=edition, buyer_ids={b for b, _s in touched.values()})
    meeting_id = _int_or_none(request.POST.get("meeting"))
    level = "success" if ok else "error"
    cells = [cell for row in rows for cell in row.cells]
    target = next((c for c in cells if c.meeting and c.meeting.pk == meeting_id), None)
    if target is None and meeting_id in touched:  # cancelled: the message goes to the freed cell
        buyer_id, slot = touched[meeting_id]
        row = next((r for r in rows if r.buyer.pk == buyer_id), None)
        if row is not None and 0 <= slot < len(row.cells):
            target = row.cells[slot]
    if target is not None:
        target.message, target.message_level = text, level
    return render(
        request,
        "meetings/_planning_rows.html",
        {"edition": edition, "rows": rows, "ok": ok, "text": text, "oob": True},
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
@role_required(Role.COMPANY, Role.BUYER)
def my_agenda(request: HttpRequest) -> HttpResponse:
    owner = agenda_owner(request.user)
    edition = current_edition()
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
