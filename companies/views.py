"""The company's space. Views stay thin: rules come from perms."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required

from .perms import company_of


@role_required(Role.COMPANY)
def space(request: HttpRequest) -> HttpResponse:
    company = company_of(request.user)
    if company is None:
        return render(request, "core/no_role.html", status=403)
    registrations = company.registrations.select_related("edition").order_by("-edition__year")
    return render(
        request, "companies/space.html", {"company": company, "registrations": registrations}
    )
