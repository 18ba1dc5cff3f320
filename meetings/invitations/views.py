"""Downloads: each participant gets only their own agenda (PDF) and calendar (ICS).

The owner is never taken from the URL: it is the signed-in user's company or buyer
organisation, so that nobody can ask for someone else's document.
"""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.editions.models import Edition
from meetings.perms import agenda_owner_key

from .documents import PAIRS, NothingToShow, document_ensure
from .enums import DocumentKind


def _serve(request, *, year: int, pdf: bool) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    owner = agenda_owner_key(request.user)
    if owner is None:
        return render(request, "core/no_role.html", status=403)
    kind = PAIRS[owner[0]][0 if pdf else 1]
    try:
        document = document_ensure(edition=edition, kind=kind, owner_id=owner[1])
    except NothingToShow:
        return render(request, "invitations/no_agenda.html", {"edition": edition}, status=404)
    return _file_response(document, pdf=pdf)


def _file_response(document, *, pdf: bool) -> FileResponse:
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        default_storage.open(document.file.name, "rb"),
        as_attachment=not pdf,
        filename=name,
        content_type="application/pdf" if pdf else "text/calendar; charset=utf-8",
    )


@login_required
@require_GET
def agenda_pdf(request: HttpRequest, year: int) -> HttpResponse:
    return _serve(request, year=year, pdf=True)


@login_required
@require_GET
def agenda_ics(request: HttpRequest, year: int) -> HttpResponse:
    return _serve(request, year=year, pdf=False)


@role_required(Role.STAFF)
@require_GET
def booklet_pdf(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    try:
        document = document_ensure(edition=edition, kind=DocumentKind.BOOKLET, owner_id=0)
    except NothingToShow:
        return render(request, "invitations/no_agenda.html", {"edition": edition}, status=404)
    return _file_response(document, pdf=True)
