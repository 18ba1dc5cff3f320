"""The company's space. Views stay thin: rules come from perms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buyers.models import BuyerOrganisation, PlannedContract
from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required

from .perms import company_of
from .selectors import registration_current
from .services.wishes import wish_toggle


@role_required(Role.COMPANY)
def space(request: HttpRequest) -> HttpResponse:
    company = company_of(request.user)
    if company is None:
        return render(request, "core/no_role.html", status=403)
    registrations = company.registrations.select_related("edition").order_by("-edition__year")
    return render(
        request, "companies/space.html", {"company": company, "registrations": registrations}
    )


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
