"""The buyers' directory, a planned contract's sourcing page, and the meetings' outcomes."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buyers.models import PlannedContract
from companies.perms import company_of
from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.core.params import int_param
from ellipse.editions.models import Edition

from . import glue, perms, services, tasks
from .advice_selectors import contract_sourcing, sourcing_contract
from .enums import Side
from .exports import directory_export, outcomes_export
from .forms import DirectoryForm, OutcomeFilterForm, OutcomeForm, StaffContractsForm
from .outcome_links import OutcomeLinkError, outcome_link_read
from .outcome_selectors import outcome_deadline, outcome_overview, party_meetings
from .selectors import (
    RESULTS_SECONDS,
    directory_prefetch,
    directory_querystring,
    directory_rows,
    directory_search,
    directory_stamp,
    supplier_get,
)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _directory_user_or_403(request: HttpRequest) -> None:
    if not perms.can_use_directory(request.user):
        raise PermissionDenied


CACHED_PAGES = 10


@require_GET
@role_required(Role.BUYER)
def directory(request: HttpRequest) -> HttpResponse:
    """The results are a fragment cached per (query, page, directory stamp): the same for every
    buyer (no contact, no token in it), gone as soon as a company changes or withdraws."""
    _directory_user_or_403(request)
    form = DirectoryForm(request.GET or None)
    query = form.to_query()  # unbound: the empty query, every consenting company
    number = int_param(request, "page", 1, min_value=1, max_value=1_000_000)

    def results() -> dict:  # called by the template on a cache miss only
        paginator = Paginator(
            directory_prefetch(directory_search(query=query)),
            settings.SOURCING_DIRECTORY_PAGE_SIZE,
        )
        page = paginator.get_page(number)
        return {"page": page, "rows": directory_rows(companies=page.object_list, query=query)}

    return render(
        request,
        "sourcing/directory.html",
        {
            "form": form,
            "form_cacheable": not form.errors,
            "results": results,
            "stamp": directory_stamp(),
            "page_number": number,
            "querystring": directory_querystring(query),
            "cache_seconds": RESULTS_SECONDS,
            # Pages 1-10 only: a bounded number of keys (further pages render each time).
            "results_seconds": RESULTS_SECONDS if number <= CACHED_PAGES else 0,
        },
    )


@require_GET
@role_required(Role.BUYER)
def directory_download(request: HttpRequest, file_format: str) -> HttpResponse:
    _directory_user_or_403(request)
    form = DirectoryForm(request.GET)
    content = directory_export(query=form.to_query(), file_format=file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="annuaire.{file_format}"'
    return response


@require_GET
@role_required(Role.BUYER)
def supplier(request: HttpRequest, pk: int) -> HttpResponse:
    _directory_user_or_403(request)
    company = supplier_get(pk=pk)
    if company is None:
        raise Http404
    trainings = glue.trainings_of(company_ids=[company.pk])
    contracts = glue.contracts_held(sirets=[company.siret])
    return render(
        request,
        "sourcing/supplier.html",
        {
            "company": company,
            "show_contact": perms.can_see_contacts(request.user),
            "trainings": trainings.get(company.pk, []),
            "contracts": contracts.get(company.siret, []),
        },
    )


@require_GET
@role_required(Role.BUYER)
def contract_suppliers(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from a forecast line: matching local suppliers, best first, and the advice."""
    contract = sourcing_contract(pk)
    if contract is None:
        raise Http404
    if not perms.can_source_contract(request.user, contract):
        raise PermissionDenied
    return render(
        request,
        "sourcing/contract.html",
        {"sourcing": contract_sourcing(contract=contract), "contract": contract},
    )


# --- Meeting outcomes: the signed-link page (no login) and the staff's overview ---


def outcome_answer(request: HttpRequest, token: str) -> HttpResponse:
    """One party answers for each of its meetings; answers can be changed until the deadline."""
    try:
        link = outcome_link_read(token)
    except OutcomeLinkError as exc:
        return render(request, "sourcing/outcome_invalid.html", {"message": str(exc)}, status=410)
    meetings = list(party_meetings(link=link))
    edition = (
        meetings[0].edition if meetings else Edition.objects.filter(pk=link.edition_id).first()
    )
    if edition is None:
        raise Http404
    forms = []
    for meeting in meetings:
        existing = next((o for o in meeting.outcomes.all() if o.side == link.side), None)
        initial = (
            {
                "status": existing.status,
                "absence": existing.absence,
                "follow_ups": existing.follow_ups,
                "comment": existing.comment,
            }
            if existing
            else None
        )
        data = request.POST if request.method == "POST" else None
        forms.append(OutcomeForm(data, meeting=meeting, initial=initial))
    saved = None
    error = ""
    if request.method == "POST" and all(f.is_valid() for f in forms):
        answers = [a for f in forms if (a := f.to_answer()) is not None]
        try:
            saved = services.outcome_answers_save(link=link, answers=answers)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Merci, vos réponses sont enregistrées."))
            return redirect(request.path)
    return render(
        request,
        "sourcing/outcome_answer.html",
        {
            "edition": edition,
            "side": link.side,
            "party": (meetings[0].company if link.side == Side.COMPANY else meetings[0].buyer)
            if meetings
            else None,
            "forms": forms,
            "deadline": outcome_deadline(edition),
            "error": error,
            "saved": saved,
        },
        status=400 if request.method == "POST" else 200,
    )


def _overview_params(request: HttpRequest):
    form = OutcomeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    edition = data.get("edition") or Edition.objects.order_by("-year").first()
    return form, edition, data


@role_required(Role.STAFF)
def outcomes(request: HttpRequest) -> HttpResponse:
    """Staff: the answers per edition, buyer or company, the response rate, the disagreements."""
    form, edition, data = _overview_params(request)
    if request.method == "POST" and edition is not None:
        try:
            services.outcome_requests_check(edition=edition)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            transaction.on_commit(
                lambda: tasks.outcome_requests_send_task.delay(edition_id=edition.pk)
            )
            messages.success(
                request, _("Les demandes de suites partent (une seule fois par contact).")
            )
        return redirect(f"{request.path}?edition={edition.pk}")
    overview = None
    if edition is not None:
        overview = outcome_overview(
            edition=edition,
            buyer_id=data["acheteur"].pk if data.get("acheteur") else None,
            company_id=data.get("entreprise"),
            disagreements_only=bool(data.get("desaccords")),
        )
    return render(
        request,
        "sourcing/outcomes.html",
        {
            "form": form,
            "edition": edition,
            "overview": overview,
            "querystring": request.GET.urlencode(),
        },
    )


@require_GET
@role_required(Role.STAFF)
def outcomes_download(request: HttpRequest, file_format: str) -> HttpResponse:
    _form, edition, data = _overview_params(request)
    if edition is None:
        raise Http404
    overview = outcome_overview(
        edition=edition,
        buyer_id=data["acheteur"].pk if data.get("acheteur") else None,
        company_id=data.get("entreprise"),
        disagreements_only=bool(data.get("desaccords")),
    )
    content = outcomes_export(overview=overview, file_format=file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="suites-{edition.year}.{file_format}"'
    return response


@require_POST
@role_required(Role.COMPANY)
def directory_consent(request: HttpRequest) -> HttpResponse:
    """A company member says yes or no to the directory, from the company space."""
    company = company_of(request.user)
    choice = request.POST.get("annuaire")
    if company is None or choice not in ("oui", "non"):
        raise PermissionDenied
    services.directory_consent_set(company=company, consent=choice == "oui")
    if choice == "oui":
        messages.success(request, _("Votre fiche figure désormais dans l'annuaire des acheteurs."))
    else:
        messages.success(request, _("Votre fiche ne figure pas dans l'annuaire des acheteurs."))
    return redirect(reverse("companies:space") + "#titre-annuaire")


@require_GET
@role_required(Role.STAFF)
def contracts_for_staff(request: HttpRequest) -> HttpResponse:
    """Staff: every forecast line, each linked to its local suppliers and advice."""
    form = StaffContractsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    lines = PlannedContract.objects.select_related("organisation", "cpv_main").order_by(
        "-year", "organisation__name", "reference"
    )
    if data.get("annee"):
        lines = lines.filter(year=data["annee"])
    if data.get("acheteur"):
        lines = lines.filter(organisation=data["acheteur"])
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "sourcing/contracts_staff.html",
        {"form": form, "page": page, "querystring": params.urlencode()},
    )
