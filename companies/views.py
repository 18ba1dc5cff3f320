"""The company registration (public) and the company's space. Views stay thin: rules come from
the form, the services and perms."""

import re

from allauth.account.internal.flows.signup import complete_signup
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buyers.models import CpvCode
from ellipse.accounts.roles import Role
from ellipse.core.cache import private_fragment_key, private_page
from ellipse.core.decorators import role_required
from ellipse.core.params import ids_param, int_param, next_param
from ellipse.core.ratelimit import limit_exceeded
from ellipse.core.spaces import space_blocks_version
from ellipse.editions.current import current_edition
from ellipse.editions.models import Edition

from .enums import RegistrationStatus
from .forms import (
    MAX_CPV_CODES,
    CompanyRegistrationForm,
    WishToggleForm,
    cpv_codes_parse,
    naf_choices,
)
from .perms import can_edit_registration, company_id_of, company_of
from .selectors import (
    MAX_WISH_CONTRACTS,
    blank_registration_form_key,
    company_has_meetings,
    company_space,
    cpv_search,
    registration_current,
    schedule_published,
    wish_search_page,
    wish_suggestions,
)
from .services.registration import (
    company_register,
    company_register_public,
    registration_update,
)
from .services.wishes import wish_toggle

SESSION_DONE_KEY = "companies_registration_done"
#: ``company_register_public`` found an existing account: its owner was e-mailed instead.
ACCOUNT_EXISTS = object()
CPV_SEARCH_RATE = 120


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
    # naf_choices is called by the template only when its cached datalist is missing.
    return {"form": form, "edition": form.edition, "naf_choices": naf_choices, **extra}


#: How long the blank public form's page stays cached (its key moves on with its inputs).
BLANK_SECONDS = 3600
# A company's whole space page in the cache (``space``): its key moves with what it shows.
SPACE_CACHE_SECONDS = 600


def _blank_page(edition: Edition) -> dict[str, str]:
    """The blank public form (no company yet, nothing posted), the same for every visitor, as
    its two cached parts: ``top`` up to the ``<form>`` tag, ``bottom`` from the first button to
    the NAF datalist; the visitor's CSRF token goes between them. The key moves with the
    edition, the catalogue, the training topics, the year and the language
    (``blank_registration_form_key``): a warm page builds no form and runs no query."""
    key = f"companies:register-blank:{blank_registration_form_key(edition=edition)}"
    parts = cache.get(key)
    if parts is None:
        context = _form_context(CompanyRegistrationForm(edition=edition))
        parts = {
            part: render_to_string(f"companies/_register_{part}.html", context)
            for part in ("top", "bottom")
        }
        cache.set(key, parts, BLANK_SECONDS)
    return {part: mark_safe(html) for part, html in parts.items()}  # noqa: S308 (our templates)


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """/entreprises/inscription/: a new company creates its account and registers; a signed-in
    company member registers their company to the current edition."""
    edition = current_edition()
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
        form = CompanyRegistrationForm(
            request.POST, edition=edition, with_account=with_account, company=company
        )
        if with_account and done and done.get("siret") == posted and not form.searching:
            return redirect("companies:register_done")
        if form.searching:  # the wish search without JavaScript: shown again, nothing saved
            status = 429 if _search_refused(request, form) else 200
            return render(request, "companies/register.html", _form_context(form), status=status)
        if with_account and limit_exceeded(
            request,
            scope="companies-register",
            limit=settings.COMPANY_REGISTRATION_ATTEMPTS_PER_HOUR,
            period=3600,
        ):
            form.add_error(
                None,
                _(
                    "Trop de tentatives d'inscription depuis votre connexion : réessayez dans "
                    "une heure, ou écrivez à l'équipe Ellipse."
                ),
            )
            return render(request, "companies/register.html", _form_context(form), status=429)
        if form.is_valid() and not with_account:
            registration = _form_submit(
                form,
                lambda: company_register(
                    edition=edition, user=request.user, **_service_kwargs(form)
                ),
            )
            if registration is not None:
                messages.success(
                    request,
                    _("Votre entreprise est inscrite à l'édition %(year)s.")
                    % {"year": edition.year},
                )
                return redirect("companies:space")
        elif form.is_valid():
            outcome = _form_submit(
                form,
                lambda: (
                    company_register_public(
                        edition=edition,
                        email=form.cleaned_data["email"],
                        password=form.cleaned_data.get("password1"),
                        **_service_kwargs(form),
                    )
                    or ACCOUNT_EXISTS
                ),
            )
            if outcome is not None:
                if outcome is not ACCOUNT_EXISTS:
                    user = outcome.company.memberships.get().user
                    # allauth: sends the verification e-mail and keeps the pending login, so
                    # that following the link signs the company in and lands on its space.
                    complete_signup(request, user=user, redirect_url=reverse("companies:space"))
                    # allauth's "e-mail sent to …" notice would tell this case from the other.
                    list(messages.get_messages(request))
                # The same answer whether an account was created or its owner e-mailed.
                request.session[SESSION_DONE_KEY] = {
                    "siret": form.cleaned_data["siret"],
                    "email": form.cleaned_data["email"],
                    "company": form.cleaned_data["legal_name"],
                    "edition": edition.title,
                }
                return redirect("companies:register_done")
    elif with_account:  # a visitor's blank form: cached whole
        context = {"edition": edition, "blank": _blank_page(edition)}
        return render(request, "companies/register.html", context)
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
    if refused := _search_limit(request):
        return refused
    codes = [c.split("-")[0] for c in re.split(r"[\s,;]+", request.GET.get("codes", "")) if c]
    if codes:
        rows = CpvCode.objects.filter(code__in=codes[:40]).order_by("code")
        results = [{"code": c.code, "display": c.display_code, "label": c.label} for c in rows]
    else:
        results = cpv_search(query=request.GET.get("q", ""))
    return JsonResponse({"results": results})


SEARCH_REFUSED = _lazy("Trop de recherches : réessayez dans une minute.")


def _search_limit(request: HttpRequest) -> JsonResponse | None:
    """The public searches' rate limit (CPV codes, wishes), one count per client address."""
    if limit_exceeded(request, scope="cpv-search", limit=CPV_SEARCH_RATE):
        return JsonResponse({"error": str(SEARCH_REFUSED)}, status=429)
    return None


def _search_refused(request: HttpRequest, form: CompanyRegistrationForm) -> bool:
    """The wish search without JavaScript counts with the others: over the limit, the form is
    shown again without results and says why."""
    if _search_limit(request) is None:
        return False
    form.search_refused = True
    messages.error(request, SEARCH_REFUSED)
    return True


@never_cache
@require_GET
def wish_suggestions_view(request: HttpRequest) -> HttpResponse:
    """/entreprises/souhaits/proches/?cpv=45442100,45000000&mots=peinture : the current
    edition's planned contracts that fit this activity, best first (at most 20, those of
    ``wish_contracts`` left out): their ids as JSON, or the picker's fragment for htmx (which
    sends the form's ``cpv_codes`` and ``keywords``). Public, bounded, rate-limited."""
    if refused := _search_limit(request):
        return refused
    edition = current_edition()
    raw_codes = request.GET.get("cpv", request.GET.get("cpv_codes", ""))
    codes = cpv_codes_parse(raw_codes[:2000])[:MAX_CPV_CODES]
    keywords = request.GET.get("mots", request.GET.get("keywords", ""))[:400]
    suggested = []
    if edition is not None:
        suggested = wish_suggestions(
            edition=edition,
            cpv_codes=codes,
            keywords=keywords,
            exclude=ids_param(request, "wish_contracts")[:MAX_WISH_CONTRACTS],
        )
    if request.htmx:
        return render(request, "companies/_wish_suggestions.html", {"suggested": suggested})
    return JsonResponse({"ids": [item["contract"].pk for item in suggested]})


@never_cache
@require_GET
def wish_search_view(request: HttpRequest) -> HttpResponse:
    """/entreprises/souhaits/recherche/?wish_q=crèche&page=2 : one page (20) of the current
    edition's wishable planned contracts matching the words typed, as the picker's results
    fragment; those of ``wish_contracts`` (already chosen) without a second checkbox. Public,
    rate-limited; the same fragment the form shows without JavaScript."""
    if refused := _search_limit(request):
        return refused
    edition = current_edition()
    query = request.GET.get("wish_q", "")[:200]
    results = None
    if edition is not None:
        number = int_param(request, "page", 1, min_value=1, max_value=10_000)
        results = wish_search_page(edition=edition, query=query, number=number)
    return render(
        request,
        "companies/_wish_results.html",
        {
            "results": results,
            "query": query,
            "elsewhere": set(ids_param(request, "wish_contracts")[:MAX_WISH_CONTRACTS]),
        },
    )


@role_required(Role.COMPANY)
def space(request: HttpRequest) -> HttpResponse:
    """/entreprises/espace/: the company's registration, wishes and profile. The whole page is
    cached per user (with the CSRF tokens of its forms: ``private_page``) under the company's
    stamp (``companies.stamps``: its registrations, so whether it has one and its status), the
    edition's facts that move with the clock (phase, open or not), and the blocks' versions
    (the invitation's covers its meetings): every fact the page shows is a function of the
    key. The context is lazy: a warm page reads stamps, not rows, and renders no template."""
    company_id = company_id_of(request.user)
    if company_id is None:
        return render(request, "core/no_role.html", status=403)
    company = SimpleLazyObject(lambda: company_of(request.user))  # loaded on a miss only
    space = company_space(company=company, company_id=company_id)
    edition = space.edition
    page_key = private_fragment_key(
        request,
        company_id,
        space.stamp,
        edition and f"{edition.pk}.{edition.status}.{edition.phase}.{edition.registration_is_open}",
        space_blocks_version("company"),
    )

    def can_edit() -> bool:
        return space.current is not None and can_edit_registration(request.user, space.current)

    def retained_without_meetings() -> bool:
        # Retained once the schedule was out, with no meeting: say so, not "invitation soon".
        current = space.current
        return (
            current is not None
            and current.status == RegistrationStatus.RETAINED
            and schedule_published(edition=current.edition)
            and company_has_meetings(company=company, edition=current.edition) is False
        )

    return private_page(
        request,
        page_key and f"companies.space:{page_key}",
        lambda: render(
            request,
            "companies/space.html",
            {
                "company": company,
                "space": space,
                "edition": edition,
                "current": SimpleLazyObject(lambda: space.current),
                "registrations": SimpleLazyObject(lambda: space.past),
                "can_edit": SimpleLazyObject(can_edit),
                "can_register": SimpleLazyObject(
                    lambda: (
                        space.current is None
                        and edition is not None
                        and edition.registration_is_open
                    )
                ),
                "retained_without_meetings": SimpleLazyObject(retained_without_meetings),
            },
        ),
        SPACE_CACHE_SECONDS,
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
        if form.searching and _search_refused(request, form):
            context = _form_context(form, editing=True)
            return render(request, "companies/register.html", context, status=429)
        if form.is_valid():  # never while searching (the wish search without JavaScript)
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
    next_url = next_param(request, "companies:space")
    company = company_of(request.user)
    registration = registration_current(company=company) if company else None
    if registration is None:
        messages.error(request, _("Inscrivez-vous à la convention pour indiquer vos souhaits."))
        return redirect(next_url)
    form = WishToggleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce souhait ne correspond à aucun acheteur ou marché."))
        return redirect(next_url)
    organisation = form.cleaned_data["organisation"]
    contract = form.cleaned_data["planned_contract"]
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
    return redirect(next_url)
