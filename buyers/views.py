"""Buyer's space. Views stay thin: reads come from selectors, rules from perms."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.editions.models import Edition

from .models import BuyerParticipation
from .perms import buyer_organisation_of
from .selectors import planned_contracts_for_organisation


@role_required(Role.BUYER)
def space(request: HttpRequest) -> HttpResponse:
    organisation = buyer_organisation_of(request.user)
    if organisation is None:
        return render(request, "core/no_role.html", status=403)
    edition = Edition.objects.current()
    participation = (
        BuyerParticipation.objects.filter(edition=edition, organisation=organisation).first()
        if edition
        else None
    )
    contracts = planned_contracts_for_organisation(organisation=organisation)
    return render(
        request,
        "buyers/space.html",
        {
            "organisation": organisation,
            "edition": edition,
            "participation": participation,
            "contracts": contracts,
        },
    )
