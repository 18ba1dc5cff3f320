"""Buyer's space and the public catalogue. Views stay thin: reads come from selectors, rules
from perms, writes from services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ellipse.accounts.roles import Role
from ellipse.core.cache import private_fragment_key, private_page
from ellipse.core.decorators import role_required
from ellipse.core.params import ids_param, int_param, year_param
from ellipse.core.spaces import space_blocks_version
from ellipse.core.stamps import stamp
from ellipse.editions.current import EDITIONS_STAMP, current_edition

from . import selectors, services, spreadsheets, uploads
from .forms import (
    CatalogueFilterForm,
    ForecastUploadForm,
    InvitationForm,
    ParticipationForm,
    PlannedContractForm,
    default_year,
)
from .models import BuyerParticipation, PlannedContract
from .perms import buyer_organisation_id_of, buyer_organisation_of, can_manage_contract

CATALOGUE_PAGE_SIZE = 25
SPACE_PAGE_SIZE = 50
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _organisation_or_403(request):
    organisation = buyer_organisation_of(request.user)
    if organisation is None:
        return None, render(request, "core/no_role.html", status=403)
    return organisation, None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _download(content: bytes, *, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Buyer's space ---


SPACE_CACHED_PAGES = 10
SPACE_CACHE_SECONDS = 600


@role_required(Role.BUYER)
@require_GET
def space(request: HttpRequest) -> HttpResponse:
    """The buyer's space. The whole page is cached per user (with the CSRF tokens of its forms:
    ``private_page``) for pages 1 to ``SPACE_CACHED_PAGES`` under the organisation's
    stamp ``buyers.space.<id>`` (its lines, the wishes naming it, its members), the catalogue's
    (its name, its participation), the editions', the blocks' versions (invitation, trainings,
    interested companies) and the phase; inside it, the list of lines is cached per
    organisation. Everything is read lazily: a cached page runs no query of its own."""
    organisation_id = buyer_organisation_id_of(request.user)
    if organisation_id is None:
        return render(request, "core/no_role.html", status=403)
    # Loaded on a miss only: a cached page needs the id alone.
    organisation = SimpleLazyObject(lambda: buyer_organisation_of(request.user))
    edition = current_edition()
    year = year_param(request)
    number = int_param(request, "page", 1, min_value=1, max_value=1_000_000)
    stamps = ""
    page_key = ""
    if number <= SPACE_CACHED_PAGES:
        stamps = stamp(
            selectors.space_stamp_name(organisation_id), selectors.CATALOGUE_STAMP, EDITIONS_STAMP
        )
        page_key = private_fragment_key(
            request,
            organisation_id,
            stamps,
            edition and f"{edition.pk}.{edition.phase}",
            year or "",
            number,
            space_blocks_version("buyer"),
        )
    participation = SimpleLazyObject(
        lambda: (
            BuyerParticipation.objects.filter(edition=edition, organisation=organisation).first()
            if edition
            else None
        )
    )
    return private_page(
        request,
        page_key and f"buyers.space:{page_key}",
        lambda: render(
            request,
            "buyers/space.html",
            {
                "organisation": organisation,
                "edition": edition,
                "participation": participation,
                "slot_labels": SimpleLazyObject(lambda: _slot_labels(edition, participation)),
                "page": SimpleLazyObject(
                    lambda: selectors.space_page(
                        organisation=organisation,
                        year=year,
                        number=number,
                        per_page=SPACE_PAGE_SIZE,
                    )
                ),
                "years": SimpleLazyObject(
                    lambda: selectors.organisation_years(organisation=organisation)
                ),
                "year": year,
                "members": organisation.memberships.select_related("user").order_by("user__email"),
                "buyer_interest": selectors.organisation_interest(organisation=organisation),
                "lines_key": stamps and f"{organisation_id}:{stamps}:{year or ''}:{number}",
                "cache_seconds": SPACE_CACHE_SECONDS,
            },
        ),
        SPACE_CACHE_SECONDS,
    )


def _slot_labels(edition, participation) -> list[str]:
    if edition is None or not participation:
        return []
    chosen = set(participation.available_slots or [])
    return [s.label for s in edition.slots if not chosen or s.index in chosen]


@role_required(Role.BUYER)
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    contract = None
    if pk is not None:
        contract = PlannedContract.objects.select_related("cpv_main").filter(pk=pk).first()
        if contract is None or not can_manage_contract(request.user, contract):
            raise Http404
        if contract.organisation_id != organisation.pk:
            raise Http404
    form = PlannedContractForm(
        request.POST or None,
        instance=contract,
        organisation=organisation,
        year=year_param(request) or default_year(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.planned_contract_save(
                contract=form.save(commit=False),
                cpv_extra=form.cleaned_data["cpv_extra_codes"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Ligne « %(ref)s » enregistrée.") % {"ref": saved.reference}
            )
            return redirect("buyers:contract_detail", pk=saved.pk)
    return render(
        request,
        "buyers/contract_form.html",
        {"form": form, "contract": contract, "organisation": organisation},
    )


@role_required(Role.BUYER)
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A line and the companies that want to meet about it."""
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    contract = selectors.planned_contract_with_interest(contract_id=pk, organisation=organisation)
    if contract is None:
        raise Http404
    return render(
        request,
        "buyers/contract_detail.html",
        {"contract": contract, "organisation": organisation},
    )


@role_required(Role.BUYER)
@require_POST
def contracts_publish(request: HttpRequest) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    ids = ids_param(request.POST, "contracts")
    count = services.planned_contracts_publish(organisation=organisation, ids=ids)
    if count:
        messages.success(request, _("%(n)s ligne(s) publiée(s) aux entreprises.") % {"n": count})
    else:
        messages.info(request, _("Aucune ligne en brouillon sélectionnée."))
    return redirect("buyers:space")


@role_required(Role.BUYER)
@require_GET
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    qs = PlannedContract.objects.filter(organisation=organisation)
    year = year_param(request)
    if year is not None:
        qs = qs.filter(year=year)
    content = services.forecast_export(queryset=qs, file_format=file_format)
    name = f"previsions-{organisation.short_name or organisation.pk}{f'-{year}' if year else ''}"
    return _download(content, filename=f"{_slug(name)}.{file_format}", file_format=file_format)


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text) or "previsions"


@require_GET
def template_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The empty forecast template (no private data: public)."""
    content = spreadsheets.template_xlsx() if file_format == "xlsx" else spreadsheets.template_csv()
    return _download(content, filename=f"modele-previsions.{file_format}", file_format=file_format)


# --- Upload: preview, then confirm (shared with the admin) ---


def import_preview_or_confirm(
    request: HttpRequest, *, organisation_for, template: str, extra: dict, confirm_url: str
) -> HttpResponse:
    """The upload page. POST with a file: store it, dry run, show the preview. POST with a
    token: re-read the stored file and import it for real, all or nothing."""
    with_organisation = organisation_for is None
    report = pending = None
    form = ForecastUploadForm(with_organisation=with_organisation)
    if request.method == "POST" and request.POST.get("token"):
        pending = uploads.upload_get(request=request, token=request.POST["token"])
        organisation = _pending_organisation(pending, organisation_for)
        if pending is None or organisation is None:
            messages.error(request, _("Ce dépôt a expiré : déposez le fichier à nouveau."))
            return redirect(request.path)
        if _in_background(pending):
            return _job_redirect(request, pending, organisation, dry_run=False, extra=extra)
        report = services.forecast_import(
            organisation=organisation,
            year=pending.year,
            file=pending.read(),
            file_format="xlsx" if pending.path.endswith(".xlsx") else "csv",
            dry_run=False,
            user=request.user,
        )
        if report.written:
            uploads.upload_discard(request=request, token=pending.token)
            messages.success(
                request,
                _("Prévisions %(year)s de %(org)s enregistrées. %(summary)s")
                % {"year": pending.year, "org": organisation.name, "summary": report.summary()},
            )
            return redirect(extra.get("done_url") or request.path)
        pending_org = organisation
    elif request.method == "POST":
        form = ForecastUploadForm(request.POST, request.FILES, with_organisation=with_organisation)
        pending_org = None
        if form.is_valid():
            pending_org = organisation_for or form.cleaned_data["organisation"]
            upload = form.cleaned_data["file"]
            pending = uploads.upload_store(
                request=request,
                upload=upload,
                organisation_id=pending_org.pk,
                year=form.cleaned_data["year"],
            )
            if _in_background(pending):
                return _job_redirect(request, pending, pending_org, dry_run=True, extra=extra)
            report = services.forecast_import(
                organisation=pending_org,
                year=pending.year,
                file=pending.read(),
                file_format="xlsx" if pending.path.endswith(".xlsx") else "csv",
                dry_run=True,
                user=request.user,
            )
            if report.has_errors:
                uploads.upload_discard(request=request, token=pending.token)
                pending = None
            form = ForecastUploadForm(with_organisation=with_organisation)
    else:
        pending_org = None
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "pending": pending,
            "pending_organisation": pending_org,
            "confirm_url": confirm_url,
            **extra,
        },
    )


def _in_background(pending) -> bool:
    """Large files are checked and imported by a task; the page follows its progress."""
    from django.core.files.storage import default_storage

    return default_storage.size(pending.path) >= settings.ELLIPSE_FORECAST_BACKGROUND_BYTES


def _job_redirect(request, pending, organisation, *, dry_run: bool, extra: dict):
    """Check or import in the background; the answer is the project's progress page, which
    goes on to ``import_job`` (the preview, or the result) once done."""
    from ellipse.core.jobs import JobAlreadyRunning, job_url

    try:
        forecast_job = services.forecast_import_job_start(
            organisation=organisation,
            year=pending.year,
            token=pending.token,
            path=pending.path,
            name=pending.name,
            dry_run=dry_run,
            user=request.user,
            done_url=extra.get("done_url") or request.path,
            upload_url=request.path,
        )
    except JobAlreadyRunning as running:
        messages.warning(
            request,
            _("Un fichier de prévisions %(year)s de %(org)s est déjà en cours de traitement.")
            % {"year": pending.year, "org": organisation.name},
        )
        return redirect(job_url(running.job))
    return redirect(job_url(forecast_job.job))


@require_http_methods(["GET"])
def import_job(request: HttpRequest, pk) -> HttpResponse:
    """A background check or import once done: the preview with its confirmation, or the
    result. Until then (or when it failed) the project's progress page tells."""
    from ellipse.core.jobs import job_url
    from ellipse.core.models import JobStatus

    from .models import ForecastImportJob

    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    forecast_job = (
        ForecastImportJob.objects.select_related("organisation", "job").filter(pk=pk).first()
    )
    if forecast_job is None or forecast_job.job.created_by_id != request.user.pk:
        raise Http404
    if forecast_job.job.status != JobStatus.DONE or forecast_job.report is None:
        return redirect(job_url(forecast_job.job))
    report = services.ForecastImportReport.from_dict(forecast_job.report)
    if report.written:
        messages.success(
            request,
            _("Prévisions %(year)s de %(org)s enregistrées. %(summary)s")
            % {
                "year": forecast_job.year,
                "org": forecast_job.organisation.name,
                "summary": report.summary(),
            },
        )
        return redirect(forecast_job.done_url or "buyers:space")
    pending = uploads.upload_get(request=request, token=forecast_job.token)
    confirm_url = request.GET.get("retour", "")
    if not confirm_url.startswith("/") or confirm_url.startswith("//"):
        confirm_url = reverse("buyers:upload")
    return render(
        request,
        "buyers/import_job.html",
        {
            "job": forecast_job,
            "report": report,
            "pending": pending if not report.has_errors else None,
            "pending_organisation": forecast_job.organisation,
            "confirm_url": confirm_url,
        },
    )


def _pending_organisation(pending, organisation_for):
    from .models import BuyerOrganisation

    if pending is None:
        return None
    if organisation_for is not None:
        return organisation_for if pending.organisation_id == organisation_for.pk else None
    return BuyerOrganisation.objects.filter(pk=pending.organisation_id).first()


@role_required(Role.BUYER)
@require_http_methods(["GET", "POST"])
def forecast_upload(request: HttpRequest) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    return import_preview_or_confirm(
        request,
        organisation_for=organisation,
        template="buyers/upload.html",
        extra={"organisation": organisation, "done_url": reverse("buyers:space")},
        confirm_url=reverse("buyers:upload"),
    )


# --- Participation and colleagues ---


@role_required(Role.BUYER)
@require_http_methods(["GET", "POST"])
def participation_edit(request: HttpRequest) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    edition = current_edition()
    if edition is None:
        raise Http404
    participation = BuyerParticipation.objects.filter(
        edition=edition, organisation=organisation
    ).first()
    initial = {"max_meetings": min(9, edition.max_meetings_per_buyer)}
    if participation:
        initial = {
            "attendees": participation.attendees,
            "available_slots": participation.available_slots or [s.index for s in edition.slots],
            "max_meetings": participation.max_meetings,
        }
    else:
        initial["available_slots"] = [s.index for s in edition.slots]
    form = ParticipationForm(request.POST or None, initial=initial, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_save(
                organisation=organisation, edition=edition, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Votre participation est enregistrée."))
            return redirect("buyers:space")
    return render(
        request,
        "buyers/participation_form.html",
        {
            "form": form,
            "edition": edition,
            "participation": participation,
            "organisation": organisation,
        },
    )


@role_required(Role.BUYER)
@require_http_methods(["GET", "POST"])
def colleague_invite(request: HttpRequest) -> HttpResponse:
    organisation, refused = _organisation_or_403(request)
    if refused:
        return refused
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.buyer_invite(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # The same words whether or not the address already had an account elsewhere.
            messages.success(
                request,
                _(
                    "Invitation envoyée à %(email)s : un lien lui permet de rejoindre votre "
                    "espace acheteur."
                )
                % {"email": form.cleaned_data["email"].strip().lower()},
            )
            return redirect("buyers:space")
    return render(request, "buyers/invite_form.html", {"form": form, "organisation": organisation})


# --- Public catalogue ---


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """/previsions/: public, so that any company of the territory can discover the buyers'
    needs before registering; signed-in registered companies can also mark wishes.

    The filter form and the result list are fragments cached under the catalogue's stamp and
    the normalised filters (``catalogue/index.html``); the page itself is read lazily, so a
    cached fragment runs no query. The wish buttons (per company, with a CSRF token) are
    never cached."""
    from ellipse.accounts.roles import user_has_role

    edition = None
    company = None
    registration_open = False
    if user_has_role(request.user, Role.COMPANY):
        membership = getattr(request.user, "company_membership", None)
        company = membership.company if membership is not None else None
    if company is not None:
        edition = current_edition()
    if company is not None and edition is not None:
        registration_open = (
            edition.registration_is_open and company.registrations.filter(edition=edition).exists()
        )
    stamp = selectors.catalogue_stamp()
    form = CatalogueFilterForm(
        request.GET or None,
        choices=selectors.catalogue_choices(stamp=stamp),
        with_mine=company is not None,
    )
    filters = selectors.CatalogueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CatalogueFilters(
            q=data.get("q", "").strip(),
            organisation=data.get("organisation"),
            division=data.get("division", ""),
            amount=data.get("amount", ""),
            quarter=data.get("quarter"),
            reserved=data.get("reserved", ""),
            social_clause=data.get("social_clause", False),
            year=data.get("year"),
        )
        if data.get("mine") and company is not None and edition is not None:
            filters.mine_company_id = company.pk
            filters.mine_edition_id = edition.pk
    number = int_param(request, "page", 1, min_value=1, max_value=1_000_000)
    page = SimpleLazyObject(
        lambda: selectors.catalogue_page(
            filters=filters, number=number, per_page=CATALOGUE_PAGE_SIZE, stamp=stamp
        )
    )
    wishes = None
    if company is not None and edition is not None:
        wishes = selectors.company_wishes(company_id=company.pk, edition_id=edition.pk)
    # Fragment keys: the stamp and the normalised filters. The form is cached only when valid
    # (errors echo what was typed); the list only without wish buttons and for pages 1 to N.
    # When both are, one fragment holds them (one cache read).
    query = form.query_string()
    cache_form = not form.is_bound or form.is_valid()
    cache_list = (
        not registration_open
        and not filters.mine_company_id
        and number <= selectors.CATALOGUE_CACHED_PAGES
    )
    return render(
        request,
        "catalogue/index.html",
        {
            "form": form,
            "page": page,
            "paginator": SimpleLazyObject(lambda: page.paginator),
            "query": query,
            "company": company,
            "wishes": wishes,
            "can_wish": registration_open,
            "edition": edition,
            "cache_seconds": selectors.CATALOGUE_CACHE_SECONDS,
            "form_key": f"{stamp}:{int(company is not None)}:{query}" if cache_form else "",
            "list_key": (
                f"{stamp}:{filters.cache_key()}:{number}:{int(request.user.is_authenticated)}"
                if cache_list
                else ""
            ),
            "cache_both": cache_form and cache_list,
        },
    )
