"""The company registration (public) and the company's space. Views stay thin: rules come from
the form, the services and perms."""

import re

from allauth.account.internal.flows.signup import complete_signup
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buyers.models import BuyerOrganisation, CpvCode, PlannedContract
from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.editions.models import Edition

from .forms import CompanyRegistrationForm, naf_choices
from .perms import can_edit_registration, company_of
from .selectors import cpv_search, naf_label, registration_current, registrations_for_space
from .services.registration import company_register, registration_update
from .services.wishes import wish_toggle

SESSION_DONE_KEY = "companies_registration_done"
CPV_SEARCH_RATE = 120  # requests per minute and client address


def _form_submit(form: CompanyRegistrationForm, action) -> object | None:
    """Call ``action`` with the cleaned form; put its ValidationError back on the form."""
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def _service_kwargs(form: CompanyRegistrationForm) -> dict:
    return {
        "company_data": form.company_data(),
        "cpv_codes": form.cleaned_data.get("cpv_codes", []),
        "registration_data": form.registration_data(),
        "wish_organisation_ids": form.cleaned_data.get("wish_organisations", []),
        "wish_contract_ids": form.cleaned_data.get("wish_contracts", []),
        "training_topic_ids": [t.pk for t in form.cleaned_data.get("training_topics", [])],
    }


def _form_context(form: CompanyRegistrationForm, **extra) -> dict:
    return {"form": form, "edition": form.edition, "naf_choices": naf_choices(), **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """/entreprises/inscription/: a new company creates its account and registers; a signed-in
    company member registers their company to the current edition."""
    edition = Edition.objects.current()
    if edition is None or not edition.registration_is_open:
        return render(request, "companies/register_closed.html", {"edition": edition})
    company = None
    if request.user.is_authenticated:
        company = company_of(request.user)
        if company is None:
            return render(request, "companies/register_signed_in.html", {"edition": edition})
        if registration_current(company=company) is not None:
            messages.info(request, _("Votre entreprise est déjà inscrite à cette édition."))
            return redirect("companies:space")
    with_account = company is None

    if request.method == "POST":
        # A double submit from the same browser lands on the confirmation, nothing is created.
        done = request.session.get(SESSION_DONE_KEY)
        posted = re.sub(r"\D", "", request.POST.get("siret", ""))
        if with_account and done and done.get("siret") == posted:
            return redirect("companies:register_done")
        form = CompanyRegistrationForm(
            request.POST, edition=edition, with_account=with_account, company=company
        )
        if form.is_valid():
            registration = _form_submit(
                form,
                lambda: company_register(
                    edition=edition,
                    email=form.cleaned_data.get("email", ""),
                    password=form.cleaned_data.get("password1"),
                    user=None if with_account else request.user,
                    **_service_kwargs(form),
                ),
            )
            if registration is not None:
                if not with_account:
                    messages.success(
                        request,
                        _("Votre entreprise est inscrite à l'édition %(year)s.")
                        % {"year": edition.year},
                    )
                    return redirect("companies:space")
                user = registration.company.memberships.get().user
                # allauth: sends the verification e-mail and keeps the pending login, so that
                # following the link signs the company in and lands on its space.
                complete_signup(request, user=user, redirect_url=reverse("companies:space"))
                request.session[SESSION_DONE_KEY] = {
                    "siret": registration.company.siret,
                    "email": user.email,
                    "company": str(registration.company),
                    "edition": edition.title,
                }
                return redirect("companies:register_done")
    else:
        form = CompanyRegistrationForm(edition=edition, with_account=with_account, company=company)
    return render(request, "companies/register.html", _form_context(form))


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SESSION_DONE_KEY)
    if not done:
        return redirect("companies:register")
    return render(request, "companies/register_done.html", {"done": done})


@never_cache
@require_GET
def cpv_search_view(request: HttpRequest) -> JsonResponse:
    """/entreprises/cpv/?q=peinture : up to 20 CPV codes (code prefix or label words), public,
    bounded and rate-limited per client address. ``?codes=45442100,90910000`` returns labels."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"companies:cpv-search:{address}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count > CPV_SEARCH_RATE:
        return JsonResponse(
            {"error": _("Trop de recherches : réessayez dans une minute.")}, status=429
        )
    codes = [c.split("-")[0] for c in re.split(r"[\s,;]+", request.GET.get("codes", "")) if c]
    if codes:
        rows = CpvCode.objects.filter(code__in=codes[:40]).order_by("code")
        results = [{"code": c.code, "display": c.display_code, "label": c.label} for c in rows]
    else:
        results = cpv_search(query=request.GET.get("q", ""))
    return JsonResponse({"results": results})


@role_required(Role.COMPANY)
def space(request: HttpRequest) -> HttpResponse:
    company = company_of(request.user)
    if company is None:
        return render(request, "core/no_role.html", status=403)
    registrations = list(registrations_for_space(company=company))
    edition = Edition.objects.current()
    current = next((r for r in registrations if edition and r.edition_id == edition.pk), None)
    past = [r for r in registrations if r is not current]
    cpv_codes = list(company.cpv_codes.all())
    current_slots = []
    if current is not None and current.available_slots:
        labels = {slot.index: slot.label for slot in current.edition.slots}
        current_slots = [labels[i] for i in current.available_slots if i in labels]
    return render(
        request,
        "companies/space.html",
        {
            "company": company,
            "edition": edition,
            "current": current,
            "current_slots": current_slots,
            "registrations": past,
            "can_edit": current is not None and can_edit_registration(request.user, current),
            "can_register": current is None
            and edition is not None
            and edition.registration_is_open,
            "cpv_codes": cpv_codes,
            "naf_label": naf_label(company.naf_code) if company.naf_code else "",
        },
    )


@never_cache
@role_required(Role.COMPANY)
@require_http_methods(["GET", "POST"])
def registration_edit(request: HttpRequest) -> HttpResponse:
    """/entreprises/espace/inscription/: the company corrects its registration until the
    deadline; afterwards its space shows it read-only."""
    company = company_of(request.user)
    registration = registration_current(company=company) if company else None
    if registration is None:
        return redirect("companies:register")
    if not can_edit_registration(request.user, registration):
        messages.error(
            request,
            _(
                "La date limite d'inscription est passée : votre inscription ne peut plus être "
                "modifiée."
            ),
        )
        return redirect("companies:space")
    edition = registration.edition
    kwargs = {
        "edition": edition,
        "with_account": False,
        "company": company,
        "registration": registration,
    }
    if request.method == "POST":
        form = CompanyRegistrationForm(request.POST, **kwargs)
        if form.is_valid():
            updated = _form_submit(
                form,
                lambda: registration_update(registration=registration, **_service_kwargs(form)),
            )
            if updated is not None:
                messages.success(request, _("Vos modifications sont enregistrées."))
                return redirect("companies:space")
    else:
        form = CompanyRegistrationForm(**kwargs)
    return render(request, "companies/register.html", _form_context(form, editing=True))


@require_POST
@role_required(Role.COMPANY)
def wish_toggle_view(request: HttpRequest) -> HttpResponse:
    """Mark or unmark "I want to meet this buyer (about this planned contract)"."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    company = company_of(request.user)
    registration = registration_current(company=company) if company else None
    if registration is None:
        messages.error(request, _("Inscrivez-vous à la convention pour indiquer vos souhaits."))
        return redirect(next_url or "companies:space")
    organisation = get_object_or_404(BuyerOrganisation, pk=request.POST.get("organisation"))
    contract = None
    if request.POST.get("planned_contract"):
        contract = get_object_or_404(PlannedContract, pk=request.POST["planned_contract"])
    try:
        added = wish_toggle(
            registration=registration, organisation=organisation, planned_contract=contract
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Souhait enregistré : %(name)s.") % {"name": organisation}
            if added
            else _("Souhait retiré : %(name)s.") % {"name": organisation},
        )
    return redirect(next_url or "companies:space")
