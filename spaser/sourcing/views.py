"""The buyers' directory, a planned contract's sourcing page, and the meetings' outcomes."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required

from . import glue, perms
from .advice_selectors import contract_sourcing, sourcing_contract
from .exports import directory_export
from .forms import DirectoryForm
from .selectors import directory_prefetch, directory_rows, directory_search, supplier_get

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _directory_user_or_403(request: HttpRequest) -> None:
    if not perms.can_use_directory(request.user):
        raise PermissionDenied


@require_GET
@role_required(Role.BUYER)
def directory(request: HttpRequest) -> HttpResponse:
    _directory_user_or_403(request)
    form = DirectoryForm(request.GET or None)
    query = form.to_query()  # unbound: the empty query, every consenting company
    paginator = Paginator(
        directory_prefetch(directory_search(query=query)), settings.SOURCING_DIRECTORY_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "sourcing/directory.html",
        {
            "form": form,
            "page": page,
            "rows": directory_rows(companies=page.object_list, query=query),
            "querystring": params.urlencode(),
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
            "trainings": None if trainings is None else trainings.get(company.pk, []),
            "contracts": None if contracts is None else contracts.get(company.siret, []),
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
